// One hijacked attach or exec connection, shaped like a child process: `stdout` and `stderr`
// readables (demultiplexed unless TTY), a `stdin` writable whose end() half-closes the socket, an
// `attached` promise, a `done` promise, resize() and close(). The streams always end without an
// 'error' event; how the session ended is what `done` reports, so an unread stream cannot crash
// the program. Memory stays bounded: the socket pauses while a reader lags behind.
import { Readable, Writable, type Duplex } from 'node:stream';
import type { Connection } from '../connection/connect.js';
import { CONNECTION_CLOSED, ownFailure, requestFailure, type FailedRequest } from '../request/failure.js';
import { MultiplexedDecoder, type OutputFrame } from '../streams/output-frames.js';
import { confirmEngineAnswers } from './ping-after-end.js';
import type { TerminalSize } from './terminal-size.js';

export interface HijackedStream {
  /** The process's stdout; with a TTY, everything the terminal shows. */
  readonly stdout: Readable;
  /** The process's stderr; with a TTY it ends at once, empty (the terminal merges both into stdout). */
  readonly stderr: Readable;
  /**
   * The process's stdin. end() half-closes the connection: the process reads EOF (for attach,
   * when the container was created with StdinOnce) and its output keeps arriving. Data written
   * before the engine attached is sent once it has; data written after the end is dropped.
   */
  readonly stdin: Writable;
  /** Resolves once the engine has switched the connection over (101): start the container then and no output is lost. Rejects with the engine's typed error. */
  readonly attached: Promise<{ tty: boolean }>;
  /** Resolves when the output has ended (or close() was called); rejects on a broken connection, a malformed stream, or abort. */
  readonly done: Promise<void>;
  /** Sets the size of the TTY. */
  resize(size: TerminalSize, options?: { signal?: AbortSignal }): Promise<void>;
  /** Drops the connection now; the streams end and `done` resolves. */
  close(): void;
}

export interface UpgradedStream {
  socket: Duplex;
  tty: boolean;
  /** The output is one raw stream even without a TTY (WebSocket attach). */
  raw?: boolean;
  /** The request that was upgraded, for the errors of the session. */
  request: FailedRequest;
}

