// The local terminal's size, followed by a session's TTY: sent once at the start and again on every
// change (SIGWINCH, which Node reports as 'resize' on a TTY output stream). This is the Go client's
// MonitorTtySize and what `docker run -it` does.
import type { TerminalSize } from '../hijack/terminal-size.js';

/** The part of a TTY output stream (process.stdout) that holds the terminal's size. */
export interface SizedOutput {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface MonitorTerminalSizeOptions {
  /** Called with each failed resize (a typed DockerError); by default failures are ignored, as the Docker CLI does, since the session goes on at the old size. */
  onError?: (error: unknown) => void;
}

// A just-started exec may not be running yet when the first resize arrives; the engine then
// refuses it. The Docker CLI retries too.
const FIRST_RESIZE_ATTEMPTS = 5;
const FIRST_RESIZE_RETRY_MS = 50;

export interface TerminalSizeMonitor {
  /** Stops following the size. */
  stop(): void;
  /** Settles once the starting size has been sent, or sending it has failed for good; never rejects. */
  readonly started: Promise<void>;
}

/**
 * Sends `output`'s size to `target` (an attach or exec session) now and whenever it changes,
 * until stopped. Does nothing when `output` is not a terminal.
 */
export function monitorTerminalSize(
  target: { resize(size: TerminalSize): Promise<void> },
  output: SizedOutput,
  options: MonitorTerminalSizeOptions = {},
): TerminalSizeMonitor {
  if (!output.isTTY) return { stop: () => undefined, started: Promise.resolve() };
  let stopped = false;
  const send = async (attempts: number): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const size = sizeOf(output);
      if (stopped || !size) return;
      try {
        return await target.resize(size);
      } catch (error) {
        if (stopped) return;
        if (attempt >= attempts) {
          options.onError?.(error);
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, FIRST_RESIZE_RETRY_MS).unref());
    }
  };
  const onResize = () => void send(1);
  output.on('resize', onResize);
  return {
    started: send(FIRST_RESIZE_ATTEMPTS),
    stop: () => {
      stopped = true;
      output.off('resize', onResize);
    },
  };
}

/** The size when the terminal reports a usable one (some report 0 columns when unknown). */
function sizeOf(output: SizedOutput): TerminalSize | undefined {
  const { rows, columns } = output;
  return rows && columns && rows > 0 && columns > 0 ? { h: rows, w: columns } : undefined;
}
