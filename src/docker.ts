// createDocker(): one client bound to one engine and one API version.
import type { ApiVersion, NewestApiVersion } from '../generated/versions.js';
import { connect } from './connection/connect.js';
import { hijackHelpers, type HijackHelpers } from './hijack/index.js';
import { buildHelpers, type BuildHelpers } from './build/index.js';
import { archiveHelpers, type ArchiveHelpers } from './archive/index.js';
import { streamHelpers, type StreamHelpers } from './streams/helpers.js';
import { resolveEndpoint, type ConnectionOptions } from './connection/endpoint.js';
import { versionResolver } from './negotiation.js';
import type { OperationContext } from './request/operation-call.js';
import { buildOperationSurface, type OperationSurface } from './operation-surface.js';
import { createRawClient, type RawClient } from './raw-client.js';

export interface DockerOptions<V extends ApiVersion> extends ConnectionOptions {
  /**
   * Talk at exactly this API version (and type the client for it). Without it the client
   * negotiates the highest version both sides speak and is typed for the newest one.
   */
  apiVersion?: V;
}

export type Docker<V extends ApiVersion = NewestApiVersion> = OperationSurface<V> &
  HijackHelpers<V> &
  BuildHelpers<V> &
  ArchiveHelpers<V> &
  StreamHelpers<V> & {
    /** The openapi-fetch client for API version V: full control over every request. */
    readonly raw: RawClient<V>;
    /** The endpoint as a URL, e.g. `unix:///var/run/docker.sock`. */
    readonly endpoint: string;
    /** The API version requests are sent at (negotiated on first use). */
    apiVersion(options?: { signal?: AbortSignal }): Promise<ApiVersion>;
    /** Closes the client's connections, hijacked ones included; calls made afterwards fail. Closing twice is harmless. */
    close(): Promise<void>;
  };

/**
 * A client of one engine. The endpoint comes from `options` (socket path, host, TLS, ssh), else
 * from DOCKER_HOST and the Docker CLI's current context, else the default socket. Nothing connects
 * until the first call; that call negotiates the API version unless `apiVersion` pins one.
 *
 * @example
 * ```ts
 * const docker = createDocker();
 * const containers = await docker.containers.list({ all: true });
 * await docker.close();
 * ```
 */
export function createDocker<V extends ApiVersion = NewestApiVersion>(options: DockerOptions<V> = {}): Docker<V> {
  const connection = connect(resolveEndpoint(options));
  const context: OperationContext = {
    connection,
    apiVersion: versionResolver(connection, options.apiVersion),
    cliConfig: { configDir: options.configDir, env: options.env },
  };
  const surface = buildOperationSurface(context);
  const docker = Object.assign(surface, {
    ...hijackHelpers<V>(context, surface.exec),
    ...buildHelpers<V>(context),
    ...archiveHelpers<V>(context),
    ...streamHelpers<V>(context),
    endpoint: connection.endpoint.display,
    apiVersion: (callOptions: { signal?: AbortSignal } = {}) => context.apiVersion(callOptions.signal),
    close: async () => connection.close(),
  });
  // Made on first use: openapi-fetch reaches for the runtime's fetch classes, which cost a cold start.
  let raw: RawClient<V> | undefined;
  Object.defineProperty(docker, 'raw', { enumerable: true, get: () => (raw ??= createRawClient<V>(context)) });
  return docker as unknown as Docker<V>;
}
