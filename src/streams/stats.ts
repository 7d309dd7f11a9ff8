// Resource usage of a container: a stream of samples (about one a second) or a single one.
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { DockerResponseError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { openOperation, type OperationContext } from '../request/operation-call.js';
import { DecodedStream, type ItemStream } from './decoded-stream.js';
import { JsonRecordDecoder } from './json-records.js';
import { readableChunks } from './readable-chunks.js';

interface StatsHelperOptions {
  /** Aborting ends the iteration quietly and closes the connection. */
  signal?: AbortSignal;
  /** Largest record accepted, in bytes (default 8 MiB). */
  maxRecordSize?: number;
}

/** The parameters of ContainerStats at API version V, but `stream`, which the helper chooses. */
export type StatsOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ContainerStats', V>, 'id' | 'stream' | 'one-shot'> &
  StatsHelperOptions;

export type StatsOnceOptions<V extends ApiVersion = NewestApiVersion> = StatsOptions<V> & {
  /**
   * Answer at once with a single reading, leaving the `precpu_stats` empty (default false: the
   * engine takes two readings a second apart so CPU usage can be computed from the difference).
   */
  oneShot?: boolean;
};

function statsRecords<T>(context: OperationContext, id: string, stream: boolean, options: StatsOnceOptions<ApiVersion>): DecodedStream<T> {
  const { signal, maxRecordSize, oneShot, ...parameters } = options;
  return new DecodedStream<T>(async () => {
    const values = { ...parameters, id, stream, 'one-shot': stream ? undefined : oneShot };
    const opened = await openOperation(context, 'ContainerStats', values, { signal });
    return { chunks: readableChunks(opened.body), decoder: new JsonRecordDecoder<T>({ maxRecordSize, context: opened.context }) };
  }, signal);
}

/** Samples until the container is removed or the signal aborts (a stopped container keeps sending empty ones). */
export function containerStats<T>(context: OperationContext, id: string, options: StatsOptions<ApiVersion> = {}): ItemStream<T> {
  return statsRecords<T>(context, id, true, options);
}

export async function containerStatsOnce<T>(context: OperationContext, id: string, options: StatsOnceOptions<ApiVersion> = {}): Promise<T> {
  const records = statsRecords<T>(context, id, false, options);
  try {
    const first = await records.next();
    if (first.done) {
      options.signal?.throwIfAborted();
      throw new DockerResponseError(`the engine answered ContainerStats without a record`, { operation: 'ContainerStats' });
    }
    return first.value;
  } finally {
    await records.return();
  }
}
