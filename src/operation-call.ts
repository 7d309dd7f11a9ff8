// Carries out one operation of the table: checks the version, encodes the parameters, sends the
// request and turns the answer into data or a typed error.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { operationTable, type OperationId } from '../generated/operations.js';
import { compareApiVersions, type ApiVersion } from './api-version.js';
import type { CliConfigLocation } from './connection/cli-config.js';
import type { Connection } from './connection/dispatcher.js';
import { apiErrorFrom, DockerResponseError, DockerUsageError, DockerVersionError, type DockerErrorContext } from './errors.js';
import { encodeRequest, type ParamSpec } from './request-encoding.js';
import { send } from './transport.js';

export type ResponseKind = 'json' | 'text' | 'empty' | 'binary' | 'ndjson' | 'logs' | 'hijack' | 'websocket' | 'h2c';

/** A row of the generated operation table, widened for use at run time. */
export interface OperationRow {
  readonly method: string;
  readonly path: string;
  readonly tag: string;
  readonly group: string;
  readonly name: string;
  readonly response: ResponseKind;
  readonly helper?: string;
  readonly longPoll?: boolean;
  readonly body?: string;
  readonly since?: string;
  readonly removed?: string;
  readonly params: readonly ParamSpec[];
}

export const operationRows: Readonly<Record<OperationId, OperationRow>> = operationTable;

/** What a streaming operation resolves to: the live answer, to be consumed by the caller. */
export interface StreamingResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body. Read it to the end or destroy it, or the connection stays busy. */
  body: Readable;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface OperationContext {
  connection: Connection;
  /** Resolves the negotiated (or pinned) API version, negotiating on first use. */
  apiVersion(signal?: AbortSignal): Promise<ApiVersion>;
  /** Where the Docker CLI configuration is, for registry credentials (default: DOCKER_CONFIG or ~/.docker). */
  cliConfig?: CliConfigLocation;
}

const STREAMING = new Set(['binary', 'ndjson', 'logs']);
const UPGRADING = new Set(['hijack', 'websocket', 'h2c']);

// A hijacking operation asked to run detached (`{ Detach: true }`, exec start) answers like any
// empty call; every other use needs the helper that owns the upgraded socket.
function isDetached(values: Record<string, unknown>): boolean {
  const body = values.body as { Detach?: unknown } | undefined;
  return body?.Detach === true;
}

export function checkAvailable(id: string, row: { since?: string; removed?: string }, version: string, what = id): void {
  if (row.since && compareApiVersions(version, row.since) < 0) {
    throw new DockerVersionError(`${what} needs API ${row.since} or newer; this connection speaks ${version}`, { operation: id, apiVersion: version });
  }
  if (row.removed && compareApiVersions(version, row.removed) >= 0) {
    throw new DockerVersionError(`${what} was removed in API ${row.removed}; this connection speaks ${version}`, { operation: id, apiVersion: version });
  }
}

function checkParams(id: string, params: readonly ParamSpec[], values: Record<string, unknown>, version: string, hasBody: boolean): void {
  for (const key of Object.keys(values)) {
    if (key === 'body' && hasBody) continue;
    const spec = params.find((p) => p.name === key);
    if (!spec) throw new DockerUsageError(`${id} has no parameter "${key}"`, { operation: id, apiVersion: version });
    if (values[key] !== undefined) checkAvailable(id, spec, version, `${id} parameter "${key}"`);
  }
}

function encodeBody(row: OperationRow, body: unknown): { body?: TransportBody; contentType?: string } {
  const mediaType = row.body;
  if (body === undefined || !mediaType) return {};
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return { body: JSON.stringify(body), contentType: mediaType };
  return { body: body as TransportBody, contentType: mediaType };
}
type TransportBody = Parameters<typeof send>[1]['body'];

export async function callOperation(
  context: OperationContext,
  id: OperationId,
  values: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<unknown> {
  const row = operationRows[id];
  const version = await context.apiVersion(options.signal);
  const errorContext: DockerErrorContext = { operation: id, apiVersion: version };
  checkAvailable(id, row, version);
  checkParams(id, row.params, values, version, row.body !== undefined);
  if (UPGRADING.has(row.response) && !isDetached(values)) {
    throw new DockerUsageError(`${id} upgrades the connection; use the ${row.helper ?? 'matching'} helper`, errorContext);
  }

  const encoded = encodeRequest(row.path, row.params, values, id);
  const { body, contentType } = encodeBody(row, values.body);
  if (contentType) encoded.headers['content-type'] = contentType;
  const path = `/v${version}${encoded.path}`;
  const response = await send(context.connection, {
    method: row.method,
    path,
    headers: encoded.headers,
    body,
    signal: options.signal,
    unbounded: STREAMING.has(row.response) || row.longPoll === true,
    context: errorContext,
  });

  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = await response.body.text();
    throw apiErrorFrom(response.statusCode, text, { method: row.method, path }, errorContext);
  }
  switch (row.response) {
    case 'json':
      return parseJson(await response.body.text(), errorContext);
    case 'text':
      return response.body.text();
    case 'empty':
    case 'hijack':
      await response.body.dump();
      return undefined;
    default:
      return { status: response.statusCode, headers: response.headers, body: response.body } satisfies StreamingResponse;
  }
}

function parseJson(text: string, context: DockerErrorContext): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    throw new DockerResponseError(`the engine's answer to ${context.operation} is not valid JSON: ${JSON.stringify(excerpt)}`, context, { cause: error });
  }
}
