// The client side of a WebSocket connection (RFC 6455) as a byte stream, so a WebSocket attach can
// be read and written like a hijacked one: reading yields the payload bytes of the engine's data
// messages (text or binary alike: the engine sends text frames up to API 1.41 and binary ones
// after, with the same raw bytes inside), each write goes out as one masked binary message, and
// end() sends a close frame, after which the engine's output keeps arriving until it closes too.
// Pings are answered. A frame that breaks the protocol destroys the stream with a
// DockerResponseError; a connection that ends without the engine's close frame, with an Error.
// Written here, not taken from the `ws` package: ws opens and owns its connection, while here the
// engine has already switched an existing (unix, TLS or ssh) socket over, and only the framing is
// needed, with a half-close when stdin ends; a small RFC 6455 client costs less than adapting ws.
import { randomFillSync } from 'node:crypto';
import { Duplex } from 'node:stream';
import { DockerResponseError, type DockerErrorContext } from '../errors.js';

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const FIN = 0x80;
const MASKED = 0x80;
// RFC 6455 5.5: control frames carry at most 125 bytes and are never fragmented.
const CONTROL_PAYLOAD_LIMIT = 125;
const CLOSE_NORMAL = 1000;
// Payload bytes held for the reader before the socket is paused.
const HIGH_WATER_MARK = 256 * 1024;

interface FrameHeader {
  opcode: number;
  fin: boolean;
  length: number;
  headerLength: number;
}

export function websocketDuplex(socket: Duplex, context: DockerErrorContext): Duplex {
  return new WebSocketDuplex(socket, context);
}

class WebSocketDuplex extends Duplex {
  readonly #socket: Duplex;
  readonly #context: DockerErrorContext;
  // Bytes of a frame header (or a control frame) that arrived split across chunks.
  #pending: Buffer = Buffer.alloc(0);
  // The data frame being read: payload bytes still to come, and whether it is a control frame.
  #remaining = 0;
  #inMessage = false;
  #closeReceived = false;
  #closeSent = false;
  // A failure that came while decoded output still waited for the reader: raised once it has taken that output.
  #failure: Error | undefined;

