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
  request(options: { method: string; path: string; headers: Record<string, string | string[]> }): ClientRequest;
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
const SWEEP_MS = 2_000;
const FREED_AT = Symbol('freed at sweep');
type Freed = Duplex & { [FREED_AT]?: number };

export function connect(endpoint: Endpoint): Connection {
  switch (endpoint.kind) {
    case 'unix':
      return pool(endpoint, new HttpAgent({ keepAlive: true }), byPath(httpRequest, endpoint.socketPath));
    case 'npipe':
      // Node reaches a named pipe through the same `socketPath` option as a unix socket.
      if (process.platform !== 'win32') throw new DockerUsageError(`${endpoint.display}: named pipes exist only on Windows; this is ${process.platform}`);
      return pool(endpoint, new HttpAgent({ keepAlive: true }), byPath(httpRequest, endpoint.pipePath));
    case 'ssh': {
      const agent = new HttpAgent({ keepAlive: true });
      agent.createConnection = () => sshConnection(endpoint.destination, endpoint.ssh, endpoint.env);
      return pool(endpoint, agent, (agent, method, path, headers) => httpRequest({ agent, method, path, headers }));
    }
    case 'tcp': {
      const url = new URL(endpoint.origin);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port);
      if (!endpoint.tls) return pool(endpoint, new HttpAgent({ keepAlive: true }), byAddress(httpRequest, host, port));
      const agent = new HttpsAgent({ keepAlive: true, ...tlsConnectOptions(endpoint.tls) });
      agent.createConnection = (options) => tlsConnection(options as Parameters<typeof tlsConnection>[0]);
      return pool(endpoint, agent, byAddress(httpsRequest, host, port));
    }
  }
}

/** Starts a request on the pool's agent. */
type Send = (agent: HttpAgent, method: string, path: string, headers: Record<string, string | string[]>) => ClientRequest;

// node:http copies the request options twice per request (ClientRequest, then Agent.addRequest), so
// each kind passes one literal with only the keys it uses: absent keys cost nothing, undefined ones
// are copied and read like any other.
const byPath =
  (send: typeof httpRequest, socketPath: string): Send =>
  (agent, method, path, headers) =>
    send({ socketPath, agent, method, path, headers });

const byAddress =
  (send: typeof httpRequest, host: string, port: number): Send =>
  (agent, method, path, headers) =>
    send({ host, port, agent, method, path, headers });

function pool(endpoint: Endpoint, agent: HttpAgent, send: Send): Connection {
  const stopSweeping = expireIdleSockets(agent);
  const hijacked = new Set<Duplex>();
  let closed = false;
  return {
    endpoint,
    request: ({ method, path, headers }) => send(agent, method, path, headers),
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
      stopSweeping();
      agent.destroy();
      for (const socket of hijacked) socket.destroy();
    },
  };
}

/**
 * node:http keeps idle connections until the engine closes them, which dockerd never does: close
 * those left idle for a while. A sweep every SWEEP_MS closes the free sockets freed two sweeps ago
 * or earlier (idle IDLE_MS to IDLE_MS + SWEEP_MS); a request then costs one property write, where
 * a socket timeout armed when a socket goes free and cleared when it is reused costs two timer
 * changes and a bound function each time. Returns what stops the sweeps.
 */
function expireIdleSockets(agent: HttpAgent): () => void {
  const keep = agent.keepSocketAlive.bind(agent);
  let sweeps = 0;
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    sweeps++;
    let left = 0;
    // A runtime whose node:http keeps no free list leaves nothing to sweep.
    for (const sockets of Object.values(agent.freeSockets ?? {})) {
      // A copy: the agent takes a destroyed socket out of its list.
      for (const socket of [...(sockets ?? [])]) {
        if ((socket as Freed)[FREED_AT]! <= sweeps - IDLE_MS / SWEEP_MS - 1) socket.destroy();
        else left++;
      }
    }
    if (left === 0) stop();
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  agent.keepSocketAlive = (socket) => {
    (socket as Freed)[FREED_AT] = sweeps;
    // An unref'd timer: sweeping never keeps a program alive.
    timer ??= setInterval(sweep, SWEEP_MS).unref();
    return keep(socket);
  };
  return stop;
}
