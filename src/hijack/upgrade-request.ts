// Sends one request that asks the engine to hijack the connection (`Upgrade: tcp`, or a WebSocket
// handshake) over the client's undici Agent, so unix sockets, tcp, TLS and ssh all work the way
// every other call does.
// undici's own `upgrade()` reports any non-101 answer as "bad upgrade" and drops the status and
// the engine's message, so this uses a dispatch handler that reads error answers itself.
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Connection } from '../connection/dispatcher.js';
import { apiErrorFrom, DockerResponseError, type DockerErrorContext } from '../errors.js';
import { connectionError } from '../transport.js';

export interface UpgradeRequest {
  /** POST for attach and exec (`Upgrade: tcp`), GET for a WebSocket handshake. */
  method?: 'POST' | 'GET';
  protocol?: 'tcp' | 'websocket';
  /** Request target including the version prefix and query string. */
  path: string;
  headers?: Record<string, string>;
  /** JSON request body (exec start); attach sends none. */
  json?: unknown;
  signal?: AbortSignal;
  context: DockerErrorContext;
}

export interface UpgradedConnection {
  socket: Duplex;
  headers: IncomingHttpHeaders;
}

const ignore = () => undefined;

// An error answer is a short JSON message; more than this is not worth holding in memory.
const ERROR_BODY_LIMIT = 64 * 1024;

export function requestUpgrade(connection: Connection, request: UpgradeRequest): Promise<UpgradedConnection> {
  const { signal } = request;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const handler = new UpgradeHandler(connection, request, resolve, reject);
    const body = request.json === undefined ? undefined : JSON.stringify(request.json);
    const headers: Record<string, string> = { ...request.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    try {
      connection.dispatcher.dispatch(
        { origin: connection.origin, method: request.method ?? 'POST', path: request.path, headers, body, upgrade: request.protocol ?? 'tcp', headersTimeout: 0 },
        handler,
      );
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
    }
  });
}

class UpgradeHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #status = 0;
  #errorBody: Buffer[] = [];
  #errorBodySize = 0;
  readonly #onAbort = () => this.#abort();

  constructor(
    private readonly connection: Connection,
    private readonly request: UpgradeRequest,
    private readonly resolve: (value: UpgradedConnection) => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    request.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.request.signal?.aborted) controller.abort(this.request.signal.reason);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    if (this.#settled) {
      socket.destroy();
      return;
    }
    this.#finish();
    if (statusCode !== 101) {
      socket.destroy();
      this.reject(new DockerResponseError(`the engine switched protocols with status ${statusCode} instead of 101`, this.request.context));
      return;
    }
    // Until the caller wires the socket up, an error must not go unheard (it would crash the
    // process); the caller sees the socket destroyed instead.
    socket.on('error', ignore);
    this.resolve({ socket, headers });
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    this.#status = statusCode;
    // A 2xx here means something between us and the engine dropped the Upgrade header: the
    // engine then hijacks anyway, but undici would treat the raw stream as a body it cannot write to.
    if (statusCode < 300) {
      this.#fail(new DockerResponseError(`the engine answered ${statusCode} without upgrading the connection; a proxy in between may strip the Upgrade header`, this.request.context));
      controller.abort(new Error('not upgraded'));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#errorBodySize >= ERROR_BODY_LIMIT) return;
    this.#errorBody.push(chunk);
    this.#errorBodySize += chunk.length;
  }

  onResponseEnd(): void {
    const text = Buffer.concat(this.#errorBody).subarray(0, ERROR_BODY_LIMIT).toString('utf8');
    this.#fail(apiErrorFrom(this.#status, text, { method: this.request.method ?? 'POST', path: this.request.path }, this.request.context));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    const { signal } = this.request;
    this.#fail(signal?.aborted ? signal.reason : connectionError(this.connection, error, this.request.context));
  }

  #abort(): void {
    const reason = this.request.signal?.reason;
    this.#fail(reason);
    this.#controller?.abort(reason);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#finish();
    this.reject(error);
  }

  #finish(): void {
    this.#settled = true;
    this.request.signal?.removeEventListener('abort', this.#onAbort);
  }
}
