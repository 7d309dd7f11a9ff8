// Sends one request of the archive endpoints (some use HEAD and PUT, which the shared streaming
// helper does not) at the negotiated version, and turns a non-2xx answer into the typed error.
import type { ApiVersion } from '../api-version.js';
import { apiErrorFrom, type DockerErrorContext } from '../errors.js';
import type { OperationContext } from '../operation-call.js';
import { queryString, type QueryValue } from '../streams/stream-request.js';
import { send, type TransportRequest, type TransportResponse } from '../transport.js';

export interface ArchiveRequest {
  operation: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** Route without the version prefix, path parameters already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: TransportRequest['body'];
  signal?: AbortSignal;
  /** Text for an error answer that has no body (HEAD). */
  emptyErrorText?: (status: number) => string;
}

export interface ArchiveResponse {
  response: TransportResponse;
  apiVersion: ApiVersion;
  context: DockerErrorContext;
}

export async function archiveRequest(context: OperationContext, request: ArchiveRequest): Promise<ArchiveResponse> {
  const apiVersion = await context.apiVersion(request.signal);
  const errorContext: DockerErrorContext = { operation: request.operation, apiVersion };
  const path = `/v${apiVersion}${request.path}${queryString(request.query ?? {})}`;
  const response = await send(context.connection, {
    method: request.method,
    path,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    unbounded: true,
    context: errorContext,
  });
  if (response.statusCode >= 200 && response.statusCode < 300) return { response, apiVersion, context: errorContext };
  const text = await response.body.text();
  const shown = text.trim() === '' && request.emptyErrorText ? request.emptyErrorText(response.statusCode) : text;
  throw apiErrorFrom(response.statusCode, shown, { method: request.method, path }, errorContext);
}
