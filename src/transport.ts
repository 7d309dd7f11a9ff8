// Sends one HTTP request to the engine over the client's undici Agent and maps transport
// failures to DockerConnectionError. Everything above it deals in versions and operations.
import type { Dispatcher } from 'undici';
import type { Connection } from './connection/dispatcher.js';
import { tlsFailureReason } from './connection/tls-failure.js';
import { DockerConnectionError, DockerError, type DockerErrorContext } from './errors.js';

export interface TransportRequest {
  method: string;
  /** Request target including any version prefix and query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal;
  /** Streams and long polls: no idle limits, the caller's signal decides. */
  unbounded?: boolean;
  context?: DockerErrorContext;
}

export type TransportResponse = Dispatcher.ResponseData;

const reasons: Record<string, string> = {
  ENOENT: 'no such socket',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_CLOSED: 'the client is closed',
  UND_ERR_DESTROYED: 'the client is closed',
};

export function connectionError(connection: Connection, reported: unknown, context: DockerErrorContext = {}): DockerConnectionError {
  const error = connection.explainFailure?.(reported) ?? reported;
  const code = findCode(error);
  const known = code ? (reasons[code] ?? tlsFailureReason(code)) : undefined;
  const reason = known ?? (error as Error)?.message ?? String(error);
  const suffix = known ? ` (${code})` : '';
  return new DockerConnectionError(connection.endpoint.display, reason + suffix, code, context, error);
}

function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    if (typeof code === 'string' && !(current as { cause?: unknown }).cause) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function send(connection: Connection, request: TransportRequest): Promise<TransportResponse> {
  try {
    const response = await connection.dispatcher.request({
      origin: connection.origin,
      method: request.method as Dispatcher.HttpMethod,
      path: request.path,
      headers: request.headers,
      body: request.body as Dispatcher.DispatchOptions['body'],
      signal: request.signal,
      ...(request.unbounded ? { headersTimeout: 0, bodyTimeout: 0 } : {}),
    });
    failBodyAsConnectionError(response.body, connection, request);
    return response;
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    throw connectionError(connection, error, request.context);
  }
}

/**
 * A body whose connection breaks (the engine died mid-stream) fails with undici's own SocketError;
 * make it the DockerConnectionError a failed request gives, for whoever reads the body: stream
 * helpers, archive readers, `.json()`. undici ends a body through its destroy(error), so that is
 * where the error is swapped. The caller's abort and the library's own errors pass unchanged.
 */
function failBodyAsConnectionError(body: TransportResponse['body'], connection: Connection, request: TransportRequest): void {
  const destroy = body.destroy.bind(body);
  body.destroy = (error?: Error) =>
    destroy(error === undefined || request.signal?.aborted || error instanceof DockerError ? error : connectionError(connection, error, request.context));
}
