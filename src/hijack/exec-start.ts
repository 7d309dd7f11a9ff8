// docker.execStart(): starts a created exec over a hijacked connection, and finds its exit code.
import { DockerUsageError } from '../errors.js';
import { callOperation, type OperationContext } from '../operation-call.js';
import { openHijackedStream, type HijackedStream, type UpgradedStream } from './hijacked-stream.js';
import { ttyFromContentType } from './stream-mode.js';
import { checkedTerminalSize, type TerminalSize } from './terminal-size.js';
import { requestUpgrade } from './upgrade-request.js';

export interface ExecStartOptions {
  /**
   * Whether the exec has a TTY (raw output) or not (multiplexed output). Without it the exec is
   * inspected first and its own setting is used, as the Docker CLI does.
   */
  tty?: boolean;
  signal?: AbortSignal;
}

export interface ExecStream extends HijackedStream {
  /** After the output has ended, waits until the engine reports the process gone, then gives its exit code. */
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
  /** False when the engine could not start the process; it then wrote its reason into stdout. */
  started: boolean;
}

export function startExec(context: OperationContext, execId: string, options: ExecStartOptions = {}): ExecStream {
  if (typeof execId !== 'string' || !execId) throw new DockerUsageError('execStart needs an exec ID', { operation: 'ExecStart' });
  const stream = openHijackedStream({
    connection: context.connection,
    signal: options.signal,
    open: (signal) => openExec(context, execId, options.tty, signal),
    resize: (size, signal) => resizeExec(context, execId, size, signal),
  });
  const exitCode = async (callOptions: { signal?: AbortSignal } = {}) => {
    await stream.done;
    return (await waitForExecExit(context, execId, callOptions.signal)).exitCode;
  };
  return Object.assign(stream, { exitCode });
}

async function openExec(context: OperationContext, execId: string, tty: boolean | undefined, signal: AbortSignal): Promise<UpgradedStream> {
  const apiVersion = await context.apiVersion(signal);
  const errorContext = { operation: 'ExecStart', apiVersion };
  // The engine multiplexes unless the start request says Tty; it must match the exec's own setting.
  const useTty = tty ?? (await inspectExec(context, execId, signal)).ProcessConfig?.tty === true;
  const path = `/v${apiVersion}/exec/${encodeURIComponent(execId)}/start`;
  const { socket, headers } = await requestUpgrade(context.connection, { path, json: { Detach: false, Tty: useTty }, signal, context: errorContext });
  return { socket, tty: ttyFromContentType(headers, apiVersion) ?? useTty, context: errorContext };
}

function inspectExec(context: OperationContext, execId: string, signal?: AbortSignal): Promise<ExecState> {
  return callOperation(context, 'ExecInspect', { id: execId }, { signal }) as Promise<ExecState>;
}

const FIRST_POLL_DELAY_MS = 5;
const MAX_POLL_DELAY_MS = 200;

/**
 * The output can end a moment before the engine records the exit, so inspect until the exec is
 * no longer running and has an exit code.
 */
export async function waitForExecExit(context: OperationContext, execId: string, signal?: AbortSignal): Promise<ExecExit> {
  for (let delay = FIRST_POLL_DELAY_MS; ; delay = Math.min(delay * 2, MAX_POLL_DELAY_MS)) {
    const state = await inspectExec(context, execId, signal);
    if (!state.Running && typeof state.ExitCode === 'number') return { exitCode: state.ExitCode, started: (state.Pid ?? 0) !== 0 };
    await sleep(delay, signal);
  }
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
