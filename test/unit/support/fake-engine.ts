// A small HTTP server on a unix socket standing in for an engine, used only where a test needs
// input no real daemon sends (malformed JSON, odd versions, silence) or needs to see the exact
// requests. Tests against real behaviour use the real engines under test/engine.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeEngine {
  socketPath: string;
  /** Every request received, as `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeEngineOptions {
  /** The version /_ping and /version report; `null` leaves the Api-Version header out. */
  apiVersion?: string | null;
  minApiVersion?: string;
  /** How many /_ping requests fail with 500 before it answers. */
  failingPings?: number;
  /** The body /version answers with, instead of the one made from the versions above. */
  versionAnswer?: unknown;
}

export async function fakeEngine(handler: Handler, options: FakeEngineOptions = {}): Promise<FakeEngine> {
  let failingPings = options.failingPings ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'fake-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/_ping') {
      if (failingPings-- > 0) return json(res, 500, { message: 'starting up' });
      const version = options.apiVersion === null ? {} : { 'Api-Version': options.apiVersion ?? '1.45' };
      res.writeHead(200, { ...version, 'Content-Type': 'text/plain' });
      res.end('OK');
      return;
    }
    if (req.url === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(options.versionAnswer ?? { ApiVersion: options.apiVersion ?? '1.45', MinAPIVersion: options.minApiVersion ?? '1.24' }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
