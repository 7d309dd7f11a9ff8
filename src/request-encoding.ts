// Turns the flat parameter object of a call into path, query string and headers, following the
// encodings the operation table records (JSON, URL-safe base64 JSON, repeated keys, 1/0 booleans).
import { DockerUsageError } from './errors.js';

export interface ParamSpec {
  readonly name: string;
  readonly in: string;
  readonly encoding: string;
  readonly required?: boolean;
  readonly since?: string;
  readonly removed?: string;
}

export interface EncodedRequest {
  path: string;
  headers: Record<string, string>;
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

function headerValue(spec: ParamSpec, value: unknown): string {
  if (spec.encoding === 'base64url-json') return typeof value === 'string' ? value : base64UrlJson(value);
  if (spec.encoding === 'json') return JSON.stringify(value);
  return encodeScalar(value);
}

/**
 * Builds the request target (`/containers/abc/json?size=1`, without version prefix) and the
 * headers from `values`. Unknown keys are rejected so a misspelt option never goes unnoticed.
 */
export function encodeRequest(
  route: string,
  params: readonly ParamSpec[],
  values: Record<string, unknown>,
  operation: string,
): EncodedRequest {
  let path = route;
  const query: string[] = [];
  const headers: Record<string, string> = {};
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
