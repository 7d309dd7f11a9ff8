// The openapi-fetch client, typed from the paths of one API version, over the same undici Agent.
// A middleware adds the negotiated `/vX.Y` prefix and re-encodes query and headers the way the
// engine expects (JSON filters, 1/0 booleans, repeated keys, base64url auth headers).
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import {
  fetch as undiciFetch,
  Headers as UndiciHeaders,
  Request as UndiciRequest,
  type BodyInit as UndiciBodyInit,
  type HeadersInit as UndiciHeadersInit,
} from 'undici';
import type { OperationId } from '../generated/operations.js';
import type { ApiTypes, ApiVersion } from '../generated/versions.js';
import { checkAvailable, operationRows, type OperationContext } from './operation-call.js';
import { encodeRequest } from './request-encoding.js';

export type RawClient<V extends ApiVersion> = Client<ApiTypes[V]['paths'], `${string}/${string}`>;

const idsByRoute = new Map<string, OperationId>(
  (Object.keys(operationRows) as OperationId[]).map((id) => [`${operationRows[id].method} ${operationRows[id].path}`, id]),
);

export function createRawClient<V extends ApiVersion>(context: OperationContext): RawClient<V> {
  const { connection } = context;
  const rewrite: Middleware = {
    async onRequest({ request, schemaPath, params }) {
      const id = idsByRoute.get(`${request.method} ${schemaPath}`);
      const version = await context.apiVersion(request.signal);
      const url = new URL(request.url);
      const headers = new UndiciHeaders(request.headers as unknown as UndiciHeadersInit);
      let target = `${url.pathname}${url.search}`;
      if (id) {
        const row = operationRows[id];
        checkAvailable(id, row, version);
        const values = { ...params.path, ...params.query, ...params.header };
        const encoded = encodeRequest(row.path, row.params, values, id);
        for (const [name, value] of Object.entries(encoded.headers)) headers.set(name, value);
        target = encoded.path;
      }
      return new UndiciRequest(`${connection.origin}/v${version}${target}`, {
        method: request.method,
        headers,
        body: request.body as UndiciBodyInit | null,
        signal: request.signal,
        duplex: 'half',
      }) as unknown as Request;
    },
  };
  const client = createClient<ApiTypes[V]['paths']>({
    baseUrl: connection.origin,
    // The middleware encodes the query from the operation table; openapi-fetch's own encoding
    // (deepObject style) is not what the engine reads.
    querySerializer: () => '',
    Request: UndiciRequest as unknown as typeof Request,
    fetch: (request) => undiciFetch(request as unknown as UndiciRequest, { dispatcher: connection.dispatcher }) as unknown as Promise<Response>,
  });
  client.use(rewrite);
  return client as RawClient<V>;
}
