// Logs of a container, a service or a task as an async iterable of output frames. Whether the
// stream is multiplexed or raw (TTY) comes from the Content-Type where the engine labels it (see
// stream-mode.ts), else from the TTY setting of the container (service, task).
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { callOperation, openOperation, type OpenedAnswer, type OperationContext } from '../request/operation-call.js';
import { DecodedStream, type ItemStream, type OpenedSource } from './decoded-stream.js';
import { MultiplexedDecoder, type OutputFrame, RawOutputDecoder } from './output-frames.js';
import { readableChunks } from './readable-chunks.js';
import { ttyFromContentType } from './stream-mode.js';
import { encodeTimestamp, type Timestamp } from './timestamps.js';

type LogOperation = 'ContainerLogs' | 'ServiceLogs' | 'TaskLogs';

/** What the helper takes beyond the operation's own parameters, and where it takes them in friendlier forms. */
interface LogsHelperOptions {
  /** Only output written at or after this time. */
  since?: Timestamp;
  /** Only the last N lines of the existing output (default: all). */
  tail?: number | 'all';
  /** Frames up to this size are delivered whole (default 1 MiB); larger ones in pieces. */
  maxFrameSize?: number;
  /** Aborting ends the iteration quietly and closes the connection. */
  signal?: AbortSignal;
}

/**
 * The parameters of the logs operation at API version V (follow, stdout and stderr, which default
 * to true here, timestamps, …), with times as Date, seconds or RFC 3339 text.
 */
type LogsOptionsOf<Id extends LogOperation, V extends ApiVersion> = Omit<OperationParamsOf<Id, V>, 'id' | 'since' | 'until' | 'tail'> & LogsHelperOptions;

export type ContainerLogsOptions<V extends ApiVersion = NewestApiVersion> = LogsOptionsOf<'ContainerLogs', V> & {
  /** Only output written before this time. */
  until?: Timestamp;
};
export type ServiceLogsOptions<V extends ApiVersion = NewestApiVersion> = LogsOptionsOf<'ServiceLogs', V>;
export type TaskLogsOptions<V extends ApiVersion = NewestApiVersion> = LogsOptionsOf<'TaskLogs', V>;

/** Container output, frame by frame; `batches()` hands it out a network chunk at a time. */
export type LogStream = ItemStream<OutputFrame>;

interface LogSource {
  operation: LogOperation;
  inspectOperation: 'ContainerInspect' | 'ServiceInspect' | 'TaskInspect';
  /** Where the inspect answer keeps the TTY setting. */
  ttyPath: readonly string[];
}

const sources = {
  container: { operation: 'ContainerLogs', inspectOperation: 'ContainerInspect', ttyPath: ['Config', 'Tty'] },
  service: { operation: 'ServiceLogs', inspectOperation: 'ServiceInspect', ttyPath: ['Spec', 'TaskTemplate', 'ContainerSpec', 'TTY'] },
  task: { operation: 'TaskLogs', inspectOperation: 'TaskInspect', ttyPath: ['Spec', 'ContainerSpec', 'TTY'] },
} satisfies Record<string, LogSource>;

type AnyLogsOptions = LogsHelperOptions & { until?: Timestamp } & Record<string, unknown>;

export function containerLogs(context: OperationContext, id: string, options: ContainerLogsOptions<ApiVersion> = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.container, id, options as AnyLogsOptions), options.signal);
}

export function serviceLogs(context: OperationContext, id: string, options: ServiceLogsOptions<ApiVersion> = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.service, id, options as AnyLogsOptions), options.signal);
}

export function taskLogs(context: OperationContext, id: string, options: TaskLogsOptions<ApiVersion> = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.task, id, options as AnyLogsOptions), options.signal);
}

async function openLogs(context: OperationContext, source: LogSource, id: string, options: AnyLogsOptions): Promise<OpenedSource<OutputFrame>> {
  const { since, until, tail, maxFrameSize, signal, ...parameters } = options;
  const values = {
    ...parameters,
    id,
    since: since === undefined ? undefined : encodeTimestamp(since, 'since'),
    until: until === undefined ? undefined : encodeTimestamp(until, 'until'),
    tail: tail === undefined ? undefined : String(tail),
  };
  // The engine sends neither stream unless asked; a log reader wants both unless it says otherwise.
  const opened = await openOperation(context, source.operation, values, { signal, defaults: { stdout: true, stderr: true } });
  const tty = ttyFromContentType(opened.headers, opened.request) ?? (await inspectTty(context, source, id, opened, signal));
  const decoder = tty ? new RawOutputDecoder() : new MultiplexedDecoder({ maxFrameSize, context: opened.context });
  return { chunks: readableChunks(opened.body), decoder };
}

async function inspectTty(context: OperationContext, source: LogSource, id: string, opened: OpenedAnswer, signal?: AbortSignal): Promise<boolean> {
  try {
    const inspected = await callOperation(context, source.inspectOperation, { id }, { signal });
    const tty = source.ttyPath.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], inspected);
    return tty === true;
  } catch (error) {
    opened.body.destroy();
    throw error;
  }
}
