// The one place a request to the engine is built: from the operation's row of the generated table
// and the call's values (path, query and header parameters by name, plus `body`), at an API
// version. It checks the version gates of the operation and of every parameter given, refuses
// unknown or ill-typed parameters, encodes them as the engine reads them (JSON, URL-safe base64
// JSON, repeated keys, 1/0 booleans), prefixes the version and picks the Accept header.
import { operationTable, type OperationId } from '../../generated/operations.js';
import { compareApiVersions } from '../api-version.js';
import { DockerUsageError, DockerVersionError, type DockerErrorContext } from '../errors.js';

export type ResponseKind = 'json' | 'text' | 'empty' | 'binary' | 'ndjson' | 'logs' | 'hijack' | 'websocket' | 'h2c';

interface VersionRange {
  readonly since?: string;
  readonly removed?: string;
}

export interface ParamSpec extends VersionRange {
  readonly name: string;
  readonly in: string;
  readonly encoding: string;
  readonly required?: boolean;
}

/** A row of the generated operation table, widened for use at run time. */
export interface OperationRow extends VersionRange {
  readonly method: string;
  readonly path: string;
  readonly tag: string;
  readonly group: string;
  readonly name: string;
  readonly response: ResponseKind;
  readonly helper?: string;
  readonly longPoll?: boolean;
  readonly body?: string;
  /** The media types of the success answer, with the versions that send each. */
  readonly produces: readonly ({ readonly type: string } & VersionRange)[];
  readonly params: readonly ParamSpec[];
}

export const operationRows: Readonly<Record<OperationId, OperationRow>> = operationTable;

export type RequestBody = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

export interface BuildOptions {
  /** Values sent only where the version has the parameter and the call gave none: a helper's defaults. */
  defaults?: Record<string, unknown>;
  /** Media types the caller can read, best first: sent as Accept where the operation offers them. */
  accept?: readonly string[];
  /** Headers the table does not model (an upgrade's handshake). */
  headers?: Record<string, string>;
}

/** Header values by name; an array goes out as one header line per value. */
export type RequestHeaders = Record<string, string | string[]>;

export interface EngineRequest {
  readonly operation: OperationId;
  readonly row: OperationRow;
  readonly method: string;
  /** The request target: version prefix, path and query. */
  readonly path: string;
  readonly headers: RequestHeaders;
  readonly body?: RequestBody;
  readonly context: DockerErrorContext;
}

/** What the transport needs of a request. */
export type SendableRequest = Pick<EngineRequest, 'method' | 'path' | 'headers' | 'body' | 'context'>;

/** Whether something marked with a version range exists at `version` (undefined: before negotiation, anything goes). */
export function availableAt(range: VersionRange, version: string | undefined): boolean {
  if (version === undefined) return true;
  if (range.since && compareApiVersions(version, range.since) < 0) return false;
  return !(range.removed && compareApiVersions(version, range.removed) >= 0);
}

/** Fails with DockerVersionError when `range` excludes `version`, naming both (and the parameter, if it is one). */
function checkAvailable(operation: string, range: VersionRange, version: string | undefined, parameter?: string): void {
  if (availableAt(range, version)) return;
  const context = { operation, apiVersion: version };
  const what = parameter === undefined ? operation : `${operation} parameter "${parameter}"`;
  if (range.since && compareApiVersions(version!, range.since) < 0) {
    throw new DockerVersionError(`${what} needs API ${range.since} or newer; this connection speaks ${version}`, context);
  }
  throw new DockerVersionError(`${what} was removed in API ${range.removed}; this connection speaks ${version}`, context);
}

/** Whether the operation's success answer may carry `mediaType` at `version`. */
export function offers(row: OperationRow, mediaType: string, version: string): boolean {
  return row.produces.some((produced) => produced.type === mediaType && availableAt(produced, version));
}

/**
 * Builds the request for operation `id` at `version` (undefined: unversioned, as negotiation asks
 * before it knows one). Throws DockerVersionError or DockerUsageError before anything is sent.
 */
