// The chunks of an HTTP body, taken as the body emits them ('data') into a small queue that
// pauses the body when it fills, so a slow consumer still holds the socket back. A stream's async
// iterator costs a promise and a read() call per chunk and splits reads at the stream's high-water
// mark; taken as they come, a network read is one chunk, and a consumer that fell behind takes
// everything queued at once.
import { finished, type Readable } from 'node:stream';

/** Bytes queued before the body is paused; its own buffer and the socket's hold more behind. */
const READ_AHEAD_BYTES = 64 * 1024;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

interface Waiter {
  resolve(result: IteratorResult<Buffer, undefined>): void;
  reject(error: unknown): void;
}

/** Iterates `body` chunk by chunk; return() destroys it, which closes the connection under it. */
export function readableChunks(body: Readable, readAhead = READ_AHEAD_BYTES): AsyncIterableIterator<Buffer> {
  return new ReadableChunks(body, readAhead);
}

class ReadableChunks implements AsyncIterableIterator<Buffer> {
  readonly #body: Readable;
  readonly #readAhead: number;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #waiter: Waiter | undefined;

  constructor(body: Readable, readAhead: number) {
    this.#body = body;
    this.#readAhead = readAhead;
    body.on('data', (chunk: Buffer) => this.#receive(chunk));
    // finished() reports an end, an error, and a close before the end alike, whenever they happened.
    finished(body, (error) => (error ? this.#fail(error) : this.#end()));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Buffer, undefined>> {
    if (this.#queue.length > 0) return Promise.resolve({ value: this.#dequeue(), done: false });
    // Chunks that arrived before a failure are delivered first: they are output the engine sent.
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<Buffer, undefined>> {
    this.#ended = true;
    this.#queue = [];
    this.#takeWaiter()?.resolve(DONE);
    this.#body.destroy();
    return DONE;
  }

  /**
   * Everything queued, as one chunk. An engine writes each log line as a chunk of its own; taken
   * one by one, a consumer that fell behind would pay per line what it can pay per batch.
   */
  #dequeue(): Buffer {
    const chunk = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue, this.#queuedBytes);
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.#body.isPaused()) this.#body.resume();
    return chunk;
  }

  #receive(chunk: Buffer): void {
    const waiter = this.#takeWaiter();
    if (waiter) return waiter.resolve({ value: chunk, done: false });
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes >= this.#readAhead) this.#body.pause();
  }

  #end(): void {
    this.#ended = true;
    this.#takeWaiter()?.resolve(DONE);
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error };
    this.#takeWaiter()?.reject(error);
  }

  #takeWaiter(): Waiter | undefined {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    return waiter;
  }
}
