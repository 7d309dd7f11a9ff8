// Fixtures for the plugin and event tests, straight over the engine socket: a managed plugin built
// without a registry (the root file system of a busybox container plus a config.json, as the tar
// POST /plugins/create takes), the host side of the plugin's socket, and raw requests for what the
// operation methods do not model (an Accept header).
//
// Why the socket is served from the host: the engine's plugin directory for a plugin,
// /run/docker/plugins/<id> on the host, is bind-mounted at /run/docker/plugins inside the plugin,
// and enabling waits until something accepts connections on <that folder>/<Interface.Socket>.
// Busybox as shipped here has no applet that listens on a unix stream socket (its nc and httpd
// speak TCP only; syslogd's socket is a datagram one), so the test listens there itself, from the
// host side of the bind mount, while the plugin's busybox process runs inside. The process writes
// a marker file into the same folder, which shows that it really started with its settings.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request over the engine socket, read to the end (only for bounded answers). */
export function engineRequest(
  socketPath: string,
  method: string,
  path: string,
  options: { body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function jsonRequest(socketPath: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await engineRequest(
    socketPath,
    method,
    path,
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  if (answer.status >= 300) throw new Error(`${method} ${path} failed: ${answer.status} ${answer.body.toString()}`);
  return answer.body.length ? JSON.parse(answer.body.toString()) : undefined;
}

/** Reads a whole stream into one buffer. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Reads a finite stream of JSON records (newline-separated, or RFC 7464 with 0x1E) to the end. */
export async function readJsonRecords(body: Readable): Promise<Record<string, unknown>[]> {
  const text = (await readAll(body)).toString('utf8');
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: 0x1E separates JSON text sequences (RFC 7464).
      .split(/[\n\x1e]/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  );
}

/** The root file system of a fresh busybox:latest container, as the tar the engine exports. */
export async function busyboxRootfs(socketPath: string, labels: Record<string, string>): Promise<Buffer> {
  const { Id } = (await jsonRequest(socketPath, 'POST', '/containers/create', { Image: 'busybox:latest', Labels: labels })) as { Id: string };
  try {
    const answer = await engineRequest(socketPath, 'GET', `/containers/${Id}/export`);
    if (answer.status !== 200) throw new Error(`export failed: ${answer.status} ${answer.body.toString()}`);
    return answer.body;
  } finally {
    await engineRequest(socketPath, 'DELETE', `/containers/${Id}?force=1`);
  }
}

/** The config.json of the test plugin: a volume driver whose process is a busybox shell loop. */
export function volumePluginConfig(socket: string): Record<string, unknown> {
  return {
    Description: 'Engine test plugin: a busybox shell loop posing as a volume driver',
    Documentation: 'https://example.invalid/engine-tests/plugins',
    Interface: { Types: ['docker.volumedriver/1.0'], Socket: socket },
    // Writes a marker into its socket folder (shared with the host), then waits for SIGTERM.
    Entrypoint: ['/bin/sh', '-c', `echo "started DEBUG=$DEBUG" > /run/docker/plugins/started; trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done`],
    WorkDir: '/',
    Network: { Type: 'none' },
    Env: [{ Name: 'DEBUG', Description: 'Debug level of the test plugin', Settable: ['value'], Value: '0' }],
    Args: { Name: 'args', Description: 'Unused arguments', Settable: ['value'], Value: [] },
    Linux: { Capabilities: [], AllowAllDevices: false, Devices: [] },
  };
}

/** The tar PluginCreate takes: `config.json` and the root file system under `rootfs/`. */
export async function pluginContext(rootfsTar: Buffer, config: Record<string, unknown>): Promise<Buffer> {
  const out = pack();
  const done = readAll(out as unknown as Readable);
  const input = extract();
  input.end(rootfsTar);
  for await (const entry of input) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const name = entry.header.name.replace(/^\.?\/+/, '');
    if (!name) continue;
    const header = { ...entry.header, name: `rootfs/${name}` };
    // Hard links name another entry of the archive, which moves under rootfs/ too.
    if (header.type === 'link' && header.linkname) header.linkname = `rootfs/${header.linkname.replace(/^\.?\/+/, '')}`;
    await new Promise<void>((resolve, reject) => out.entry(header, Buffer.concat(chunks), (error) => (error ? reject(error) : resolve())));
  }
  out.entry({ name: 'config.json', mode: 0o644 }, JSON.stringify(config));
  out.finalize();
  return done;
}

/** Where the engine puts (and looks for) a managed plugin's socket on the host, on Linux. */
export const PLUGIN_SOCKET_ROOT = '/run/docker/plugins';

/** Why the host side of plugin sockets cannot be served from this process, or undefined when it can. */
export function pluginSocketsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'plugins run only on Linux engines';
  if (process.getuid?.() !== 0) return `serving ${PLUGIN_SOCKET_ROOT}/<id>/ needs root on the engine's host`;
  return undefined;
}

/**
 * The host side of a plugin's socket: a small HTTP server speaking enough of the volume plugin
 * protocol (JSON over HTTP, POST /Plugin.Activate, /VolumeDriver.*) for the engine to use the
 * plugin without errors: it owns no volumes. It records the paths the engine called.
 */
export class PluginSocketServer {
  readonly calls: string[] = [];
  readonly #server: Server;
  readonly #folder: string;
  readonly #socket: string;

  constructor(pluginId: string, socketName: string) {
    this.#folder = join(PLUGIN_SOCKET_ROOT, pluginId);
    this.#socket = join(this.#folder, socketName);
    this.#server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const path = req.url ?? '';
        this.calls.push(path);
        const answers: Record<string, unknown> = {
          '/Plugin.Activate': { Implements: ['VolumeDriver'] },
          '/VolumeDriver.Capabilities': { Capabilities: { Scope: 'local' } },
          '/VolumeDriver.List': { Volumes: [] },
        };
        const answer = answers[path] ?? { Err: `the engine test plugin has no volumes (${path})` };
        res.writeHead(200, { 'content-type': 'application/vnd.docker.plugins.v1.2+json' });
        res.end(JSON.stringify(answer));
      });
    });
  }

  /** Listens at /run/docker/plugins/<id>/<socket>, creating the folder the engine will mount. */
  async listen(): Promise<void> {
    mkdirSync(this.#folder, { recursive: true });
    rmSync(this.#socket, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#socket, () => resolve());
    });
  }

  /** The marker the plugin's process writes when it starts, or undefined before it did. */
  marker(): string | undefined {
    const file = join(this.#folder, 'started');
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#socket, { force: true });
  }
}

/** Polls until `check` returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
