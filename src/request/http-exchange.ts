// Sends one built request over the client's connection and hands back either the engine's answer
// (status, headers and the body as a live stream) or, for an upgrade, the hijacked socket. A failure
// before the answer is mapped by requestFailure; one while the body streams reaches whoever reads
// the body (see answer-body.ts). The caller's abort rejects with the signal's reason and ends the body.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Connection } from '../connection/connect.js';
import type { SendableRequest } from './build-request.js';
import { CLIENT_CLOSED, ownFailure, requestFailure } from './failure.js';

export type Exchange =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: IncomingMessage; socket: Duplex | undefined }
  | { kind: 'upgraded'; status: number; headers: IncomingHttpHeaders; socket: Duplex };

export function exchange(connection: Connection, request: SendableRequest, signal?: AbortSignal): Promise<Exchange> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (connection.closed) return Promise.reject(requestFailure(connection, request, ownFailure(CLIENT_CLOSED)));
  return new Promise((resolve, reject) => {
    let outgoing: ClientRequest;
    try {
      outgoing = connection.request(request);
    } catch (error) {
      // node:http connects inside the call; a runtime that refuses the socket or the ssh process
      // (Deno without --allow-net, --allow-write or --allow-run) throws right there.
      return reject(requestFailure(connection, request, error));
    }
    let answer: IncomingMessage | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return answer?.destroy(error as Error);
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // The socket is gone from the request once it is destroyed; what it knows is read first.
      const failure = signal?.aborted ? signal.reason : requestFailure(connection, request, error, outgoing.socket ?? undefined);
      outgoing.destroy();
      reject(failure);
    };
    const onAbort = () => {
      fail(signal!.reason);
      answer?.destroy(signal!.reason);
    };
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', fail);
    outgoing.on('response', (incoming: IncomingMessage) => {
      settled = true;
      answer = incoming;
      if (signal) incoming.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve({ kind: 'answer', status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming, socket: outgoing.socket ?? undefined });
    });
    // Only an upgrade request can be answered by a switch of protocols.
    if (request.headers.upgrade !== undefined) {
      outgoing.on('upgrade', (incoming: IncomingMessage, upgraded: Duplex, head: Buffer) => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        connection.adopt(upgraded);
        // Bytes the engine sent right after its 101 arrived with the headers; they are the stream's first.
        if (head.length > 0) upgraded.unshift(head);
        resolve({ kind: 'upgraded', status: incoming.statusCode ?? 0, headers: incoming.headers, socket: upgraded });
      });
    }
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
