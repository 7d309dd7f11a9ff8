// docker.attach(): the container's stdin/stdout/stderr over a hijacked connection.
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { DockerUsageError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { callOperation, upgradeOperation, type OperationContext } from '../request/operation-call.js';
import { ttyFromContentType } from '../streams/stream-mode.js';
import { openHijackedStream, type HijackedStream, type UpgradedStream } from './hijacked-stream.js';
import { checkedTerminalSize, type TerminalSize } from './terminal-size.js';

/**
 * The parameters of ContainerAttach at API version V: `stdin` (default false; the container must
 * have been created with OpenStdin), `stdout` and `stderr` (default true here), `stream` (default
 * true here: output as it is produced), `logs` (replay the output so far), `detachKeys`.
 */
export type AttachOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ContainerAttach', V>, 'id'> & {
  signal?: AbortSignal;
};

/** What an attach wants unless it says otherwise; the engine's own defaults attach nothing. */
export const ATTACH_DEFAULTS = { stream: true, stdout: true, stderr: true };

export function attachContainer(context: OperationContext, id: string, options: AttachOptions<ApiVersion> = {}): HijackedStream {
  return containerSession(context, id, options, { helper: 'attach', operation: 'ContainerAttach', open: (signal) => openAttach(context, id, options, signal) });
}

/** A session with container `id` that `open` connects; both forms of attach share the checks and resize. */
export function containerSession(
  context: OperationContext,
  id: string,
  options: { signal?: AbortSignal },
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

async function openAttach(context: OperationContext, id: string, options: AttachOptions<ApiVersion>, signal: AbortSignal): Promise<UpgradedStream> {
  const { signal: _callerSignal, ...parameters } = options;
  const { socket, headers, request } = await upgradeOperation(context, 'ContainerAttach', { ...parameters, id }, { signal, defaults: ATTACH_DEFAULTS });
  try {
    // Where the answer does not tell raw from multiplexed, the container's TTY setting does.
    // The socket holds whatever output arrives meanwhile.
    const tty = ttyFromContentType(headers, request) ?? (await containerTty(context, id, signal));
    return { socket, tty, request };
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
