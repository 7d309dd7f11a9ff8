// Sends one built request over the client's connection and hands back either the engine's answer
// (status, headers and the body as a live stream) or, for an upgrade, the hijacked socket. Every
// failure, before the answer or while its body streams, is mapped by requestFailure; the caller's
// abort rejects with the signal's reason and ends the body.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Connection } from '../connection/connect.js';
import { DockerError } from '../errors.js';
import type { SendableRequest } from './build-request.js';
import { CLIENT_CLOSED, ownFailure, requestFailure } from './failure.js';

export type Exchange =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: IncomingMessage }
  | { kind: 'upgraded'; status: number; headers: IncomingHttpHeaders; socket: Duplex };

export function exchange(connection: Connection, request: SendableRequest, signal?: AbortSignal): Promise<Exchange> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (connection.closed) return Promise.reject(requestFailure(connection, request, ownFailure(CLIENT_CLOSED)));
  return new Promise((resolve, reject) => {
    const outgoing = connection.request(request);
    let socket: Duplex | undefined;
    let answer: IncomingMessage | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return answer?.destroy(error as Error);
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outgoing.destroy();
      reject(signal?.aborted ? signal.reason : requestFailure(connection, request, error, socket));
    };
    const onAbort = () => {
      fail(signal!.reason);
      answer?.destroy(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('socket', (used: Duplex) => (socket = used));
    outgoing.on('error', fail);
    outgoing.on('response', (incoming: IncomingMessage) => {
      settled = true;
      answer = incoming;
      mapBodyFailures(incoming, connection, request, signal, () => socket);
      incoming.once('close', () => signal?.removeEventListener('abort', onAbort));
      resolve({ kind: 'answer', status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming });
    });
    outgoing.on('upgrade', (incoming: IncomingMessage, upgraded: Duplex, head: Buffer) => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      connection.adopt(upgraded);
      // Bytes the engine sent right after its 101 arrived with the headers; they are the stream's first.
      if (head.length > 0) upgraded.unshift(head);
      resolve({ kind: 'upgraded', status: incoming.statusCode ?? 0, headers: incoming.headers, socket: upgraded });
    });
    sendBody(outgoing, request.body, fail);
  });
}

function sendBody(outgoing: NodeJS.WritableStream & { end(chunk?: unknown): void }, body: SendableRequest['body'], fail: (error: unknown) => void): void {
  if (body === undefined) return void outgoing.end();
  if (typeof body === 'string' || body instanceof Uint8Array) return void outgoing.end(body);
  const source = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
  // A body that fails while being produced (an unreadable file) explains more than the broken request.
  pipeline(source, outgoing).catch((error: unknown) => fail(source.errored ?? error));
}

/**
 * A body whose connection breaks (the engine died mid-stream) fails with node:http's own error;
 * make it the DockerConnectionError a failed request gives, for whoever reads the body. node:http
 * ends a body through its destroy(error), so that is where the error is swapped. The caller's
 * abort and the library's own errors pass unchanged.
 */
function mapBodyFailures(body: IncomingMessage, connection: Connection, request: SendableRequest, signal: AbortSignal | undefined, socket: () => Duplex | undefined): void {
  const destroy = body.destroy.bind(body);
  body.destroy = (error?: Error) =>
    destroy(error === undefined || signal?.aborted || error instanceof DockerError ? error : requestFailure(connection, request, error, socket()));
}
