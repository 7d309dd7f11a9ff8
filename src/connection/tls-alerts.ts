// TLS connections for tcp+TLS endpoints, with a memory of TLS alerts. With TLS 1.3 an engine that
// wants a client certificate only says so after the handshake, in an alert that can arrive together
// with the end of the connection; the request then fails as "socket hang up" and the alert would be
// lost. Each socket keeps the alert it saw, so the error can say what happened.
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectOptions, type TLSSocket } from 'node:tls';
import type { TlsOptions } from './endpoint-types.js';

const alerts = new WeakMap<Duplex, Error>();

/** Node's TLS options for the endpoint's material; only an explicit `false` turns verification off. */
export function tlsConnectOptions(tls: TlsOptions): TlsConnectOptions {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    ...(tls.servername ? { servername: tls.servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
  };
}

// A failed write during the handshake comes as EPROTO with OpenSSL's reason only in the message
// (`error:0A000410:SSL routines::sslv3 alert handshake failure:…`); Node names the same failure
// ERR_SSL_<REASON> when it reports it otherwise.
const OPENSSL_REASON = /error:[0-9A-F]+:SSL routines:[^:]*:([a-z0-9/ ]+):/i;

function asTlsAlert(error: NodeJS.ErrnoException): Error | undefined {
  if (error.code?.startsWith('ERR_SSL_')) return error;
  const reason = error.code === 'EPROTO' ? OPENSSL_REASON.exec(error.message)?.[1] : undefined;
  return reason ? Object.assign(new Error(reason, { cause: error }), { code: `ERR_SSL_${reason.toUpperCase().replace(/\s+/g, '_')}` }) : undefined;
}

/** Opens a TLS connection that remembers the TLS alert it receives, if any. */
export function tlsConnection(options: TlsConnectOptions): TLSSocket {
  const socket = tlsConnect(options);
  socket.prependListener('error', (error: NodeJS.ErrnoException) => {
    const alert = asTlsAlert(error);
    if (alert && !alerts.has(socket)) alerts.set(socket, alert);
  });
  return socket;
}

/** The TLS alert a socket received, which explains a failure better than the closed connection it caused. */
export function tlsAlertOf(socket: Duplex | undefined): Error | undefined {
  return socket ? alerts.get(socket) : undefined;
}
