// Raw mode on the local terminal for the length of an interactive session, and its restoration on
// every way out: the session's end, a failure, a detach (the caller's restore), a terminating
// signal and the process exiting. A terminal left in raw mode shows no echo and ignores Enter, so
// this must hold even when the program is killed.

/** The part of a TTY input stream (process.stdin) that raw mode needs. */
export interface RawModeInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The part of `process` that restoration hooks into; tests pass a stand-in. */
export interface ProcessHooks {
  readonly pid: number;
  on(event: string, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: string, listener: (signal: NodeJS.Signals) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

// The signals that end a process by default and can be caught: SIGINT and SIGQUIT too, since
// another process may send them (typed ctrl-c reaches the container as a byte in raw mode).
// Windows has no SIGQUIT, and listening for it there throws.
const TERMINATING_SIGNALS: readonly NodeJS.Signals[] =
  process.platform === 'win32' ? ['SIGTERM', 'SIGHUP', 'SIGINT'] : ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

/**
 * Puts `input` into raw mode (when it is a TTY and not raw already) and returns the function that
 * restores it; calling that more than once is harmless. Until then a terminating signal restores
 * the terminal and is raised again with the default action, so the process ends as it would have.
 */
export function enterRawMode(input: RawModeInput, host: ProcessHooks = process): () => void {
  if (!input.isTTY || typeof input.setRawMode !== 'function' || input.isRaw) return () => undefined;
  input.setRawMode(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    host.off('exit', restore);
    for (const signal of TERMINATING_SIGNALS) host.off(signal, onSignal);
    input.setRawMode?.(false);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    // Our listener replaced the default action; with it gone, raising again ends the process
    // unless the program has listeners of its own, which then decide.
    if (host.listenerCount(signal) === 0) host.kill(host.pid, signal);
  };
  host.on('exit', restore);
  for (const signal of TERMINATING_SIGNALS) host.on(signal, onSignal);
  return restore;
}
