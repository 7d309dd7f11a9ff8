// Container output as the engine streams it (logs, attach, exec): multiplexed frames when the
// container has no TTY, raw bytes when it has one. Frame layout: an 8-byte header
// `[stream, 0, 0, 0, size uint32 big-endian]` then `size` bytes; stream 0 (stdin, which the
// engine uses for nothing else here) and 1 are stdout, 2 is stderr, 3 is an error from the engine.
import { DockerResponseError, DockerStreamError, DockerStreamLimitError, type DockerErrorContext } from '../errors.js';
import { bufferView } from './buffer-view.js';
import type { ChunkDecoder } from './decoded-stream.js';

export type OutputStreamName = 'stdout' | 'stderr';

/** A piece of a container's output: one frame as the engine sent it, or a raw chunk with a TTY. */
export class OutputFrame {
  constructor(
    readonly stream: OutputStreamName,
    readonly data: Buffer,
  ) {}

  /** The bytes as UTF-8. A character split across frames decodes badly here; `decodeOutputText()` keeps it whole. */
  get text(): string {
    return this.data.toString('utf8');
  }
}

const HEADER_SIZE = 8;
const STDERR = 2;
const ERROR_STREAM = 3;

/**
 * Frames up to this size are delivered whole; larger ones arrive in pieces as they are read.
 * The engine's own frames are far smaller (log lines are cut at 16 KiB, attach output at 32 KiB),
 * and assembling huge frames would cost a copy and their size in memory for nothing.
 */
export const DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

export interface DemultiplexOptions {
  /**
   * Frames up to this many bytes are assembled and delivered whole (default 1 MiB); a larger
   * frame is delivered in several pieces of the same stream, so no frame size makes memory grow.
   */
  maxFrameSize?: number;
  /** Names the operation in errors. */
  context?: DockerErrorContext;
}

export class MultiplexedDecoder implements ChunkDecoder<OutputFrame> {
  readonly #maxFrameSize: number;
  readonly #context: DockerErrorContext;
  // A header split across chunks.
  readonly #header = Buffer.alloc(HEADER_SIZE);
  #headerFill = 0;
  // The frame being read across chunks: its stream, the bytes still to come, and (when small
  // enough to assemble) the buffer it is assembled in.
  #stream = 0;
  #size = 0;
  #remaining = 0;
  #assembly: Buffer | undefined;
  #assembled = 0;

  constructor(options: DemultiplexOptions = {}) {
    this.#maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.#context = options.context ?? {};
  }