export interface HijackSetup {
  connection: Connection;
  /** Opens the hijacked connection. Its signal fires on abort and on close(). */
  open(signal: AbortSignal): Promise<UpgradedStream>;
  resize(size: TerminalSize, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
}

// Bytes held per stream: output beyond it pauses the socket; stdin beyond it makes write() say wait.
const HIGH_WATER_MARK = 256 * 1024;
// Readers get bytes, not frames: frames above this pass through as they arrive, uncopied.
const ASSEMBLED_FRAME_LIMIT = 64 * 1024;

const ignore = () => undefined;

export function openHijackedStream(setup: HijackSetup): HijackedStream {
  return new HijackSession(setup);
}

class HijackSession implements HijackedStream {
  readonly stdout: Readable = new Readable({ highWaterMark: HIGH_WATER_MARK, read: () => this.#resumeFor(this.stdout) });
  readonly stderr: Readable = new Readable({ highWaterMark: HIGH_WATER_MARK, read: () => this.#resumeFor(this.stderr) });
  readonly stdin: Writable;
  readonly attached: Promise<{ tty: boolean }>;
  readonly done: Promise<void>;

  readonly #setup: HijackSetup;
  readonly #stop = new AbortController();
  #socket: Duplex | undefined;
  #request: FailedRequest | undefined;
  #decoder: MultiplexedDecoder | undefined;
  #failure: unknown;
  #endReceived = false;
  #closedByCaller = false;
  #finished = false;
  #settleDone: (error?: unknown) => void = ignore;
  readonly #endedOutputs = new Set<Readable>();
  readonly #onCallerAbort = () => this.#stop.abort(this.#setup.signal?.reason);

  constructor(setup: HijackSetup) {
    this.#setup = setup;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settleDone = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.done.catch(ignore);
    this.stdin = new Writable({
      highWaterMark: HIGH_WATER_MARK,
      write: (chunk: Buffer, _encoding, callback) => this.#whenOpen((socket) => (socket?.writable ? socket.write(chunk, () => callback()) : callback())),
      final: (callback) => this.#whenOpen((socket) => (socket?.writable && socket.end(), callback())),
    });
    this.#stop.signal.addEventListener('abort', () => this.#socket?.destroy(), { once: true });
    if (setup.signal?.aborted) this.#stop.abort(setup.signal.reason);
    else setup.signal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.attached = setup.open(this.#stop.signal).then(
      (upgraded) => this.#wire(upgraded),
      (error: unknown) => {
        this.#finish(error);
        throw error;
      },
    );
    this.attached.catch(ignore);
  }

  resize(size: TerminalSize, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#setup.resize(size, options.signal);
  }

  close(): void {
    this.#closedByCaller = true;
    this.#stop.abort(new DOMException('the hijacked stream was closed', 'AbortError'));
    this.#finish();
  }

  #whenOpen(use: (socket: Duplex | undefined) => void): void {
    this.attached.then(
      () => use(this.#socket),
      () => use(undefined),
    );
  }

  #wire({ socket, tty, raw, request }: UpgradedStream): { tty: boolean } {
    if (this.#stop.signal.aborted) {
      socket.destroy();
      this.#finish();
      throw this.#stop.signal.reason;
    }
    this.#socket = socket;
    this.#request = request;
    if (tty || raw) this.#endOutput(this.stderr);
    else this.#decoder = new MultiplexedDecoder({ context: request.context, maxFrameSize: ASSEMBLED_FRAME_LIMIT });
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('end', () => this.#receiveEnd());
    // The socket may be a protocol layer (WebSocket) that reports the engine's mistakes as typed errors of its own.
    socket.on('error', (error) => (this.#failure ??= requestFailure(this.#setup.connection, request, error, socket)));
    socket.on('close', () => this.#finish());
    if (socket.destroyed) this.#finish();
    else socket.resume();
    return { tty };
  }

  #receive(chunk: Buffer): void {
    if (this.#failure !== undefined) return;
    if (this.#decoder) this.#demultiplex(this.#decoder, chunk);
    else this.stdout.push(chunk);
    if (this.#outputsFull()) this.#socket?.pause();
  }

  #demultiplex(decoder: MultiplexedDecoder, chunk: Buffer): void {
    const frames: OutputFrame[] = [];
    try {
      decoder.decode(chunk, frames);
    } catch (error) {
      // A daemon error frame or a malformed header: what came before it is still output.
      this.#fail(error);
    }
    this.#pushFrames(frames);
  }

  /** One push per stream per network chunk: small frames would otherwise cost a push each. */
  #pushFrames(frames: OutputFrame[]): void {
    if (frames.length === 1) {
      this.#output(frames[0]!.stream).push(frames[0]!.data);
      return;
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const pieces = frames.filter((frame) => frame.stream === stream).map((frame) => frame.data);
      if (pieces.length > 0) this.#output(stream).push(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces));
    }
  }

  #output(stream: 'stdout' | 'stderr'): Readable {
    return stream === 'stderr' ? this.stderr : this.stdout;
  }

  #receiveEnd(): void {
    this.#endReceived = true;
    try {
      this.#decoder?.finish();
    } catch (error) {
      this.#failure ??= error;
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    this.#socket?.destroy();
  }

  #outputsFull(except?: Readable): boolean {
    return [this.stdout, this.stderr].some((out) => out !== except && !out.destroyed && out.readableLength >= out.readableHighWaterMark);
  }

  // Readable calls _read before taking the bytes it hands out, so the asking stream still looks
  // full here: it wants more by definition, only the other one can hold the socket back.
  #resumeFor(asking: Readable): void {
    if (this.#socket?.isPaused() && !this.#finished && !this.#outputsFull(asking)) this.#socket.resume();
  }

  #endOutput(out: Readable): void {
    if (this.#endedOutputs.has(out)) return;
    this.#endedOutputs.add(out);
    if (!out.destroyed) out.push(null);
  }

  /** Ends everything once; decides what `done` reports. */
  #finish(error?: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#setup.signal?.removeEventListener('abort', this.#onCallerAbort);
    if (!this.#endReceived && this.#request && !this.#stop.signal.aborted) {
      this.#failure ??= requestFailure(this.#setup.connection, this.#request, ownFailure(CONNECTION_CLOSED));
    }
    this.#socket?.destroy();
    this.#endOutput(this.stdout);
    this.#endOutput(this.stderr);
    this.stdin.destroy();
    if (this.#closedByCaller) return this.#settleDone();
    const failure = error ?? this.#failure ?? (this.#stop.signal.aborted ? this.#stop.signal.reason : undefined);
    if (failure !== undefined || !this.#socket) return this.#settleDone(failure);
    // The output is complete either way; only `done` waits to learn whether the engine is still there.
    confirmEngineAnswers(this.#setup.connection, this.#request!.context).then(() => this.#settleDone(), this.#settleDone);
  }
}
