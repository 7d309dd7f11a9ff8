// One connection pool per client, on node:http: a unix socket, a Windows named pipe, TCP (with TLS
// when asked) or an `ssh` process per connection. node:http reads a stream faster than undici here
// (npm run bench) and costs nothing to import; it also has no idle limit on a live answer, so
// streams and long polls last as long as the caller's signal lets them.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { DockerUsageError } from '../errors.js';
import type { Endpoint } from './endpoint-types.js';
import { sshConnection } from './ssh-process.js';
import { tlsAlertOf, tlsConnection, tlsConnectOptions } from './tls-alerts.js';

export interface Connection {
  readonly endpoint: Endpoint;
  /** Starts one HTTP request to the engine (the caller writes the body and ends it). */
  request(options: { method: string; path: string; headers: Record<string, string> }): ClientRequest;
  /** A failure on `socket` explained better, when the socket knows more (a TLS alert); else the failure itself. */
  explainFailure(error: unknown, socket: Duplex | undefined): unknown;
  /** Takes over a hijacked socket, so that close() ends it too. */
  adopt(socket: Duplex): void;
  readonly closed: boolean;
  /** Ends every connection, idle, busy and hijacked; idempotent. */
  close(): void;
}

// An idle keep-alive connection is closed after this long, so an idle client holds no sockets.
const IDLE_MS = 4_000;

export function connect(endpoint: Endpoint): Connection {
  switch (endpoint.kind) {
    case 'unix':
      return pool(endpoint, new HttpAgent({ keepAlive: true }), httpRequest, { socketPath: endpoint.socketPath });
    case 'npipe':
      // Node reaches a named pipe through the same `socketPath` option as a unix socket.
      if (process.platform !== 'win32') throw new DockerUsageError(`${endpoint.display}: named pipes exist only on Windows; this is ${process.platform}`);
      return pool(endpoint, new HttpAgent({ keepAlive: true }), httpRequest, { socketPath: endpoint.pipePath });
    case 'ssh': {
      const agent = new HttpAgent({ keepAlive: true });
      agent.createConnection = () => sshConnection(endpoint.destination, endpoint.ssh, endpoint.env);
      return pool(endpoint, agent, httpRequest, {});
    }
    case 'tcp': {
      const url = new URL(endpoint.origin);
      const target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
      if (!endpoint.tls) return pool(endpoint, new HttpAgent({ keepAlive: true }), httpRequest, target);
      const agent = new HttpsAgent({ keepAlive: true, ...tlsConnectOptions(endpoint.tls) });
      agent.createConnection = (options) => tlsConnection(options as Parameters<typeof tlsConnection>[0]);
      return pool(endpoint, agent, httpsRequest, target);
    }
  }
}

interface Target {
  socketPath?: string;
  host?: string;
  port?: number;
}

function pool(endpoint: Endpoint, agent: HttpAgent, send: typeof httpRequest, { socketPath, host, port }: Target): Connection {
  expireIdleSockets(agent);
  const hijacked = new Set<Duplex>();
  let closed = false;
  return {
    endpoint,
    // Written out as one literal: node:http reads these options on every request, and a spread
    // object of varying shape costs it about a fifth of a small call's CPU.
    request: ({ method, path, headers }) => send({ socketPath, host, port, agent, method, path, headers }),
    explainFailure: (error, socket) => tlsAlertOf(socket) ?? error,
    adopt(socket) {
      if (closed) return void socket.destroy();
      hijacked.add(socket);
      socket.once('close', () => hijacked.delete(socket));
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      agent.destroy();
      for (const socket of hijacked) socket.destroy();
    },
  };
}

/** node:http keeps idle connections until the engine closes them, which dockerd never does: give them an idle limit. */
function expireIdleSockets(agent: HttpAgent): void {
  const keep = agent.keepSocketAlive.bind(agent);
  const reuse = agent.reuseSocket.bind(agent);
  // node:http destroys a pooled socket when its 'timeout' fires; a socket in use gets no limit.
  agent.keepSocketAlive = (socket) => {
    const kept = keep(socket) as unknown;
    (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(IDLE_MS);
    return kept as void;
  };
  agent.reuseSocket = (socket, request) => {
    (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(0);
    reuse(socket, request);
  };
}
