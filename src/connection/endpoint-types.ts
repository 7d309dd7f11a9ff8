// What an engine address resolves to, and the options that decide it. Kept apart from the
// resolution itself (endpoint.ts) and the URL parsing (host-url.ts), which both use these types.
import type { SshDestination, SshOptions } from './ssh-destination.js';

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