  constructor(socket: Duplex, context: DockerErrorContext) {
    super({ readableHighWaterMark: HIGH_WATER_MARK, allowHalfOpen: true });
    this.#socket = socket;
    this.#context = context;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('end', () => this.#socketEnded());
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => (this.#closeReceived ? undefined : this.#fail(new Error('the connection closed without a WebSocket close frame'))));
  }

  override _read(): void {
    if (!this.#failure) this.#socket.resume();
    else if (this.readableLength === 0) this.destroy(this.#failure);
    // An empty push: nothing to add, ask again once the reader has taken more.
    else this.push(Buffer.alloc(0));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#closeSent || !this.#socket.writable) return callback();
    this.#socket.write(clientFrame(OPCODE_BINARY, chunk), () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#sendClose();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }

  #sendClose(): void {
    if (this.#closeSent || !this.#socket.writable) return;
    this.#closeSent = true;
    const code = Buffer.alloc(2);
    code.writeUInt16BE(CLOSE_NORMAL);
    this.#socket.write(clientFrame(OPCODE_CLOSE, code));
  }

  #receive(chunk: Buffer): void {
    if (this.#closeReceived || this.#failure || this.destroyed) return;
    try {
      this.#parse(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk);
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  #parse(buffer: Buffer): void {
    let offset = 0;
    let full = false;
    while (offset < buffer.length && !this.#closeReceived) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, buffer.length - offset);
        this.#remaining -= take;
        full = !this.push(buffer.subarray(offset, offset + take)) || full;
        offset += take;
        continue;
      }
      const header = this.#header(buffer, offset);
      if (!header) break;
      if (header.opcode >= OPCODE_CLOSE) {
        // A control frame is handled whole, so wait until all of it is here.
        if (buffer.length - offset < header.headerLength + header.length) break;
        const payload = buffer.subarray(offset + header.headerLength, offset + header.headerLength + header.length);
        offset += header.headerLength + header.length;
        this.#control(header.opcode, payload);
        continue;
      }
      offset += header.headerLength;
      this.#inMessage = !header.fin;
      this.#remaining = header.length;
    }
    this.#pending = offset < buffer.length && !this.#closeReceived ? Buffer.from(buffer.subarray(offset)) : Buffer.alloc(0);
    if (full) this.#socket.pause();
  }

  /** The frame header at `offset`, or undefined while it is incomplete; throws on a protocol error. */
  #header(buffer: Buffer, offset: number): FrameHeader | undefined {
    if (buffer.length - offset < 2) return undefined;
    const first = buffer[offset]!;
    const second = buffer[offset + 1]!;
    const opcode = first & 0x0f;
    const fin = (first & FIN) !== 0;
    if ((first & 0x70) !== 0) throw this.#protocolError(`a frame sets reserved bits (${first.toString(16)}) no extension was agreed for`);
    if ((second & MASKED) !== 0) throw this.#protocolError('the engine masked a frame, which only clients do');
    if (![OPCODE_CONTINUATION, OPCODE_TEXT, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG].includes(opcode)) {
      throw this.#protocolError(`a frame has the unknown opcode ${opcode}`);
    }
    let length = second & 0x7f;
    let headerLength = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) return undefined;
      length = buffer.readUInt16BE(offset + 2);
      headerLength = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) return undefined;
      const high = buffer.readUInt32BE(offset + 2);
      // Lengths past 2^53 cannot be counted exactly; no engine sends a frame of petabytes.
      if (high > 0x1fffff) throw this.#protocolError('a frame announces more than 2^53 bytes');
      length = high * 0x100000000 + buffer.readUInt32BE(offset + 6);
      headerLength = 10;
    }
    if (opcode >= OPCODE_CLOSE && (!fin || length > CONTROL_PAYLOAD_LIMIT)) {
      throw this.#protocolError(`a control frame is fragmented or longer than ${CONTROL_PAYLOAD_LIMIT} bytes`);
    }
    if (opcode === OPCODE_CONTINUATION && !this.#inMessage) throw this.#protocolError('a continuation frame arrived outside a message');
    if ((opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) && this.#inMessage) throw this.#protocolError('a new message began before the last one ended');
    return { opcode, fin, length, headerLength };
  }

  #control(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE_PING) {
      if (this.#socket.writable && !this.#closeSent) this.#socket.write(clientFrame(OPCODE_PONG, payload));
    } else if (opcode === OPCODE_CLOSE) {
      this.#closeReceived = true;
      // Answer with a close frame of our own (unless we sent one); then both sides are done, and
      // the stream closes once its reader has taken what is buffered.
      this.#sendClose();
      this.push(null);
      this.end();
      this.#socket.end();
    }
  }

  #socketEnded(): void {
    if (this.#closeReceived) return;
    this.#fail(
      this.#remaining > 0 || this.#pending.length > 0
        ? this.#protocolError('the connection ended inside a frame')
        : new Error('the connection closed without a WebSocket close frame'),
    );
  }

  // What was decoded before a failure is still the engine's output, as with a multiplexed stream:
  // destroying the stream at once would drop whatever a reader that lags behind has not taken yet.
  #fail(error: Error): void {
    if (this.destroyed) return;
    this.#failure ??= error;
    this.#socket.destroy();
    if (this.readableLength === 0) this.destroy(this.#failure);
    // The read asked for last waits for the socket, which sends nothing more: an empty push ends it, so _read is asked again.
    else this.push(Buffer.alloc(0));
  }

  #protocolError(what: string): DockerResponseError {
    return new DockerResponseError(`the engine broke the WebSocket protocol: ${what}`, this.#context);
  }
}

/** One final, masked frame: RFC 6455 5.3 makes a client mask everything it sends. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + lengthBytes + 4 + length);
  frame[0] = FIN | opcode;
  if (lengthBytes === 0) frame[1] = MASKED | length;
  else if (lengthBytes === 2) {
    frame[1] = MASKED | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = MASKED | 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const maskAt = 2 + lengthBytes;
  randomFillSync(frame, maskAt, 4);
  for (let i = 0; i < length; i++) frame[maskAt + 4 + i] = payload[i]! ^ frame[maskAt + (i & 3)]!;
  return frame;
}
