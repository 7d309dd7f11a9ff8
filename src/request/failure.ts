// The one place a failed request becomes an error: an error answer of the engine (non-2xx) becomes
// the typed DockerApiError of its status; a transport failure (no socket, refused, reset, closed
// early, a TLS alert, ssh exiting) becomes a DockerConnectionError that names the endpoint and
// the reason. The project's own errors pass through unchanged.
import type { Duplex } from 'node:stream';
import type { Connection } from '../connection/connect.js';
import { tlsFailureReason } from '../connection/tls-failure.js';
import { apiErrorFrom, DockerConnectionError, DockerError, type DockerErrorContext } from '../errors.js';

/** An answer of the engine outside 2xx, with the text of its body. */
export class ErrorAnswer {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {}
}

/** What a failure is mapped for: the request as sent. */
export interface FailedRequest {
  readonly method: string;
  readonly path: string;
  readonly context: DockerErrorContext;
}

/** The connection closed before the answer was complete (the engine died or went away). */
export const CONNECTION_CLOSED = 'ERR_CONNECTION_CLOSED';
/** The client was closed by its owner. */
export const CLIENT_CLOSED = 'ERR_CLIENT_CLOSED';

const reasons: Record<string, string> = {
  ENOENT: 'no such socket',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  [CONNECTION_CLOSED]: 'the connection closed unexpectedly',
  [CLIENT_CLOSED]: 'the client is closed',
};

export function requestFailure(connection: Connection, request: FailedRequest, failure: unknown, socket?: Duplex): DockerError {
  if (failure instanceof ErrorAnswer) return apiErrorFrom(failure.status, failure.text, request, request.context);
  if (failure instanceof DockerError) return failure;
  const error = connection.explainFailure(failure, socket);
  const code = codeOf(error);
  const known = code ? (reasons[code] ?? tlsFailureReason(code)) : undefined;
  const reason = known ?? (error as Error)?.message ?? String(error);
  return new DockerConnectionError(connection.endpoint.display, known ? `${reason} (${code})` : reason, code, request.context, error);
}

/** A connection that ended in an orderly way before what it carried was complete; `what` says what was cut short. */
export function cutShort(connection: Connection, context: DockerErrorContext, what: string): DockerError {
  return new DockerConnectionError(connection.endpoint.display, `${what} (${CONNECTION_CLOSED})`, CONNECTION_CLOSED, context);
}

/** A failure made here rather than by the system: the client closed, or the connection cut short. */
export function ownFailure(code: typeof CONNECTION_CLOSED | typeof CLIENT_CLOSED): Error {
  return Object.assign(new Error(reasons[code]), { code });
}

// node:http reports a connection that closed early as ECONNRESET without a system call ("socket
// hang up", "aborted"); a reset the system saw names the call (`read ECONNRESET`).
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const { code, syscall, cause } = current as { code?: unknown; syscall?: unknown; cause?: unknown };
    if (code === 'ECONNRESET' && syscall === undefined) return CONNECTION_CLOSED;
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}
