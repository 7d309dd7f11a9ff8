// The few plain REST calls the hijack helpers need around the upgrade (container inspect, exec
// create/inspect, resize), sent at the negotiated version with the same typed errors as every
// other call. Kept here so the helpers do not depend on which operations the spec lists yet.
import { apiErrorFrom, DockerResponseError, DockerUsageError } from '../errors.js';
import type { OperationContext } from '../operation-call.js';
import { send } from '../transport.js';

export interface EngineRequest {
  method: 'GET' | 'POST';
  /** Route without the version prefix, query string included. */
  path: string;
  json?: unknown;
  /** The operationId, for error messages. */
  operation: string;
  signal?: AbortSignal;
}

/** Sends the request and returns the parsed JSON answer (undefined for an empty one). */
export async function engineRequest(context: OperationContext, request: EngineRequest): Promise<unknown> {
  const apiVersion = await context.apiVersion(request.signal);
  const errorContext = { operation: request.operation, apiVersion };
  const path = `/v${apiVersion}${request.path}`;
  const body = request.json === undefined ? undefined : JSON.stringify(request.json);
  const response = await send(context.connection, {
    method: request.method,
    path,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
    signal: request.signal,
    context: errorContext,
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw apiErrorFrom(response.statusCode, text, { method: request.method, path }, errorContext);
  }
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DockerResponseError(`the engine's answer to ${request.operation} is not valid JSON`, errorContext, { cause: error });
  }
}

export interface TerminalSize {
  /** Rows. */
  h: number;
  /** Columns. */
  w: number;
}

/** The query string of a resize call; rejects sizes the engine cannot apply. */
export function resizeQuery(size: TerminalSize, operation: string): string {
  for (const key of ['h', 'w'] as const) {
    const value = size?.[key];
    if (!Number.isInteger(value) || value <= 0 || value > 0xffff) {
      throw new DockerUsageError(`${operation}: "${key}" must be a whole number of ${key === 'h' ? 'rows' : 'columns'} from 1 to 65535, got ${String(value)}`, { operation });
    }
  }
  return `h=${size.h}&w=${size.w}`;
}
