// One undici Agent per client, connected the way the endpoint needs.
import { Agent } from 'undici';
import type { Endpoint } from './endpoint.js';

export interface Connection {
  dispatcher: Agent;
  /** The origin requests are addressed to (unix sockets still need a syntactically valid one). */
  origin: string;
  endpoint: Endpoint;
}

export function connect(endpoint: Endpoint): Connection {
  if (endpoint.kind === 'unix') {
    return {
      dispatcher: new Agent({ connect: { socketPath: endpoint.socketPath }, pipelining: 1 }),
      origin: 'http://localhost',
      endpoint,
    };
  }
  const tls = endpoint.tls;
  const dispatcher = new Agent({
    pipelining: 1,
    connect: tls
      ? {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          servername: tls.servername,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        }
      : {},
  });
  return { dispatcher, origin: endpoint.origin, endpoint };
}
