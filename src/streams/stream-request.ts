// Opens a streaming request (logs, stats, events, progress, archives) at the negotiated API
// version and hands back the live answer. A non-2xx answer becomes the same typed error every other call
// raises. Kept apart from the operation table so these helpers need nothing but the route, and
// so they can send headers (Accept) the table does not model.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ApiVersion } from '../api-version.js';
import { apiErrorFrom, type DockerErrorContext } from '../errors.js';
import { checkAvailable, type OperationContext } from '../operation-call.js';
import { encodeScalar } from '../request-encoding.js';
import { send, type TransportRequest } from '../transport.js';

/** A query value: booleans go as 1/0, arrays repeat the key, objects go as JSON (filters). */
export type QueryValue = string | number | boolean | readonly string[] | Record<string, unknown> | undefined;

export interface StreamRequest {
  /** The operationId, for errors. */
  operation: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** The route without the version prefix, path parameters already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: TransportRequest['body'];
  signal?: AbortSignal;
  /** Text for an error answer that has no body (HEAD). */
  emptyErrorText?: (status: number) => string;
}

export interface OpenedStream {
  apiVersion: ApiVersion;
  context: DockerErrorContext;
  status: number;
  headers: IncomingHttpHeaders;
  /** Read it to the end or destroy it, or the connection stays busy. */
  body: Readable;
}

function queryString(query: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const add = (text: string) => parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
    if (Array.isArray(value)) for (const item of value) add(String(item));
    else if (typeof value === 'object') add(JSON.stringify(value));
    else add(encodeScalar(value));
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Fails before sending when the negotiated version lacks something the call uses. */
export function requireApi(apiVersion: string, since: string, what: string, operation: string): void {
  checkAvailable(operation, { since }, apiVersion, what);
}

export async function openStream(context: OperationContext, request: StreamRequest): Promise<OpenedStream> {
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
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = await response.body.text();
    const shown = text.trim() === '' && request.emptyErrorText ? request.emptyErrorText(response.statusCode) : text;
    throw apiErrorFrom(response.statusCode, shown, { method: request.method, path }, errorContext);
  }
  return { apiVersion, context: errorContext, status: response.statusCode, headers: response.headers, body: response.body };
}
