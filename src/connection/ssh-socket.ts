// The stdin/stdout of one `ssh … docker system dial-stdio` process as a single duplex socket, so
// node:http (and the hijack helpers after an upgrade) can use it like a TCP connection:
// - end() closes ssh's stdin, which dial-stdio turns into a half-close towards the engine;
// - the end of the stream is only signalled once ssh has exited, so a failing ssh reports its own
//   reason (from its stderr) instead of "the other side closed";
// - destroy() stops the process.
import type { ChildProcessByStdio } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { Readable, Writable } from 'node:stream';

type SshProcess = ChildProcessByStdio<Writable, Readable, Readable>;

// Enough of ssh's stderr to explain a failure; older output is dropped.
const STDERR_LIMIT = 4 * 1024;

/** ssh (or the remote dial-stdio) ended with a failure; the message is ssh's own explanation. */
export class SshExitError extends Error {
  readonly code = 'ERR_SSH_EXITED';
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;

  constructor(exitCode: number | null, signal: NodeJS.Signals | null, stderr: string) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(`ssh ${how}${stderr ? `: ${stderr}` : ' without saying why'}`);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

export class SshSocket extends Duplex {
  readonly #child: SshProcess;
  #stderr = '';
  #exited = false;
  #code: number | null = null;
  #signal: NodeJS.Signals | null = null;

  #idleTimer: NodeJS.Timeout | undefined;
  #timeout = 0;

  /** `startError` wraps an error of a process that never started (no ssh program, say). */
  constructor(child: SshProcess, startError: (error: Error) => Error = (error) => error) {
    // Like a TCP socket: our end() half-closes, and the end of the output (ssh has exited) ends
    // the writing side too, so the socket closes once its output has been read.
    super({ allowHalfOpen: false });
    this.#child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-STDERR_LIMIT);
    });
    // Writes to a process that has gone fail with EPIPE; its exit explains more, so that is reported.
    child.stdin.on('error', () => undefined);
    let started = false;
    child.once('spawn', () => (started = true));
    child.on('error', (error) => this.destroy(started ? error : startError(error)));
    child.on('close', (code, signal) => this.#onExit(code, signal));
  }

  /** Keep-alive connections are unref'd while idle so they never hold the program open. */
  ref(): this {
    this.#child.ref();
    for (const pipe of this.#pipes()) pipe.ref?.();
    return this;
  }

  unref(): this {
    this.#child.unref();
    for (const pipe of this.#pipes()) pipe.unref?.();
    return this;
  }

  /** The child's stdio: pipes are net.Sockets underneath, which can be (un)ref'd. */
  #pipes(): { ref?: () => void; unref?: () => void }[] {
    return [this.#child.stdin, this.#child.stdout, this.#child.stderr] as unknown as { ref?: () => void; unref?: () => void }[];
  }

  // node:http sets these on TCP sockets; there is nothing to set on a pipe.
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** The idle timer of a TCP socket, as far as node:http's keep-alive pool uses it: 'timeout' after `ms` (0 clears it). */
  setTimeout(ms: number, callback?: () => void): this {
    clearTimeout(this.#idleTimer);
    this.#timeout = ms;
    if (ms > 0) this.#idleTimer = setTimeout(() => this.emit('timeout'), ms).unref();
    if (callback) this.once('timeout', callback);
    return this;
  }

  get timeout(): number {
    return this.#timeout;
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#exited) return callback(this.#exitError() ?? Object.assign(new Error('the ssh connection has closed'), { code: 'EPIPE' }));
    this.#child.stdin.write(chunk, (error) => {
      if (!error) return callback();
      // A write fails (EPIPE) when ssh has gone; its exit, once seen, carries the real reason.
      if (this.#exited) return callback(this.#exitError() ?? error);
      this.#child.once('close', () => callback(this.#exitError() ?? error));
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#exited) return callback();
    this.#child.stdin.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idleTimer);
    if (!this.#exited) {
      this.#child.stdin.destroy();
      this.#child.stdout.destroy();
      this.#child.kill('SIGTERM');
    }
    callback(error);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exited = true;
    this.#code = code;
    this.#signal = signal;
    if (this.destroyed) return;
    const failure = this.#exitError();
    if (failure) this.destroy(failure);
    else this.push(null);
  }

  #exitError(): SshExitError | undefined {
    if (this.#code === 0 && !this.#signal) return undefined;
    return new SshExitError(this.#code, this.#signal, this.#stderr.trim());
  }
}
