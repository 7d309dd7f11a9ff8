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

const flag = (value: boolean | undefined, fallback: boolean) => ((value ?? fallback) ? '1' : '0');

export function attachContainer(context: OperationContext, id: string, options: AttachOptions = {}): HijackedStream {
  if (typeof id !== 'string' || !id) throw new DockerUsageError('attach needs a container ID or name', { operation: 'ContainerAttach' });
  return openHijackedStream({
    connection: context.connection,
    signal: options.signal,
    open: (signal) => openAttach(context, id, options, signal),
    resize: (size, signal) => resizeContainer(context, id, size, signal),
  });
}

async function openAttach(context: OperationContext, id: string, options: AttachOptions, signal: AbortSignal): Promise<UpgradedStream> {
  const apiVersion = await context.apiVersion(signal);
  const errorContext = { operation: 'ContainerAttach', apiVersion };
  const query = new URLSearchParams({
    stream: flag(options.stream, true),
    logs: flag(options.logs, false),
    stdin: flag(options.stdin, false),
    stdout: flag(options.stdout, true),
    stderr: flag(options.stderr, true),
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

async function containerTty(context: OperationContext, id: string, signal: AbortSignal): Promise<boolean> {
  const inspected = (await callOperation(context, 'ContainerInspect', { id }, { signal })) as { Config?: { Tty?: boolean } };
  return inspected?.Config?.Tty === true;
}

async function resizeContainer(context: OperationContext, id: string, size: TerminalSize, signal?: AbortSignal): Promise<void> {
  await callOperation(context, 'ContainerResize', { id, ...checkedTerminalSize(size, 'ContainerResize') }, { signal });
}
