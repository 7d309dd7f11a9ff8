// Streams of JSON records: newline-delimited (application/x-ndjson, application/jsonl, and what
// every engine sends for events, stats and progress) and JSON text sequences (application/json-seq,
// RFC 7464: 0x1E before each record, a newline after). Splitting on both separators reads all of
// them without knowing which one arrives. Records are decoded only once complete, so a UTF-8
// character split across chunks is never cut.
import { DockerResponseError, DockerStreamLimitError, type DockerErrorContext } from '../errors.js';
import type { ChunkDecoder } from './decoded-stream.js';

const LINE_FEED = 0x0a;
const RECORD_SEPARATOR = 0x1e;

/** Records up to this size are accepted by default (build output can carry large `aux` records). */
export const DEFAULT_MAX_RECORD_SIZE = 8 * 1024 * 1024;

export interface JsonRecordOptions<T = unknown> {
  /** Largest record accepted, in bytes (default 8 MiB); a larger one fails with DockerStreamLimitError. */
  maxRecordSize?: number;
  /** Names the operation in errors. */
  context?: DockerErrorContext;
  /** Turns a record's text into an item (default JSON.parse); throw to reject the record. */
  parse?: (text: string) => T;
}

export class JsonRecordDecoder<T = unknown> implements ChunkDecoder<T> {
  readonly #maxRecordSize: number;
  readonly #context: DockerErrorContext;
  readonly #parseText: (text: string) => T;
  // The start of a record whose end has not arrived yet.
  #pending: Buffer[] = [];
  #pendingSize = 0;

  constructor(options: JsonRecordOptions<T> = {}) {
    this.#maxRecordSize = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
    this.#context = options.context ?? {};
    this.#parseText = options.parse ?? (JSON.parse as (text: string) => T);
  }

  decode(chunk: Buffer, into: T[]): void {
    let start = 0;
    for (let end = chunk.indexOf(LINE_FEED); end !== -1; end = chunk.indexOf(LINE_FEED, start)) {
      this.#checkSize(this.#pendingSize + end - start);
      this.#parseRecords(this.#takeRecord(chunk.subarray(start, end)), into);
      start = end + 1;
    }
    if (start < chunk.length) {
      this.#checkSize(this.#pendingSize + chunk.length - start);
      this.#pending.push(chunk.subarray(start));
      this.#pendingSize += chunk.length - start;
    }
  }

  finish(into: T[]): void {
    // The last record may lack its newline; one cut short fails to parse and says so.
    if (this.#pendingSize > 0) this.#parseRecords(this.#takeRecord(Buffer.alloc(0)), into, 'the stream ended inside a record');
  }

  #takeRecord(tail: Buffer): Buffer {
    if (this.#pendingSize === 0) return tail;
    this.#pending.push(tail);
    const record = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingSize = 0;
    return record;
  }

  #checkSize(size: number): void {
    if (size > this.#maxRecordSize) {
      throw new DockerStreamLimitError(`a streamed JSON record exceeds the ${this.#maxRecordSize}-byte limit`, this.#maxRecordSize, this.#context);
    }
  }

  #parseRecords(line: Buffer, into: T[], failure = 'the engine streamed invalid JSON'): void {
    if (line.indexOf(RECORD_SEPARATOR) === -1) {
      this.#parse(line, into, failure);
      return;
    }
    let start = 0;
    for (let end = line.indexOf(RECORD_SEPARATOR); end !== -1; end = line.indexOf(RECORD_SEPARATOR, start)) {
      this.#parse(line.subarray(start, end), into, failure);
      start = end + 1;
    }
    this.#parse(line.subarray(start), into, failure);
  }

  #parse(record: Buffer, into: T[], failure: string): void {
    const text = record.toString('utf8');
    if (text.trim() === '') return;
    try {
      into.push(this.#parseText(text));
    } catch (error) {
      const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text;
      throw new DockerResponseError(`${failure}: ${JSON.stringify(excerpt)}`, this.#context, { cause: error });
    }
  }
}