  decode(chunk: Buffer, into: OutputFrame[]): void {
    const end = chunk.length;
    const memory = chunk.buffer;
    const base = chunk.byteOffset;
    let offset = this.#headerFill > 0 || this.#remaining > 0 ? this.#resume(chunk, 0, into) : 0;
    // The common case in one tight loop: a whole stdout or stderr frame inside this chunk, handed
    // out as a view of it. Anything else (an error frame, a frame running past the chunk, a
    // malformed header) goes through #unusualFrame.
    while (end - offset >= HEADER_SIZE) {
      const stream = chunk[offset]!;
      // readUInt32BE() without its argument checks, which cost measurably once per frame.
      const size = chunk[offset + 4]! * 0x1000000 + ((chunk[offset + 5]! << 16) | (chunk[offset + 6]! << 8) | chunk[offset + 7]!);
      const start = offset + HEADER_SIZE;
      if (stream <= STDERR && size <= end - start && (chunk[offset + 1]! | chunk[offset + 2]! | chunk[offset + 3]!) === 0) {
        if (size > 0) into.push(new OutputFrame(stream === STDERR ? 'stderr' : 'stdout', bufferView(memory, base + start, size)));
        offset = start + size;
      } else {
        offset = this.#unusualFrame(chunk, offset, into);
      }
    }
    if (offset < end) {
      chunk.copy(this.#header, 0, offset, end);
      this.#headerFill = end - offset;
    }
  }

  finish(): void {
    if (this.#headerFill > 0) {
      throw new DockerResponseError(`the stream ended inside a frame header (${this.#headerFill} of ${HEADER_SIZE} bytes)`, this.#context);
    }
    if (this.#remaining > 0) {
      throw new DockerResponseError(`the stream ended inside a frame (${this.#size - this.#remaining} of ${this.#size} bytes arrived)`, this.#context);
    }
  }

  /** A frame the fast loop leaves alone, its header whole at `offset`; returns where the next frame starts. */
  #unusualFrame(chunk: Buffer, offset: number, into: OutputFrame[]): number {
    return this.#frame(this.#streamAt(chunk, offset), chunk.readUInt32BE(offset + 4), chunk, offset + HEADER_SIZE, into);
  }

  /** A frame whose header has been read and whose content starts at `start` in this chunk; returns where it ends in it. */
  #frame(stream: number, size: number, chunk: Buffer, start: number, into: OutputFrame[]): number {
    if (size <= chunk.length - start) {
      this.#emit(stream, chunk.subarray(start, start + size), into);
      return start + size;
    }
    this.#begin(stream, size);
    return this.#continueFrame(chunk, start, into);
  }

  /** Completes a header or a frame begun in an earlier chunk; returns where this chunk's own frames start. */
  #resume(chunk: Buffer, offset: number, into: OutputFrame[]): number {
    if (this.#headerFill > 0) {
      const take = Math.min(HEADER_SIZE - this.#headerFill, chunk.length - offset);
      chunk.copy(this.#header, this.#headerFill, offset, offset + take);
      this.#headerFill += take;
      offset += take;
      if (this.#headerFill < HEADER_SIZE) return offset;
      this.#headerFill = 0;
      return this.#frame(this.#streamAt(this.#header, 0), this.#header.readUInt32BE(4), chunk, offset, into);
    }
    return this.#continueFrame(chunk, offset, into);
  }

  #begin(stream: number, size: number): void {
    this.#stream = stream;
    this.#size = size;
    this.#remaining = size;
    this.#assembled = 0;
    if (stream === ERROR_STREAM) this.#checkErrorSize(size);
    this.#assembly = size <= this.#maxFrameSize ? Buffer.allocUnsafe(size) : undefined;
  }

  #continueFrame(chunk: Buffer, offset: number, into: OutputFrame[]): number {
    const take = Math.min(this.#remaining, chunk.length - offset);
    if (take === 0) return offset;
    this.#remaining -= take;
    if (!this.#assembly) {
      this.#emit(this.#stream, chunk.subarray(offset, offset + take), into);
      return offset + take;
    }
    chunk.copy(this.#assembly, this.#assembled, offset, offset + take);
    this.#assembled += take;
    if (this.#remaining === 0) {
      const frame = this.#assembly;
      this.#assembly = undefined;
      this.#emit(this.#stream, frame, into);
    }
    return offset + take;
  }

  #streamAt(buffer: Buffer, offset: number): number {
    const stream = buffer[offset]!;
    if (stream > ERROR_STREAM || (buffer[offset + 1]! | buffer[offset + 2]! | buffer[offset + 3]!) !== 0) {
      const header = buffer.subarray(offset, offset + HEADER_SIZE).toString('hex');
      throw new DockerResponseError(`the stream is not multiplexed: ${header} is not a frame header`, this.#context);
    }
    return stream;
  }

  // An error message is always assembled whole, so it gets the limit even when it fits one chunk.
  #checkErrorSize(size: number): void {
    if (size > this.#maxFrameSize) {
      throw new DockerStreamLimitError(
        `the engine sent an error frame of ${size} bytes, above the ${this.#maxFrameSize}-byte frame limit`,
        this.#maxFrameSize,
        this.#context,
      );
    }
  }

  #emit(stream: number, data: Buffer, into: OutputFrame[]): void {
    if (stream === ERROR_STREAM) {
      this.#checkErrorSize(data.length);
      const message = data.toString('utf8').trim();
      throw new DockerStreamError(message || 'the engine reported an error in the stream without a message', this.#context);
    }
    if (data.length > 0) into.push(new OutputFrame(stream === STDERR ? 'stderr' : 'stdout', data));
  }
}

/** A TTY's output: one raw stream, delivered as stdout chunk by chunk. */
export class RawOutputDecoder implements ChunkDecoder<OutputFrame> {
  decode(chunk: Buffer, into: OutputFrame[]): void {
    if (chunk.length > 0) into.push(new OutputFrame('stdout', chunk));
  }

  finish(): void {}
}
