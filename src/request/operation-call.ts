// Carries out one operation of the table at the client's API version: builds the request, sends
// it, and hands back what the operation answers: data (REST calls), the live answer (streams,
// archives) or the hijacked socket (attach, exec). Every error answer and transport failure goes
// through requestFailure, whichever of the three it is.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable, Duplex } from 'node:stream';
import type { OperationId } from '../../generated/operations.js';
import type { ApiVersion } from '../api-version.js';
import type { CliConfigLocation } from '../connection/cli-config.js';
import type { Connection } from '../connection/connect.js';
import { DockerResponseError, DockerUsageError, type DockerErrorContext } from '../errors.js';
import { bodyText, discardBody, streamedBody, type BodyOrigin } from './answer-body.js';
import { buildRequest, operationRows, type BuildOptions, type EngineRequest, type SendableRequest } from './build-request.js';
import { ErrorAnswer, requestFailure } from './failure.js';
import { exchange } from './http-exchange.js';

export { operationRows };

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
  apiVersion: ((signal?: AbortSignal) => Promise<ApiVersion>) & {
    /** The version once negotiated, else undefined. */
    known?: () => ApiVersion | undefined;
  };
  /** Where the Docker CLI configuration is, for registry credentials (default: DOCKER_CONFIG or ~/.docker). */
  cliConfig?: CliConfigLocation;
}

export interface OpenOptions extends CallOptions, BuildOptions {
  /** The error message for an error answer without a body (HEAD), by status. */
  emptyErrorText?: (status: number) => string;
}

/** A successful answer, open: the request it answers and the live body. */
export interface OpenedAnswer extends StreamingResponse {
  apiVersion: ApiVersion;
  request: EngineRequest;
  context: DockerErrorContext;
  /** Where the body comes from, for reading it whole (answer-body.ts). */
  origin: BodyOrigin;
}

/** A successful answer whose body is still unread, with where it comes from. */
export interface Answered {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  origin: BodyOrigin;
}

export interface UpgradedAnswer {
  apiVersion: ApiVersion;
  request: EngineRequest;
  context: DockerErrorContext;
  headers: IncomingHttpHeaders;
  socket: Duplex;
}

// An error answer is a short JSON message; more than this is not worth holding in memory.
const ERROR_TEXT_LIMIT = 64 * 1024;
const UPGRADING = new Set(['hijack', 'websocket', 'h2c']);
const UPGRADE_PROTOCOL: Record<string, string> = { hijack: 'tcp', websocket: 'websocket', h2c: 'h2c' };

/** Sends a built request and returns its successful answer, body unread; any other answer fails typed. */
export async function askEngine(
  connection: Connection,
  request: SendableRequest & Pick<EngineRequest, 'operation'>,
  options: OpenOptions = {},
): Promise<Answered> {
  const answer = await exchange(connection, request, options.signal);
  if (answer.kind === 'upgraded') {
    answer.socket.destroy();
    throw new DockerResponseError(`the engine switched protocols (${answer.status}) where ${request.operation} answers plainly`, request.context);
  }
  const origin: BodyOrigin = { connection, request, signal: options.signal, socket: answer.socket };
  if (answer.status >= 200 && answer.status < 300) return { status: answer.status, headers: answer.headers, body: answer.body, origin };
  const text = await bodyText(answer.body, origin, ERROR_TEXT_LIMIT);
  const shown = text.trim() === '' && options.emptyErrorText ? options.emptyErrorText(answer.status) : text;
  throw requestFailure(connection, request, new ErrorAnswer(answer.status, shown));
}

/** Opens operation `id` at the client's API version; the caller consumes the body, a stream whose failures are typed. */
export async function openOperation(
  context: OperationContext,
  id: OperationId,
  values: Record<string, unknown>,
  options: OpenOptions = {},
): Promise<OpenedAnswer> {
  const apiVersion = await context.apiVersion(options.signal);
  const request = buildRequest(id, values, apiVersion, options);
  const { status, headers, body, origin } = await askEngine(context.connection, request, options);
  return { status, headers, body: streamedBody(body, origin), origin, apiVersion, request, context: request.context };
}

/** Sends an upgrading operation (attach, exec start, WebSocket attach) and returns the hijacked socket. */
export async function upgradeOperation(
  context: OperationContext,
  id: OperationId,
  values: Record<string, unknown>,
  options: OpenOptions = {},
): Promise<UpgradedAnswer> {
  const apiVersion = await context.apiVersion(options.signal);
  const protocol = UPGRADE_PROTOCOL[operationRows[id].response]!;
  const request = buildRequest(id, values, apiVersion, { ...options, headers: { ...options.headers, connection: 'Upgrade', upgrade: protocol } });
  const answer = await exchange(context.connection, request, options.signal);
  if (answer.kind === 'upgraded') {
    if (answer.status === 101) return { apiVersion, request, context: request.context, headers: answer.headers, socket: answer.socket };
    answer.socket.destroy();
    throw new DockerResponseError(`the engine switched protocols with status ${answer.status} instead of 101`, request.context);
  }
  if (answer.status < 300) {
    // Something between us and the engine dropped the Upgrade header: the engine then hijacks
    // anyway, but the answer reads as a body nothing can be written to.
    answer.body.destroy();
    throw new DockerResponseError(
      `the engine answered ${answer.status} without upgrading the connection; a proxy in between may strip the Upgrade header`,
      request.context,
    );
  }
  const origin: BodyOrigin = { connection: context.connection, request, signal: options.signal, socket: answer.socket };
  throw requestFailure(context.connection, request, new ErrorAnswer(answer.status, await bodyText(answer.body, origin, ERROR_TEXT_LIMIT)));
}

// A hijacking operation asked to run detached (`{ Detach: true }`, exec start) answers like any
// empty call; every other use needs the helper that owns the upgraded socket.
function isDetached(values: Record<string, unknown>): boolean {
  return (values.body as { Detach?: unknown } | undefined)?.Detach === true;
}

/** Calls operation `id` and returns its data: parsed JSON, text, nothing, or the live answer of a stream. */
export async function callOperation(
  context: OperationContext,
  id: OperationId,
  values: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<unknown> {
  const row = operationRows[id];
  if (UPGRADING.has(row.response) && !isDetached(values)) {
    const apiVersion = await context.apiVersion(options.signal);
    throw new DockerUsageError(`${id} upgrades the connection; use the ${row.helper ?? 'matching'} helper`, { operation: id, apiVersion });
  }
  const apiVersion = context.apiVersion.known?.() ?? (await context.apiVersion(options.signal));
  const request = buildRequest(id, values, apiVersion);
  const { body, status, headers, origin } = await askEngine(context.connection, request, options);
  switch (row.response) {
    case 'json':
      return parseJson(await bodyText(body, origin), request.context);
    case 'text':
      return bodyText(body, origin);
    case 'empty':
    case 'hijack':
      await discardBody(body, origin);
      return undefined;
    default:
      return { status, headers, body: streamedBody(body, origin) } satisfies StreamingResponse;
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
