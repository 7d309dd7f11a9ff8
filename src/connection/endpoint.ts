// Works out where the engine is, in the order the Docker CLI uses: explicit options (host, socket
// path or context), then DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), then
// DOCKER_CONTEXT, then the current context of config.json, then the default socket (the default
// named pipe on Windows).
import { DockerUsageError } from '../errors.js';
import { cliConfigDir, readCliConfig } from './cli-config.js';
import { DEFAULT_CONTEXT, readContext } from './docker-context.js';
import { endpointFromUrl, npipeEndpoint, unixEndpoint } from './host-url.js';
import { isRuntimeRefusal } from './runtime-refusal.js';
import type { ConnectionOptions, Endpoint } from './endpoint-types.js';
import type { SshOptions } from './ssh-destination.js';
import { tlsFromEnv } from './tls-environment.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** Where Docker Desktop and dockerd listen on Windows. */
export const DEFAULT_PIPE = 'npipe:////./pipe/docker_engine';

export { tlsFromEnv };
export type { ConnectionOptions, Endpoint, SshOptions };
export type { TlsOptions } from './endpoint-types.js';

export function resolveEndpoint(options: ConnectionOptions = {}): Endpoint {
  try {
    return endpointOf(options);
  } catch (error) {
    // Reading DOCKER_HOST or a context's files is what a runtime without permissions refuses.
    if (isRuntimeRefusal(error)) throw new DockerUsageError(`cannot work out where the Docker engine is: ${error.message}`, {}, { cause: error });
    throw error;
  }
}

function endpointOf(options: ConnectionOptions): Endpoint {
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
