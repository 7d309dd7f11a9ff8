// ssh://[user@]host[:port][/socket-path] → the `ssh` command line the Docker CLI runs:
//   ssh [user args] -o ConnectTimeout=30 -T [-l user] [-p port] -- host docker [--host unix://path] system dial-stdio
import { DockerUsageError } from '../errors.js';

export interface SshDestination {
  user?: string;
  host: string;
  port?: number;
  /** The engine socket on the remote machine; without it the remote `docker` uses its own default. */
  socketPath?: string;
}

/** How ssh:// endpoints run `ssh`. */
export interface SshOptions {
  /** The ssh program; default `ssh` from PATH. */
  command?: string;
  /**
   * Extra arguments, placed before the defaults: ssh keeps the first value it sees for an option, so
   * these win. E.g. `['-i', keyFile, '-o', 'UserKnownHostsFile=/path/known_hosts']`.
   */
  args?: readonly string[];
}

// BatchMode: a library has no terminal to type a password or passphrase into; ssh fails instead of waiting.
const DEFAULT_ARGS = ['-o', 'ConnectTimeout=30', '-o', 'BatchMode=yes', '-T'];

export function parseSshUrl(raw: string): SshDestination {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DockerUsageError(`Docker host "${raw}" is not a valid ssh:// URL`);
  }
  if (url.password)
    throw new DockerUsageError(`Docker host "${redactPassword(raw)}" carries a password; ssh:// takes keys or an agent, never a password in the URL`);
  if (!url.hostname) throw new DockerUsageError(`Docker host "${raw}" names no host`);
  if (url.search || url.hash) throw new DockerUsageError(`Docker host "${raw}" has a query or fragment, which ssh:// does not take`);
  const path = decodeURIComponent(url.pathname);
  // The remote command goes through the remote user's shell: only plain path characters may reach it.
  if (path && path !== '/' && !/^\/[\w./-]+$/.test(path))
    throw new DockerUsageError(`Docker host "${raw}": the remote socket path may only hold letters, digits, "_", ".", "-" and "/"`);
  return {
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(path && path !== '/' ? { socketPath: path } : {}),
  };
}

function redactPassword(raw: string): string {
  return raw.replace(/^(ssh:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/** `ssh://user@host:port`, as the endpoint is shown in messages. */
export function displaySsh(destination: SshDestination): string {
  const user = destination.user ? `${destination.user}@` : '';
  const host = destination.host.includes(':') ? `[${destination.host}]` : destination.host;
  const port = destination.port ? `:${destination.port}` : '';
  return `ssh://${user}${host}${port}${destination.socketPath ?? ''}`;
}

export function sshArguments(destination: SshDestination, options: SshOptions = {}): string[] {
  const remote = ['docker', ...(destination.socketPath ? ['--host', `unix://${destination.socketPath}`] : []), 'system', 'dial-stdio'];
  return [
    ...(options.args ?? []),
    ...DEFAULT_ARGS,
    ...(destination.user ? ['-l', destination.user] : []),
    ...(destination.port ? ['-p', String(destination.port)] : []),
    '--',
    destination.host,
    ...remote,
  ];
}
