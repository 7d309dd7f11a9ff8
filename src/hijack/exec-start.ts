// docker.execStart(): starts a created exec over a hijacked connection, and finds its exit code.
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { type DockerError, DockerUsageError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { cutShort } from '../request/failure.js';
import { callOperation, upgradeOperation, type OperationContext } from '../request/operation-call.js';
import { ttyFromContentType } from '../streams/stream-mode.js';
import { openHijackedStream, type HijackedStream, type UpgradedStream } from './hijacked-stream.js';
import { checkedTerminalSize, type TerminalSize } from './terminal-size.js';

type ExecStartBody<V extends ApiVersion> = NonNullable<OperationParamsOf<'ExecStart', V> extends { body?: infer B } ? B : never>;

/** The fields of ExecStart's body at API version V (from 1.42 `ConsoleSize`), with `Tty` as `tty`. */
export type ExecStartOptions<V extends ApiVersion = NewestApiVersion> = Omit<ExecStartBody<V>, 'Detach' | 'Tty'> & {
  /**
   * Whether the exec has a TTY (raw output) or not (multiplexed output). Without it the exec is
   * inspected first and its own setting is used, as the Docker CLI does.
   */
  tty?: boolean;
  signal?: AbortSignal;
};

export interface ExecStream extends HijackedStream {
  /**
   * After the output has ended, waits until the engine reports the process gone, then gives its
   * exit code. Rejects with a DockerConnectionError when the process is still running well after
   * its output ended: the connection was cut (a proxy or tunnel closed it) and the output is incomplete.
   */
  exitCode(options?: { signal?: AbortSignal }): Promise<number>;
}

interface ExecState {
  Running?: boolean;
  ExitCode?: number | null;
  Pid?: number;
  ProcessConfig?: { tty?: boolean };
}

export interface ExecExit {
  exitCode: number;
  /**
   * The process id the engine reports once the exec has ended. Docker keeps it, and leaves it 0
   * when it could not start the process; Podman sets it to 0 whenever an exec ends, so 0 alone
   * never means "not started".
   */
  pid: number;
}

export function startExec(context: OperationContext, execId: string, options: ExecStartOptions<ApiVersion> = {}): ExecStream {
  if (typeof execId !== 'string' || !execId) throw new DockerUsageError('execStart needs an exec ID', { operation: 'ExecStart' });
  const stream = openHijackedStream({
    connection: context.connection,
    signal: options.signal,
    open: (signal) => openExec(context, execId, options, signal),
    resize: (size, signal) => resizeExec(context, execId, size, signal),
  });
  const exitCode = async (callOptions: { signal?: AbortSignal } = {}) => {
    await stream.done;
    return (await waitForExecExit(context, execId, callOptions.signal)).exitCode;
  };
  return Object.assign(stream, { exitCode });
}

async function openExec(context: OperationContext, execId: string, options: ExecStartOptions<ApiVersion>, signal: AbortSignal): Promise<UpgradedStream> {
  const { tty, signal: _callerSignal, ...fields } = options;
  // The engine multiplexes unless the start request says Tty; it must match the exec's own setting.
  const useTty = tty ?? (await inspectExec(context, execId, signal)).ProcessConfig?.tty === true;
  const body = { ...fields, Detach: false, Tty: useTty };
  const { socket, headers, request } = await upgradeOperation(context, 'ExecStart', { id: execId, body }, { signal });
  return { socket, tty: ttyFromContentType(headers, request) ?? useTty, request };
}

function inspectExec(context: OperationContext, execId: string, signal?: AbortSignal): Promise<ExecState> {
  return callOperation(context, 'ExecInspect', { id: execId }, { signal }) as Promise<ExecState>;
}

const FIRST_POLL_DELAY_MS = 5;
const MAX_POLL_DELAY_MS = 200;
/**
 * How long an exec may still be running after its output has ended. Engines end the output once
 * the process has exited and record the exit a moment later (milliseconds; longer on a loaded
 * machine). A process still running well after that lost its connection, not its output: a
 * proxy or tunnel ended the connection in an orderly way (FIN) while the process went on.
 */
const RUNNING_AFTER_OUTPUT_GRACE_MS = 2_000;

/**
 * Inspects until the exec has ended with an exit code. The output ended before this is called;
 * an exec still running after the grace means the connection was cut, and its output is
 * incomplete: that rejects with a DockerConnectionError rather than wait for an exit code that
 * would pass truncated output off as a success.
 */
export async function waitForExecExit(context: OperationContext, execId: string, signal?: AbortSignal): Promise<ExecExit> {
  const deadline = Date.now() + RUNNING_AFTER_OUTPUT_GRACE_MS;
  for (let delay = FIRST_POLL_DELAY_MS; ; delay = Math.min(delay * 2, MAX_POLL_DELAY_MS)) {
    const state = await inspectExec(context, execId, signal);
    if (!state.Running && typeof state.ExitCode === 'number') return { exitCode: state.ExitCode, pid: state.Pid ?? 0 };
    if (Date.now() > deadline) throw outputCutShort(context, execId);
    await sleep(delay, signal);
  }
}

function outputCutShort(context: OperationContext, execId: string): DockerError {
  return cutShort(context.connection, { operation: 'ExecStart' }, `the connection ended while exec ${execId} was still running, so its output is incomplete`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function resizeExec(context: OperationContext, execId: string, size: TerminalSize, signal?: AbortSignal): Promise<void> {
  await callOperation(context, 'ExecResize', { id: execId, ...checkedTerminalSize(size, 'ExecResize') }, { signal });
}
