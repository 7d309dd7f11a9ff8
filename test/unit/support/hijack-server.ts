// A local unix-socket server that plays the engine's side of a hijack, for unit tests that need
// answers no real daemon sends (frames split at every byte, truncated or malformed frames, error
// frames, odd status lines) or need to see the exact request. Real behaviour is tested against
// the real engines under test/engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UpgradeRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The request body (JSON for exec start), read from the bytes that follow the headers. */
  body: string;
}

export interface HijackServer {
  socketPath: string;
  /** Every plain (not hijacked) request, as `METHOD /path?query`. */
  requests: string[];
  upgrades: UpgradeRequest[];
  close(): Promise<void>;
}

export type UpgradeHandler = (request: UpgradeRequest, socket: Socket) => void;
export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A session's output stream read to its end, as UTF-8. */
export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

export function frame(stream: number, data: string | Buffer): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export function switchProtocols(socket: Socket, contentType = 'application/vnd.docker.multiplexed-stream'): void {
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
}

export function answerError(socket: Socket, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

export async function hijackServer(onUpgrade: UpgradeHandler, options: { apiVersion?: string; plain?: PlainHandler } = {}): Promise<HijackServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hijack-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: string[] = [];
  const upgrades: UpgradeRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/_ping') {
      res.writeHead(200, { 'Api-Version': options.apiVersion ?? '1.45', 'Content-Type': 'text/plain' });
      res.end('OK');
    } else if (options.plain) {
      options.plain(req, res);
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `no route ${req.url}` }));
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // The client may drop the connection on purpose (abort, close); that is not the server's failure.
    socket.on('error', () => undefined);
    const length = Number(req.headers['content-length'] ?? 0);
    readBody(socket, head, length).then((body) => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      upgrades.push(request);
      onUpgrade(request, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    requests,
    upgrades,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Node hands an upgrade request's body over as raw socket bytes: collect exactly Content-Length of them.
function readBody(socket: Socket, head: Buffer, length: number): Promise<string> {
  return new Promise((resolve) => {
    let received = head;
    const check = () => {
      if (received.length < length) return false;
      socket.off('data', onData);
      const rest = received.subarray(length);
      if (rest.length > 0) socket.unshift(rest);
      resolve(received.subarray(0, length).toString('utf8'));
      return true;
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (check()) socket.pause();
    };
    if (!check()) socket.on('data', onData);
  });
}
