// The TLS connector for tcp+TLS endpoints: undici's own, plus a memory of TLS alerts.
// With TLS 1.3 an engine that wants a client certificate only says so after the handshake, in an
// alert that arrives together with the end of the connection. undici then reports "other side
// closed" and the alert is lost; keeping the alert per local port lets the error say what happened.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { TlsOptions } from './endpoint.js';

export interface TlsConnector {
  connect: buildConnector.connector;
  /** The TLS alert behind a "socket closed" error of one of this connector's sockets, else the error itself. */
  explain(error: unknown): unknown;
}

// Alerts stay findable this long after their socket closed: long enough for the request to fail.
const ALERT_MEMORY_MS = 10_000;

export function tlsConnector(tls: TlsOptions): TlsConnector {
  const base = buildConnector({
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    ...(tls.servername ? { servername: tls.servername } : {}),
    // Only an explicit `false` turns verification off.
    rejectUnauthorized: tls.rejectUnauthorized !== false,
  });
  const alerts = new Map<number, Error>();
  const connect: buildConnector.connector = (options, callback) =>
    base(options, (error, socket) => {
      if (socket) rememberAlerts(socket, alerts);
      (callback as (error: Error | null, socket: Socket | null) => void)(error, socket);
    });
  return {
    connect,
    explain(error) {
      const port = (error as { code?: unknown; socket?: { localPort?: unknown } } | undefined)?.socket?.localPort;
      const alert = (error as { code?: unknown })?.code === 'UND_ERR_SOCKET' && typeof port === 'number' ? alerts.get(port) : undefined;
      return alert ?? error;
    },
  };
}

function rememberAlerts(socket: Socket, alerts: Map<number, Error>): void {
  const port = socket.localPort;
  if (port === undefined) return;
  socket.prependListener('error', (error: NodeJS.ErrnoException) => {
    if (error.code?.startsWith('ERR_SSL_')) alerts.set(port, error);
  });
  socket.once('close', () => setTimeout(() => alerts.delete(port), ALERT_MEMORY_MS).unref());
}
