// The openapi-fetch client, typed from the paths of one API version, over the client's own
// connection. A middleware rebuilds each request through the one request builder (version prefix,
// version gates, the engine's query and header encodings); a fetch of our own sends it over the
// connection and turns the answer into a web Response.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { Readable } from 'node:stream';
import type { OperationId } from '../generated/operations.js';
import type { ApiTypes, ApiVersion } from '../generated/versions.js';
import { buildRequest, operationRows, type SendableRequest } from './request/build-request.js';
import { streamedBody } from './request/answer-body.js';
import { exchange } from './request/http-exchange.js';
import type { OperationContext } from './request/operation-call.js';

export type RawClient<V extends ApiVersion> = Client<ApiTypes[V]['paths'], `${string}/${string}`>;

// Requests are addressed to this origin only to satisfy URL parsing; the connection decides where they go.
const ORIGIN = 'http://docker.engine';
// Answers that must not carry a body in a web Response.
const NO_BODY = new Set([101, 204, 205, 304]);

const idsByRoute = new Map<string, OperationId>(
  (Object.keys(operationRows) as OperationId[]).map((id) => [`${operationRows[id].method} ${operationRows[id].path}`, id]),
);

export function createRawClient<V extends ApiVersion>(context: OperationContext): RawClient<V> {
  const rebuild: Middleware = {
    async onRequest({ request, schemaPath, params }) {
      const version = await context.apiVersion(request.signal);
      const id = idsByRoute.get(`${request.method} ${schemaPath}`);
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      let target = `/v${version}${url.pathname}${url.search}`;
      if (id) {
        const built = buildRequest(id, { ...params.path, ...params.query, ...params.header }, version);
        // fetch's Headers joins a repeated header into one line.
        for (const [name, value] of Object.entries(built.headers)) headers.set(name, typeof value === 'string' ? value : value.join(', '));
        target = built.path;
      }
      return new Request(`${ORIGIN}${target}`, { method: request.method, headers, body: request.body, signal: request.signal, duplex: 'half' } as RequestInit);
    },
  };
  const client = createClient<ApiTypes[V]['paths']>({
    baseUrl: ORIGIN,
    // The middleware encodes the query from the operation table; openapi-fetch's own encoding
    // (deepObject style) is not what the engine reads.
    querySerializer: () => '',
    fetch: (request) => sendOverConnection(context, request),
  });
  client.use(rebuild);
  return client as RawClient<V>;
}

async function sendOverConnection(context: OperationContext, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const sendable: SendableRequest = {
    method: request.method,
    path: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(request.headers),
    body: request.body ? Buffer.from(await request.arrayBuffer()) : undefined,
    context: { operation: `${request.method} ${url.pathname}` },
  };
  const answer = await exchange(context.connection, sendable, request.signal);
  if (answer.kind === 'upgraded') {
    answer.socket.destroy();
    return new Response(null, { status: 502, statusText: 'the engine switched protocols; use the attach and exec helpers' });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const item of ([] as (string | undefined)[]).concat(value)) if (item !== undefined) headers.append(name, item);
  }
  const origin = { connection: context.connection, request: sendable, signal: request.signal, socket: answer.socket };
  const body = NO_BODY.has(answer.status) || request.method === 'HEAD' ? null : (Readable.toWeb(streamedBody(answer.body, origin)) as ReadableStream);
  if (!body) answer.body.resume();
  return new Response(body, { status: answer.status, headers });
}
