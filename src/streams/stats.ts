// Resource usage of a container: a stream of samples (about one a second) or a single one.
import { DockerResponseError } from '../errors.js';
import type { OperationContext } from '../operation-call.js';
import { DecodedStream, type ItemStream } from './decoded-stream.js';
import { JsonRecordDecoder } from './json-records.js';
import { readableChunks } from './readable-chunks.js';
import { openStream } from './stream-request.js';

export interface StatsOptions {
  /** Aborting ends the iteration quietly and closes the connection. */
  signal?: AbortSignal;
  /** Largest record accepted, in bytes (default 8 MiB). */
  maxRecordSize?: number;
}

export interface StatsOnceOptions extends StatsOptions {
  /**
   * Answer at once with a single reading, leaving the `precpu_stats` empty (default false: the
   * engine takes two readings a second apart so CPU usage can be computed from the difference).
   */
  oneShot?: boolean;
}

function statsRecords<T>(context: OperationContext, id: string, stream: boolean, options: StatsOnceOptions): DecodedStream<T> {
  return new DecodedStream<T>(async () => {
    const opened = await openStream(context, {
      operation: 'ContainerStats',
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/stats`,
      query: { stream, 'one-shot': stream ? undefined : options.oneShot },
      signal: options.signal,
    });
    return { chunks: readableChunks(opened.body), decoder: new JsonRecordDecoder<T>({ maxRecordSize: options.maxRecordSize, context: opened.context }) };
  }, options.signal);
}

/** Samples until the container is removed or the signal aborts (a stopped container keeps sending empty ones). */
export function containerStats<T>(context: OperationContext, id: string, options: StatsOptions = {}): ItemStream<T> {
  return statsRecords<T>(context, id, true, options);
}

export async function containerStatsOnce<T>(context: OperationContext, id: string, options: StatsOnceOptions = {}): Promise<T> {
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
