// gRPC's framing of messages inside an HTTP/2 stream: each message is a one-byte compression flag,
// a four-byte big-endian length and the message. The client never asks for compression (it sends
// no grpc-accept-encoding), so a compressed message is a fault of the peer. The gRPC status codes
// the session's services answer with are here too.

export const GRPC_OK = 0;
export const GRPC_INVALID_ARGUMENT = 3;
export const GRPC_NOT_FOUND = 5;
export const GRPC_UNIMPLEMENTED = 12;
export const GRPC_INTERNAL = 13;
export const GRPC_UNAVAILABLE = 14;

const PREFIX = 5;
// BuildKit's own limit for a message on the session is 16 MiB; more is a fault, not data.
export const MAX_GRPC_MESSAGE = 16 * 1024 * 1024;

/** A gRPC call's failure, as the status code and message its trailers carry. */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

/** The trailer fields that carry a failure: the code, and the message percent-encoded as gRPC's HTTP/2 mapping wants it. */
export function statusFields(failure: GrpcStatusError): Record<string, string> {
  return { 'grpc-status': String(failure.code), 'grpc-message': encodeURIComponent(failure.message) };
}

/** One message with its prefix, ready to write to the stream. */
export function frameMessage(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(PREFIX);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** Cuts a stream's bytes, however they were split, into whole messages. */
export class GrpcMessageReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /** The messages completed by `chunk`; throws a GrpcStatusError on a compressed or oversized message. */
  push(chunk: Uint8Array): Buffer[] {
    this.#pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#pendingBytes += chunk.byteLength;
    const messages: Buffer[] = [];
    while (this.#pendingBytes >= PREFIX) {
      const head = this.#peek(PREFIX);
      if (head[0] !== 0) throw new GrpcStatusError(GRPC_UNIMPLEMENTED, `a compressed gRPC message (flag ${head[0]}) where none was offered`);
      const length = head.readUInt32BE(1);
      if (length > MAX_GRPC_MESSAGE)
        throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `a gRPC message of ${length} bytes, over the ${MAX_GRPC_MESSAGE}-byte limit`);
      if (this.#pendingBytes < PREFIX + length) break;
      messages.push(this.#take(PREFIX + length).subarray(PREFIX));
    }
    return messages;
  }

  /** Throws if the stream ended inside a message. */
  end(): void {
    if (this.#pendingBytes > 0) throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the gRPC stream ended ${this.#pendingBytes} bytes into a message`);
  }

  #peek(length: number): Buffer {
    if (this.#pending[0]!.length < length) this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0]!;
  }

  #take(length: number): Buffer {
    const joined = this.#peek(length);
    const taken = joined.subarray(0, length);
    const rest = joined.subarray(length);
    this.#pending = rest.length > 0 ? [rest, ...this.#pending.slice(1)] : this.#pending.slice(1);
    this.#pendingBytes -= length;
    return taken;
  }
}
