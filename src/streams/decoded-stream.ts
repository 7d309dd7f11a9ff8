// Pull-based iteration over a byte source through a synchronous decoder. The next chunk is read
// from the socket only when the items decoded from the previous one are used up, so a slow
// consumer holds the connection back instead of letting memory grow. A hand-written iterator
// rather than an async generator: a generator costs several promises per item, this one costs one.

/** Turns chunks into items. `decode` may throw after pushing the items that precede the fault. */
export interface ChunkDecoder<T> {
  decode(chunk: Buffer, into: T[]): void;
  /** Called once the source has ended; throws if it ended in the middle of an item. */
  finish(into: T[]): void;
}

/** What a stream reads from once it is opened. */
export interface OpenedSource<T> {
  chunks: AsyncIterable<Uint8Array>;
  decoder: ChunkDecoder<T>;
}

/** An async iterable of items that also offers them a chunk's worth at a time (`batches()`). */
export interface ItemStream<T> extends AsyncIterableIterator<T> {
  /** The same items in arrays, one per network chunk: far fewer awaits when items are small. */
  batches(): AsyncIterableIterator<T[]>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export class DecodedStream<T> implements ItemStream<T> {
  readonly #open: () => Promise<OpenedSource<T>>;
  readonly #signal: AbortSignal | undefined;
  #source: AsyncIterator<Uint8Array> | undefined;
  #decoder: ChunkDecoder<T> | undefined;
  #items: T[] = [];
  #index = 0;
  #failure: { error: unknown } | undefined;
  #ended = false;
  #consumed: 'items' | 'batches' | undefined;

  /**
   * `open` starts the request on the first read. When `signal` aborts, the stream ends quietly:
   * the caller asked it to stop, so that is a normal end, not a failure.
   */
  constructor(open: () => Promise<OpenedSource<T>>, signal?: AbortSignal) {
    this.#open = open;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#dropDecoded, { once: true });
  }

  // Items decoded from a chunk that has already arrived would otherwise still be handed out after
  // the abort, and one of them may be the engine's error message: the caller asked to stop.
  readonly #dropDecoded = () => {
    this.#items = [];
    this.#index = 0;
  };

  [Symbol.asyncIterator](): this {
    this.#claim('items');
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#index < this.#items.length) return Promise.resolve({ value: this.#items[this.#index++]!, done: false });
    return this.#nextAfterRefill();
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.#close();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.#close();
    throw error;
  }

  batches(): AsyncIterableIterator<T[]> {
    this.#claim('batches');
    const batches: AsyncIterableIterator<T[]> = {
      [Symbol.asyncIterator]: () => batches,
      next: async () => {
        const batch = await this.#nextBatch();
        return batch ? { value: batch, done: false } : DONE;
      },
      return: async () => {
        await this.#close();
        return DONE;
      },
    };
    return batches;
  }

  #claim(mode: 'items' | 'batches'): void {
    if (this.#consumed && this.#consumed !== mode) throw new TypeError('this stream is already being read item by item or in batches, not both');
    this.#consumed = mode;
  }

  async #nextAfterRefill(): Promise<IteratorResult<T, undefined>> {
    const batch = await this.#nextBatch();
    if (!batch) return DONE;
    this.#items = batch;
    this.#index = 1;
    return { value: batch[0]!, done: false };
  }

  /** The undelivered items of the current chunk, or those of the next chunks that yield any; undefined at the end. */
  async #nextBatch(): Promise<T[] | undefined> {
    if (this.#index < this.#items.length) {
      const rest = this.#index === 0 ? this.#items : this.#items.slice(this.#index);
      this.#items = [];
      this.#index = 0;
      return rest;
    }
    this.#items = [];
    this.#index = 0;
    for (;;) {
      // Chunks that arrived before the abort may still be queued below: the caller asked to stop.
      if (this.#signal?.aborted) {
        await this.#close();
        return undefined;
      }
      if (this.#failure) {
        const { error } = this.#failure;
        this.#failure = undefined;
        this.#ended = true;
        throw error;
      }
      if (this.#ended) return undefined;
      const batch = await this.#readBatch();
      if (batch.length > 0) return batch;
    }
  }

  async #readBatch(): Promise<T[]> {
    const batch: T[] = [];
    try {
      const source = this.#source ?? (await this.#start());
      if (this.#ended) return batch;
      const step = await source.next();
      if (step.done) {
        this.#ended = true;
        this.#decoder!.finish(batch);
      } else {
        const chunk = step.value;
        this.#decoder!.decode(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), batch);
      }
    } catch (error) {
      await this.#fail(error);
      if (this.#signal?.aborted) batch.length = 0;
    }
    return batch;
  }

  async #start(): Promise<AsyncIterator<Uint8Array>> {
    const opened = await this.#open();
    this.#decoder = opened.decoder;
    this.#source = opened.chunks[Symbol.asyncIterator]();
    // return() may have been called while the request was on its way.
    if (this.#ended) await this.#source.return?.();
    return this.#source;
  }

  async #fail(error: unknown): Promise<void> {
    if (this.#signal?.aborted) {
      await this.#close();
      return;
    }
    this.#failure = { error };
    await this.#closeSource();
  }

  async #close(): Promise<void> {
    this.#ended = true;
    this.#items = [];
    this.#index = 0;
    this.#failure = undefined;
    await this.#closeSource();
  }

  async #closeSource(): Promise<void> {
    this.#signal?.removeEventListener('abort', this.#dropDecoded);
    const source = this.#source;
    this.#source = undefined;
    this.#ended = true;
    // Closing a half-read body closes the connection under it, which is the point.
    await source?.return?.().catch(() => undefined);
  }
}
