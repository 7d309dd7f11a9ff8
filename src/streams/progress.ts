// A progress stream (pull, import, push, load, build, plugin pull/upgrade/push): the engine
// answers 200 at once and then reports, one JSON message at a time, until the work is done or
// failed; a failure is a message with `errorDetail`, never an HTTP status. ProgressStream reads
// it with backpressure, keeps an aggregated view for progress bars, and settles `done` at the end.
import { DockerResponseError, DockerStreamError, type DockerErrorContext } from '../errors.js';
import { DecodedStream } from './decoded-stream.js';
import { JsonRecordDecoder } from './json-records.js';
import type { ProgressMessage } from './progress-types.js';
import { ProgressView } from './progress-view.js';
import { readableChunks } from './readable-chunks.js';
import type { OpenedAnswer } from '../request/operation-call.js';

/** Folds one message into the summary `done` resolves with. */
export type Summarize<S> = (summary: S, message: ProgressMessage) => void;

export interface ProgressStreamOptions {
  /** Aborting ends the iteration quietly, closes the connection and rejects `done` with the signal's reason. */
  signal?: AbortSignal;
  /** Largest message accepted, in bytes (default 8 MiB). */
  maxRecordSize?: number;
}

export class ProgressStream<S> implements AsyncIterable<ProgressMessage> {
  /** The messages read so far, aggregated per item (layer) and in total: what a progress bar shows. */
  readonly progress = new ProgressView();
  readonly #open: () => Promise<OpenedAnswer>;
  readonly #summary: S;
  readonly #summarize: Summarize<S>;
  readonly #options: ProgressStreamOptions;
  readonly #done: Promise<S>;
  #settleDone!: (error: unknown, summary?: S) => void;
  #reader: 'caller' | 'done' | undefined;
  #drainScheduled = false;

  constructor(open: () => Promise<OpenedAnswer>, summary: S, summarize: Summarize<S>, options: ProgressStreamOptions = {}) {
    this.#open = open;
    this.#summary = summary;
    this.#summarize = summarize;
    this.#options = options;
    this.#done = new Promise<S>((resolve, reject) => {
      let settled = false;
      this.#settleDone = (error, result) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve(result!);
        else reject(error);
      };
    });
    // `done` may never be awaited (the caller iterates and handles errors there): not an unhandled rejection.
    this.#done.catch(() => undefined);
  }

  /**
   * Resolves with the summary when the operation has finished; rejects with DockerStreamError
   * when the engine reports a failure in the stream, or with any other error that ends it.
   * When the stream is not iterated (in the same tick), awaiting `done` reads it to the end.
   */
  get done(): Promise<S> {
    if (!this.#reader && !this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => {
        if (this.#reader) return;
        this.#reader = 'done';
        void this.#drain();
      });
    }
    return this.#done;
  }

  [Symbol.asyncIterator](): AsyncIterator<ProgressMessage> {
    if (this.#reader) throw new TypeError('a progress stream can be read only once');
    this.#reader = 'caller';
    return this.#messages();
  }

  async #drain(): Promise<void> {
    try {
      for await (const message of this.#messages()) void message;
    } catch {
      // `done` has been rejected with it.
    }
  }

  async *#messages(): AsyncGenerator<ProgressMessage, void, undefined> {
    const { signal } = this.#options;
    let context: DockerErrorContext = {};
    const records = new DecodedStream<ProgressMessage>(async () => {
      const opened = await this.#open();
      context = opened.context;
      return { chunks: readableChunks(opened.body), decoder: new JsonRecordDecoder<ProgressMessage>({ maxRecordSize: this.#options.maxRecordSize, context }) };
    }, signal);
    let ended = false;
    try {
      for await (const message of records) {
        // A line may hold any JSON (`null`, `5`): reading fields of it as a message would crash with a TypeError.
        if (typeof message !== 'object' || message === null || Array.isArray(message)) {
          throw new DockerResponseError(`the engine streamed a progress message that is not an object: ${JSON.stringify(message).slice(0, 120)}`, context);
        }
        if (message.errorDetail || message.error !== undefined) throw streamFailure(message, context);
        this.progress.update(message);
        this.#summarize(this.#summary, message);
        yield message;
      }
      ended = true;
    } catch (error) {
      this.#settleDone(error);
      throw error;
    } finally {
      await records.return();
      if (signal?.aborted) this.#settleDone(signal.reason);
      else if (ended) this.#settleDone(undefined, this.#summary);
      else this.#settleDone(new DOMException('the progress stream was closed before the operation finished', 'AbortError'));
    }
  }
}

function streamFailure(message: ProgressMessage, context: DockerErrorContext): DockerStreamError {
  // Only a string message and a numeric code are taken: an object whose toString is not a function would make Error's constructor throw.
  const { errorDetail, error } = message;
  const text = [errorDetail?.message, error].find((value) => typeof value === 'string' && value !== '') ?? 'the engine reported a failure without a message';
  return new DockerStreamError(text, context, typeof errorDetail?.code === 'number' ? errorDetail.code : undefined);
}
