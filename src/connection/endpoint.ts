// Works out where the engine is, in the order the Docker CLI uses: explicit options, then
// DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), then the default socket.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerUsageError } from '../errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** TLS material for a `tcp://` or `https://` endpoint. Verification is on unless disabled here. */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Server name to verify, when it differs from the host in the URL. */
  servername?: string;
  /** Set to false to accept any server certificate. Never the default. */
  rejectUnauthorized?: boolean;
}

export interface ConnectionOptions {
  /** A Docker host URL: `unix:///path`, `tcp://host:port`, `http://…`, `https://…`. */
  host?: string;
  /** Path of the engine's unix socket; shorthand for `host: 'unix://' + socketPath`. */
  socketPath?: string;
  /** TLS for tcp/https endpoints. With `host: 'tcp://…'` it switches TLS on. */
  tls?: TlsOptions;
  /** Where to read DOCKER_HOST and friends from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; origin: string; tls?: TlsOptions; display: string };

export function resolveEndpoint(options: ConnectionOptions = {}): Endpoint {
  const env = options.env ?? process.env;
  if (options.socketPath) return unixEndpoint(options.socketPath);
  if (options.host) return endpointFromUrl(options.host, options.tls);
  if (env.DOCKER_HOST) return endpointFromUrl(env.DOCKER_HOST, options.tls ?? tlsFromEnv(env));
  return unixEndpoint(DEFAULT_SOCKET);
}

function unixEndpoint(socketPath: string): Endpoint {
  return { kind: 'unix', socketPath, display: `unix://${socketPath}` };
}

function endpointFromUrl(raw: string, tls: TlsOptions | undefined): Endpoint {
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) throw new DockerUsageError(`Docker host "${raw}" has no scheme; expected unix://, tcp://, http:// or https://`);
  if (scheme === 'unix') {
    const path = raw.slice('unix://'.length);
    if (!path) throw new DockerUsageError(`Docker host "${raw}" names no socket path`);
    return unixEndpoint(path);
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const secure = scheme === 'https' || (scheme === 'tcp' && tls !== undefined);
    let url: URL;
    try {
      url = new URL(raw.replace(/^[a-z0-9+.-]+:\/\//i, secure ? 'https://' : 'http://'));
    } catch {
      throw new DockerUsageError(`Docker host "${raw}" is not a valid URL`);
    }
    if (!url.port) url.port = secure ? '2376' : '2375';
    const origin = `${url.protocol}//${url.host}`;
    return { kind: 'tcp', origin, ...(secure ? { tls: tls ?? {} } : {}), display: `${scheme}://${url.host}` };
  }
  throw new DockerUsageError(`Docker host scheme "${scheme}://" is not supported (use unix://, tcp://, http:// or https://)`);
}

/** DOCKER_TLS_VERIFY (any non-empty value) turns on verified TLS with the files of DOCKER_CERT_PATH. */
export function tlsFromEnv(env: NodeJS.ProcessEnv): TlsOptions | undefined {
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (error) {
      throw new DockerUsageError(`DOCKER_TLS_VERIFY is set but ${join(dir, name)} cannot be read: ${(error as Error).message}`);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), rejectUnauthorized: true };
}
