// Logs of a container, a service or a task as an async iterable of output frames. Whether the
// stream is multiplexed or raw (TTY) comes from the Content-Type from API 1.42 on; before that
// the engine always says `raw-stream`, so the TTY setting of the container (service, task) decides.
import { ttyFromContentType } from '../hijack/stream-mode.js';
import { callOperation, type OperationContext } from '../operation-call.js';
import { DecodedStream, type ItemStream, type OpenedSource } from './decoded-stream.js';
import { MultiplexedDecoder, OutputFrame, RawOutputDecoder } from './output-frames.js';
import { readableChunks } from './readable-chunks.js';
import { openStream, type OpenedStream } from './stream-request.js';
import { encodeTimestamp, type Timestamp } from './timestamps.js';

interface LogsOptionsBase {
  /** Keep the stream open and deliver new output as it is written (default false). */
  follow?: boolean;
  /** Include stdout (default true). */
  stdout?: boolean;
  /** Include stderr (default true). */
  stderr?: boolean;
  /** Only output written at or after this time. */
  since?: Timestamp;
  /** Prefix every line with its RFC 3339 time (nanoseconds) and a space. */
  timestamps?: boolean;
  /** Only the last N lines of the existing output (default: all). */
  tail?: number | 'all';
  /** Frames up to this size are delivered whole (default 1 MiB); larger ones in pieces. */
  maxFrameSize?: number;
  /** Aborting ends the iteration quietly and closes the connection. */
  signal?: AbortSignal;
}

export interface ContainerLogsOptions extends LogsOptionsBase {
  /** Only output written before this time. */
  until?: Timestamp;
}

export interface SwarmLogsOptions extends LogsOptionsBase {
  /** Add the extra attributes the log driver records (e.g. labels) to each line. */
  details?: boolean;
}

/** Container output, frame by frame; `batches()` hands it out a network chunk at a time. */
export type LogStream = ItemStream<OutputFrame>;

interface LogSource {
  operation: string;
  route: string;
  inspectOperation: 'ContainerInspect' | 'ServiceInspect' | 'TaskInspect';
  /** Where the inspect answer keeps the TTY setting. */
  ttyPath: readonly string[];
}

const sources = {
  container: { operation: 'ContainerLogs', route: '/containers', inspectOperation: 'ContainerInspect', ttyPath: ['Config', 'Tty'] },
  service: { operation: 'ServiceLogs', route: '/services', inspectOperation: 'ServiceInspect', ttyPath: ['Spec', 'TaskTemplate', 'ContainerSpec', 'TTY'] },
  task: { operation: 'TaskLogs', route: '/tasks', inspectOperation: 'TaskInspect', ttyPath: ['Spec', 'ContainerSpec', 'TTY'] },
} satisfies Record<string, LogSource>;

export function containerLogs(context: OperationContext, id: string, options: ContainerLogsOptions = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.container, id, options), options.signal);
}

export function serviceLogs(context: OperationContext, id: string, options: SwarmLogsOptions = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.service, id, options), options.signal);
}

export function taskLogs(context: OperationContext, id: string, options: SwarmLogsOptions = {}): LogStream {
  return new DecodedStream(() => openLogs(context, sources.task, id, options), options.signal);
}

async function openLogs(
  context: OperationContext,
  source: LogSource,
  id: string,
  options: ContainerLogsOptions & SwarmLogsOptions,
): Promise<OpenedSource<OutputFrame>> {
  const opened = await openStream(context, {
    operation: source.operation,
    method: 'GET',
    path: `${source.route}/${encodeURIComponent(id)}/logs`,
    query: {
      follow: options.follow,
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      since: options.since === undefined ? undefined : encodeTimestamp(options.since, 'since'),
      until: options.until === undefined ? undefined : encodeTimestamp(options.until, 'until'),
      timestamps: options.timestamps,
      tail: options.tail === undefined ? undefined : String(options.tail),
      details: options.details,
    },
    signal: options.signal,
  });
  const tty = ttyFromContentType(opened.headers, opened.apiVersion) ?? (await inspectTty(context, source, id, opened, options.signal));
  const decoder = tty ? new RawOutputDecoder() : new MultiplexedDecoder({ maxFrameSize: options.maxFrameSize, context: opened.context });
  return { chunks: readableChunks(opened.body), decoder };
}

async function inspectTty(context: OperationContext, source: LogSource, id: string, opened: OpenedStream, signal?: AbortSignal): Promise<boolean> {
  try {
    const inspected = await callOperation(context, source.inspectOperation, { id }, { signal });
    const tty = source.ttyPath.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], inspected);
    return tty === true;
  } catch (error) {
    opened.body.destroy();
    throw error;
  }
}
