// Reading an answer's body, with failures while it streams (the engine died mid-answer) mapped by
// requestFailure like any other: whole (JSON answers, error messages), not at all (empty answers,
// whose connection is only free again once the body has been read to its end), or handed out as
// a stream whose errors are already mapped.
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Connection } from '../connection/connect.js';
import { DockerError } from '../errors.js';
import type { SendableRequest } from './build-request.js';
import { requestFailure } from './failure.js';

/** Where a body comes from, for the errors it may end with. */
export interface BodyOrigin {
  connection: Connection;
  request: SendableRequest;
  signal?: AbortSignal | undefined;
  socket?: Duplex | undefined;
}

function mapped(error: unknown, origin: BodyOrigin): unknown {
  if (origin.signal?.aborted) return origin.signal.reason;
  return requestFailure(origin.connection, origin.request, error, origin.socket);
}

/** The body as UTF-8 text; beyond `limit` bytes the rest is read and dropped. */
export function bodyText(body: Readable, origin: BodyOrigin, limit = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    // A body ends or fails once; plain listeners spare the wrappers `once` makes on every call.
    body.on('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, limit).toString('utf8')));
    body.on('error', (error) => reject(mapped(error, origin)));
  });
}

/** Reads the body to its end and drops it. */
export async function discardBody(body: Readable, origin: BodyOrigin): Promise<void> {
  body.resume();
  try {
    await finished(body);
  } catch (error) {
    throw mapped(error, origin);
  }
}

const origins = new WeakMap<IncomingMessage, BodyOrigin & { destroy: IncomingMessage['destroy'] }>();

/**
 * Hands a body out as a stream whose failures are the library's typed errors, for whoever reads it
 * (stream helpers, archive readers). node:http ends a body through its destroy(error), so that is
 * where the error is swapped; the caller's abort and the library's own errors pass unchanged.
 * Replacing a method of the body costs a small call a third of its CPU, so whole-body reads above
 * map their errors themselves instead.
 */
export function streamedBody(body: IncomingMessage, origin: BodyOrigin): IncomingMessage {
  origins.set(body, { ...origin, destroy: body.destroy });
  body.destroy = destroyMapped as IncomingMessage['destroy'];
  return body;
}

function destroyMapped(this: IncomingMessage, error?: Error): IncomingMessage {
  const origin = origins.get(this)!;
  const keep = error === undefined || origin.signal?.aborted || error instanceof DockerError;
  return origin.destroy.call(this, keep ? error : requestFailure(origin.connection, origin.request, error, origin.socket));
}
