// Works out where the engine is, in the order the Docker CLI uses: explicit options (host, socket
// path or context), then DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), then
// DOCKER_CONTEXT, then the current context of config.json, then the default socket (the default
// named pipe on Windows).
import { DockerUsageError } from '../errors.js';
import { cliConfigDir, readCliConfig } from './cli-config.js';
import { DEFAULT_CONTEXT, readContext } from './docker-context.js';
import { endpointFromUrl, npipeEndpoint, unixEndpoint } from './host-url.js';
import type { SshDestination, SshOptions } from './ssh-destination.js';
import { tlsFromEnv } from './tls-environment.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** Where Docker Desktop and dockerd listen on Windows. */
export const DEFAULT_PIPE = 'npipe:////./pipe/docker_engine';

export { tlsFromEnv };
export type { SshOptions };

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
  /** A Docker host URL: `unix:///path`, `npipe:////./pipe/name` (Windows), `tcp://host:port`, `http://…`, `https://…`, `ssh://[user@]host[:port]`. */
  host?: string;
  /** Path of the engine's unix socket; shorthand for `host: 'unix://' + socketPath`. */
  socketPath?: string;
  /** A Docker context by name, like `docker --context NAME`; not together with `host`/`socketPath`. */
  context?: string;
  /** TLS for tcp/https endpoints. With `host: 'tcp://…'` it switches TLS on. */
  tls?: TlsOptions;
  /** How `ssh://` endpoints run the system's `ssh` (program, extra arguments such as `-i key`). */
  ssh?: SshOptions;
  /** The Docker CLI configuration folder (contexts, config.json); default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  /** Where to read DOCKER_HOST and friends from (and the environment `ssh` runs in); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'npipe'; pipePath: string; display: string }
  | { kind: 'tcp'; origin: string; tls?: TlsOptions; display: string }
  | { kind: 'ssh'; destination: SshDestination; ssh: SshOptions; env?: NodeJS.ProcessEnv; display: string };

export function resolveEndpoint(options: ConnectionOptions = {}): Endpoint {
  const env = options.env ?? process.env;
  const withEnv = (endpoint: Endpoint): Endpoint => (endpoint.kind === 'ssh' && options.env ? { ...endpoint, env: options.env } : endpoint);
  if (options.context !== undefined && (options.host || options.socketPath)) {
    throw new DockerUsageError('give either `context` or `host`/`socketPath`, not both (the Docker CLI refuses --context with --host too)');
  }
  if (options.socketPath) return unixEndpoint(options.socketPath);
  if (options.host) return withEnv(endpointFromUrl(options.host, options.tls, options.ssh));
  const contextName = options.context ?? (env.DOCKER_HOST ? undefined : currentContextName(options, env));
  if (contextName !== undefined && contextName !== DEFAULT_CONTEXT) {
    const context = readContext(cliConfigDir({ configDir: options.configDir, env }), contextName);
    return withEnv(endpointFromUrl(context.host, options.tls ?? context.tls, options.ssh));
  }
  if (env.DOCKER_HOST) return withEnv(endpointFromUrl(env.DOCKER_HOST, options.tls ?? tlsFromEnv(env), options.ssh));
  return defaultEndpoint();
}

export function defaultEndpoint(platform: NodeJS.Platform = process.platform): Endpoint {
  return platform === 'win32' ? npipeEndpoint(DEFAULT_PIPE) : unixEndpoint(DEFAULT_SOCKET);
}

/** DOCKER_CONTEXT, else config.json's currentContext (the config file is only read when needed). */
function currentContextName(options: ConnectionOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  return readCliConfig(cliConfigDir({ configDir: options.configDir, env })).currentContext || undefined;
}