export function buildRequest(id: OperationId, values: Record<string, unknown>, version: string | undefined, options: BuildOptions = {}): EngineRequest {
  const row = operationRows[id];
  const context: DockerErrorContext = { operation: id, apiVersion: version };
  checkAvailable(id, row, version);
  const given = withDefaults(row, values, options.defaults, version);
  checkParams(id, row, given, version);
  const encoded = encodeRequest(row.path, row.params, given, id);
  const headers = options.headers ? Object.assign(encoded.headers, options.headers) : encoded.headers;
  const accept = options.accept?.filter((type) => version !== undefined && offers(row, type, version));
  if (accept?.length) headers.accept = accept.join(', ');
  const body = given.body as RequestBody | undefined;
  const json = row.body === 'application/json' || row.body?.endsWith('+json');
  if (body !== undefined && row.body) headers['content-type'] = row.body;
  return {
    operation: id,
    row,
    method: row.method,
    path: version === undefined ? encoded.path : `/v${version}${encoded.path}`,
    headers,
    body: body === undefined || !row.body ? undefined : json ? JSON.stringify(body) : body,
    context,
  };
}

// The parameters of each row by name, made on first use of the row.
const paramIndexes = new WeakMap<OperationRow, Map<string, ParamSpec>>();

function paramNamed(row: OperationRow, name: string): ParamSpec | undefined {
  let index = paramIndexes.get(row);
  if (!index) paramIndexes.set(row, (index = new Map(row.params.map((param) => [param.name, param]))));
  return index.get(name);
}

function withDefaults(row: OperationRow, values: Record<string, unknown>, defaults: Record<string, unknown> | undefined, version: string | undefined) {
  if (!defaults) return values;
  const merged = { ...values };
  for (const [name, value] of Object.entries(defaults)) {
    const spec = paramNamed(row, name);
    if (merged[name] === undefined && spec && availableAt(spec, version)) merged[name] = value;
  }
  return merged;
}

function checkParams(id: string, row: OperationRow, values: Record<string, unknown>, version: string | undefined): void {
  for (const name in values) {
    const value = values[name];
    // A key left undefined sends nothing, whatever its name.
    if (value === undefined || (name === 'body' && row.body !== undefined)) continue;
    const spec = paramNamed(row, name);
    if (!spec) throw new DockerUsageError(`${id} has no parameter "${name}"`, { operation: id, apiVersion: version });
    checkAvailable(id, spec, version, name);
    // A plain JavaScript caller's string would otherwise go out one character per value.
    if (spec.encoding === 'repeat' && !Array.isArray(value)) {
      throw new DockerUsageError(`${id} parameter "${name}" takes an array, not ${typeof value}`, { operation: id, apiVersion: version });
    }
  }
}

export function encodeScalar(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/**
 * URL-safe base64 of the JSON, WITH `=` padding: the engine decodes auth headers with Go's
 * base64.URLEncoding, which rejects unpadded input, and then silently treats the credentials as empty.
 */
export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function appendQuery(query: string[], spec: ParamSpec, value: unknown): void {
  const key = encodeURIComponent(spec.name);
  const add = (text: string) => query.push(`${key}=${encodeURIComponent(text)}`);
  switch (spec.encoding) {
    case 'json':
      add(JSON.stringify(value));
      return;
    case 'repeat':
      for (const item of value as unknown[]) add(typeof item === 'object' ? JSON.stringify(item) : encodeScalar(item));
      return;
    default:
      add(encodeScalar(value));
  }
}

function headerValue(spec: ParamSpec, value: unknown): string | string[] {
  // The engine reads each line of a repeated header as one value (the session's gRPC methods).
  if (spec.encoding === 'repeat') return (value as unknown[]).map(encodeScalar);
  if (spec.encoding === 'base64url-json') return typeof value === 'string' ? value : base64UrlJson(value);
  if (spec.encoding === 'json') return JSON.stringify(value);
  return encodeScalar(value);
}

/** The request target without version prefix (`/containers/abc/json?size=1`) and the parameter headers. */
export function encodeRequest(
  route: string,
  params: readonly ParamSpec[],
  values: Record<string, unknown>,
  operation: string,
): { path: string; headers: RequestHeaders } {
  let path = route;
  const query: string[] = [];
  const headers: RequestHeaders = {};
  for (const spec of params) {
    const value = values[spec.name];
    if (value === undefined || value === null) {
      if (spec.required && spec.in === 'path') throw new DockerUsageError(`${operation} needs the "${spec.name}" parameter`, { operation });
      continue;
    }
    if (spec.in === 'path') path = path.replace(`{${spec.name}}`, encodeURIComponent(String(value)));
    else if (spec.in === 'query') appendQuery(query, spec, value);
    else if (spec.in === 'header') headers[spec.name] = headerValue(spec, value);
  }
  return { path: query.length ? `${path}?${query.join('&')}` : path, headers };
}
