// Serves gRPC methods on a connection the engine turned into HTTP/2 (a BuildKit session): the engine
// is the HTTP/2 and gRPC client there, this side answers. node:http2 does the HTTP/2; gRPC on top of
// it is a path per method, length-prefixed messages (grpc-messages.ts) and a status in the trailers.
// A full gRPC library (@grpc/grpc-js, 2 MB) would also want to own the connection, which it cannot
// here: the socket comes out of an HTTP/1.1 upgrade.
import { createServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import { drainedOrClosed } from '../../streams/drained-or-closed.js';
import { frameMessage, GRPC_INTERNAL, GRPC_OK, GRPC_UNIMPLEMENTED, GrpcMessageReader, GrpcStatusError, statusFields } from '../../protocols/grpc-messages.js';

/** Answers one request message with one message (a unary method). */
export type UnaryMethod = (request: Buffer, metadata: IncomingHttpHeaders) => Buffer | Promise<Buffer>;

/**
 * Reads the caller's messages and sends its own until either side is done (a bidirectional
 * stream). `send` resolves once the stream takes more (or has closed): a method sending much
 * awaits it, so what it sends is not held in memory.
 */
export type StreamingMethod = (incoming: AsyncIterable<Buffer>, send: (message: Uint8Array) => Promise<void>, metadata: IncomingHttpHeaders) => Promise<void>;

export type GrpcMethod = { readonly unary: UnaryMethod } | { readonly streaming: StreamingMethod };

export interface GrpcHost {
  /** Resolves when the engine or close() ended the connection. */
  readonly closed: Promise<void>;
  close(): void;
}

/** Serves `methods` (by full path, `/package.Service/Method`) on `socket` until either side closes it. */
export function serveGrpc(socket: Duplex, methods: ReadonlyMap<string, GrpcMethod>): GrpcHost {
  const server = createServer();
  let session: Http2Session | undefined;
  server.on('session', (opened: Http2Session) => {
    session = opened;
  });
  server.on('stream', (stream: ServerHttp2Stream, joined: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const path = joined[':path'] ?? '';
    const headers = metadataOf(rawHeaders);
    const method = methods.get(path);
    if (!method) return finishEarly(stream, new GrpcStatusError(GRPC_UNIMPLEMENTED, `${path} is not served by this client`));
    const run = 'unary' in method ? answerUnary(stream, headers, method.unary) : answerStreaming(stream, headers, method.streaming);
    run.catch((error: unknown) => stream.destroy(error as Error));
  });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
  });
  server.emit('connection', socket);
  return {
    closed,
    close() {
      if (session && !session.destroyed) session.close();
      socket.end();
      // A session the engine does not let go of in time is cut.
      setTimeout(() => socket.destroy(), 1_000).unref();
    },
  };
}

/**
 * The request's headers with a repeated key's values kept apart, as gRPC metadata means them
 * (node:http2 joins them with commas, and a value such as a file pattern may hold a comma itself).
 */
function metadataOf(rawHeaders: string[]): IncomingHttpHeaders {
  const metadata: Record<string, string | string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const key = rawHeaders[index]!.toLowerCase();
    const value = rawHeaders[index + 1]!;
    const earlier = metadata[key];
    metadata[key] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return metadata;
}

/**
 * The request's messages, as they arrive; a malformed stream throws a GrpcStatusError. A method
 * that stops reading early leaves the stream open, so its answer and status can still be sent
 * (destroying it would reset the call, which the engine reads as a cancellation).
 */
async function* messagesOf(stream: ServerHttp2Stream): AsyncGenerator<Buffer> {
  const reader = new GrpcMessageReader();
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield* reader.push(chunk as Buffer);
  reader.end();
}

async function answerUnary(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, method: UnaryMethod): Promise<void> {
  let answer: Buffer;
  try {
    const messages: Buffer[] = [];
    for await (const message of messagesOf(stream)) messages.push(message);
    if (messages.length !== 1) throw new GrpcStatusError(GRPC_UNIMPLEMENTED, `a unary method got ${messages.length} messages`);
    answer = await method(messages[0]!, headers);
  } catch (error) {
    return finishEarly(stream, asStatus(error));
  }
  if (stream.closed) return;
  respond(stream, () => undefined);
  stream.end(frameMessage(answer));
}

async function answerStreaming(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, method: StreamingMethod): Promise<void> {
  let failure: GrpcStatusError | undefined;
  respond(stream, () => failure);
  try {
    await method(messagesOf(stream), (message) => sendMessage(stream, message), headers);
  } catch (error) {
    failure = asStatus(error);
  }
  if (!stream.closed) stream.end();
}

const TAKEN = Promise.resolve();

function sendMessage(stream: ServerHttp2Stream, message: Uint8Array): Promise<void> {
  if (stream.closed || stream.write(frameMessage(message))) return TAKEN;
  return drainedOrClosed(stream);
}

/** Sends the answer's headers; once the body ends, the trailers carry OK or the failure `outcome` then names. */
function respond(stream: ServerHttp2Stream, outcome: () => GrpcStatusError | undefined): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => {
    const failure = outcome();
    stream.sendTrailers(failure ? statusFields(failure) : { 'grpc-status': String(GRPC_OK) });
  });
}

/** A failure before any answer: gRPC's trailers-only response, the status in the only headers. */
function finishEarly(stream: ServerHttp2Stream, failure: GrpcStatusError): void {
  if (stream.closed) return;
  if (stream.headersSent) return void stream.close();
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...statusFields(failure) }, { endStream: true });
}

function asStatus(error: unknown): GrpcStatusError {
  if (error instanceof GrpcStatusError) return error;
  return new GrpcStatusError(GRPC_INTERNAL, error instanceof Error ? error.message : String(error));
}
