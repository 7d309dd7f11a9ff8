// followTerminal(): an attach or exec session driven from the local terminal, as `docker run -it`,
// `docker attach` and `docker exec -it` drive theirs: typed keys go to the session's stdin (the
// terminal in raw mode, so every key goes through as typed), the output to the local stdout and
// stderr, the terminal's size to the session's TTY, and the detach keys end the session while
// leaving the container's process running.
import { finished } from 'node:stream/promises';
import type { HijackedStream } from '../hijack/hijacked-stream.js';
import { DEFAULT_DETACH_KEYS, DetachKeyScanner, parseDetachKeys } from './detach-keys.js';
import { enterRawMode, type ProcessHooks, type RawModeInput } from './raw-mode.js';
import { monitorTerminalSize, type SizedOutput } from './size-monitor.js';

export interface FollowTerminalOptions {
  /** Where keys come from; default `process.stdin`. Put into raw mode when it is a TTY and the session has one. */
  input?: NodeJS.ReadableStream & RawModeInput;
  /** Where the output goes; default `process.stdout`. Its size is followed when it is a TTY and the session has one. */
  output?: NodeJS.WritableStream & SizedOutput;
  /** Where a session without a TTY writes its stderr; default `process.stderr`. */
  errorOutput?: NodeJS.WritableStream;
  /**
   * The detach sequence in the Docker CLI's notation (default "ctrl-p,ctrl-q", e.g. "ctrl-a,x").
   * Give the engine the same keys (`detachKeys` of attach, `DetachKeys` of exec create): it
   * watches for its own sequence, by default ctrl-p,ctrl-q, and would end the session on that one.
   */
  detachKeys?: string;
  /** Aborting ends the session (the connection is closed) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with each failed resize; by default ignored, the session goes on at the old size. */
  onResizeError?: (error: unknown) => void;
  /** The process whose signals and exit restore the terminal; default `process`. */
  process?: ProcessHooks;
}

export interface TerminalSessionEnd {
  /** `ended`: the engine ended the output (the process exited, or the container stopped). `detached`: the detach keys were typed; the process goes on. */
  reason: 'ended' | 'detached';
}

/**
 * Follows the local terminal until the session ends or the detach keys are typed. Rejects with
 * the session's typed error (DockerApiError when the engine refused, DockerConnectionError when
 * the connection broke), or DockerUsageError for detach keys the Docker CLI would refuse. The
 * terminal is restored on every way out, also when the process is killed or exits meanwhile.
 */
export async function followTerminal(session: HijackedStream, options: FollowTerminalOptions = {}): Promise<TerminalSessionEnd> {
  const scanner = new DetachKeyScanner(parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS));
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errorOutput = options.errorOutput ?? process.stderr;
  options.signal?.throwIfAborted();
  const onAbort = () => session.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let tty: boolean;
  try {
    ({ tty } = await session.attached);
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort);
    options.signal?.throwIfAborted();
    throw error;
  }

  const restoreTerminal = tty ? enterRawMode(input, options.process) : () => undefined;
  const size = tty ? monitorTerminalSize(session, output, { onError: options.onResizeError }) : undefined;
  session.stdout.pipe(output, { end: false });
  session.stderr.pipe(errorOutput, { end: false });

  let detached = false;
  let following = true;
  let waitingForDrain = false;
  const onData = (chunk: Buffer | string) => {
    if (detached || !session.stdin.writable) return;
    const { forward, detached: sequenceTyped } = scanner.scan(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    // Backpressure: a container that reads slowly holds back the local input instead of a growing buffer.
    if (forward.length > 0 && !session.stdin.write(forward) && !waitingForDrain) {
      waitingForDrain = true;
      input.pause();
      session.stdin.once('drain', () => {
        waitingForDrain = false;
        if (following) input.resume();
      });
    }
    if (sequenceTyped) {
      detached = true;
      session.close();
    }
  };
  // Local EOF (input piped in, not a terminal) is passed on as a half-close: the output keeps coming.
  const onEnd = () => session.stdin.end();
  input.on('data', onData);
  input.on('end', onEnd);
  // Keys typed before the starting size has reached the TTY would meet a terminal of no size (a
  // just-started exec on Podman fails `stty size` then): they wait in the input until it has.
  if (size) {
    size.started.then(() => {
      if (following) input.resume();
    });
  } else input.resume();

  try {
    await session.done;
    // `done` can settle while the last output still sits in the pipes to the local streams.
    await Promise.all([finished(session.stdout), finished(session.stderr)].map((ended) => ended.catch(() => undefined)));
    options.signal?.throwIfAborted();
    return { reason: detached ? 'detached' : 'ended' };
  } finally {
    following = false;
    options.signal?.removeEventListener('abort', onAbort);
    input.off('data', onData);
    input.off('end', onEnd);
    // A paused stdin no longer holds the event loop open, so the program can end.
    input.pause();
    session.stdout.unpipe(output);
    session.stderr.unpipe(errorOutput);
    size?.stop();
    restoreTerminal();
  }
}
