// docker.attach(): the container's stdin/stdout/stderr over a hijacked connection.
import { DockerUsageError } from '../errors.js';
import { callOperation, type OperationContext } from '../operation-call.js';
import { openHijackedStream, type HijackedStream, type UpgradedStream } from './hijacked-stream.js';
import { ttyFromContentType } from './stream-mode.js';
import { checkedTerminalSize, type TerminalSize } from './terminal-size.js';
import { requestUpgrade } from './upgrade-request.js';

export interface AttachOptions {
  /** Send `stdin` to the container (it must have been created with OpenStdin). Default false. */
  stdin?: boolean;
  /** Receive stdout. Default true. */
  stdout?: boolean;
  /** Receive stderr. Default true. */
  stderr?: boolean;
  /** Stream output as it is produced. Default true. */
  stream?: boolean;
  /** Replay the output produced so far first. Default false. */
  logs?: boolean;
  /** Key sequence that detaches from the container, e.g. `ctrl-p,ctrl-q`. */
  detachKeys?: string;
  signal?: AbortSignal;
}

/** An attach option as the query takes it. */
export const queryFlag = (value: boolean | undefined, fallback: boolean) => ((value ?? fallback) ? '1' : '0');

export function attachContainer(context: OperationContext, id: string, options: AttachOptions = {}): HijackedStream {
  return containerSession(context, id, options, { helper: 'attach', operation: 'ContainerAttach', open: (signal) => openAttach(context, id, options, signal) });
}

/** A session with container `id` that `open` connects; both forms of attach share the checks and resize. */
export function containerSession(
  context: OperationContext,
  id: string,
  options: AttachOptions,
  how: { helper: string; operation: string; open: (signal: AbortSignal) => Promise<UpgradedStream> },
): HijackedStream {
  if (typeof id !== 'string' || !id) throw new DockerUsageError(`${how.helper} needs a container ID or name`, { operation: how.operation });
  return openHijackedStream({
    connection: context.connection,
    signal: options.signal,
    open: how.open,
    resize: (size, signal) => resizeContainer(context, id, size, signal),
  });
}

async function openAttach(context: OperationContext, id: string, options: AttachOptions, signal: AbortSignal): Promise<UpgradedStream> {
  const apiVersion = await context.apiVersion(signal);
  const errorContext = { operation: 'ContainerAttach', apiVersion };
  const query = new URLSearchParams({
    stream: queryFlag(options.stream, true),
    logs: queryFlag(options.logs, false),
    stdin: queryFlag(options.stdin, false),
    stdout: queryFlag(options.stdout, true),
    stderr: queryFlag(options.stderr, true),
  });
  if (options.detachKeys !== undefined) query.set('detachKeys', options.detachKeys);
  const path = `/v${apiVersion}/containers/${encodeURIComponent(id)}/attach?${query}`;
  const { socket, headers } = await requestUpgrade(context.connection, { path, signal, context: errorContext });
  try {
    // Before 1.42 the answer does not tell raw from multiplexed: the container's TTY setting does.
    // The socket holds whatever output arrives meanwhile.
    const tty = ttyFromContentType(headers, apiVersion) ?? (await containerTty(context, id, signal));
    return { socket, tty, context: errorContext };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

export async function containerTty(context: OperationContext, id: string, signal: AbortSignal): Promise<boolean> {
  const inspected = (await callOperation(context, 'ContainerInspect', { id }, { signal })) as { Config?: { Tty?: boolean } };
  return inspected?.Config?.Tty === true;
}

async function resizeContainer(context: OperationContext, id: string, size: TerminalSize, signal?: AbortSignal): Promise<void> {
  await callOperation(context, 'ContainerResize', { id, ...checkedTerminalSize(size, 'ContainerResize') }, { signal });
}
