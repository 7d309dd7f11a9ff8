// One undici Agent per client, connected the way the endpoint needs: a unix socket, a Windows named
// pipe, TCP (with TLS when asked) or an `ssh` process per connection.
import { Agent } from 'undici';
import { DockerUsageError } from '../errors.js';
import type { Endpoint } from './endpoint.js';
import { sshConnector } from './ssh-connector.js';
import { tlsConnector } from './tls-connector.js';

export interface Connection {
  dispatcher: Agent;
  /** The origin requests are addressed to (unix sockets and ssh still need a syntactically valid one). */
  origin: string;
  endpoint: Endpoint;
  /** Swaps a transport error for the more telling one behind it (a TLS alert), if the connector knows it. */
  explainFailure?(error: unknown): unknown;
}

export function connect(endpoint: Endpoint): Connection {
  switch (endpoint.kind) {
    case 'unix':
      return {
        dispatcher: new Agent({ connect: { socketPath: endpoint.socketPath }, pipelining: 1 }),
        origin: 'http://localhost',
        endpoint,
      };
    case 'npipe':
      // Node reaches a named pipe through the same `path` option as a unix socket.
      if (process.platform !== 'win32') throw new DockerUsageError(`${endpoint.display}: named pipes exist only on Windows; this is ${process.platform}`);
      return {
        dispatcher: new Agent({ connect: { socketPath: endpoint.pipePath }, pipelining: 1 }),
        origin: 'http://localhost',
        endpoint,
      };
    case 'ssh':
      return {
        dispatcher: new Agent({ connect: sshConnector(endpoint.destination, endpoint.ssh, endpoint.env), pipelining: 1 }),
        origin: 'http://localhost',
        endpoint,
      };
    case 'tcp': {
      if (!endpoint.tls) return { dispatcher: new Agent({ pipelining: 1 }), origin: endpoint.origin, endpoint };
      const tls = tlsConnector(endpoint.tls);
      return { dispatcher: new Agent({ pipelining: 1, connect: tls.connect }), origin: endpoint.origin, endpoint, explainFailure: tls.explain };
    }
  }
}
