// A Docker host URL (`unix://`, `npipe://`, `tcp://`, `http://`, `https://`, `ssh://`) → an Endpoint.
import { DockerUsageError } from '../errors.js';
import type { Endpoint, TlsOptions } from './endpoint-types.js';
import { displaySsh, parseSshUrl, type SshOptions } from './ssh-destination.js';

const SCHEMES = 'unix://, npipe://, tcp://, http://, https:// or ssh://';

export function unixEndpoint(socketPath: string): Endpoint {
  return { kind: 'unix', socketPath, display: `unix://${socketPath}` };
}

// A Windows named pipe, written the Docker CLI's way: `npipe:////./pipe/docker_engine` names the
// pipe `\\.\pipe\docker_engine` (or `\\server\pipe\name` for a remote one). Windows reads `/` as `\`
// in these paths; they are turned round here so the pipe has one spelling in errors.
const PIPE_PATH = /^\\\\[^\\]+\\pipe\\[^\\]+$/;

export function npipeEndpoint(url: string): Endpoint {
  const pipePath = url.slice('npipe://'.length).replaceAll('/', '\\');
  if (!PIPE_PATH.test(pipePath)) {
    throw new DockerUsageError(`Docker host "${url}" names no named pipe; expected npipe:////./pipe/NAME (or npipe:////SERVER/pipe/NAME)`);
  }
  return { kind: 'npipe', pipePath, display: url };
}

/**
 * `tls` switches `tcp://` to TLS (as DOCKER_TLS_VERIFY or a context's TLS material do);
 * `https://` is TLS with or without it; `http://` never is.
 */
export function endpointFromUrl(raw: string, tls: TlsOptions | undefined, ssh: SshOptions | undefined): Endpoint {
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) throw new DockerUsageError(`Docker host "${raw}" has no scheme; expected ${SCHEMES}`);
  if (scheme === 'unix') {
    const path = raw.slice('unix://'.length);
    if (!path) throw new DockerUsageError(`Docker host "${raw}" names no socket path`);
    return unixEndpoint(path);
  }
  if (scheme === 'npipe') return npipeEndpoint(raw);
  if (scheme === 'ssh') {
    const destination = parseSshUrl(raw);
    return { kind: 'ssh', destination, ssh: ssh ?? {}, display: displaySsh(destination) };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') return tcpEndpoint(raw, scheme, tls);
  throw new DockerUsageError(`Docker host scheme "${scheme}://" is not supported (use ${SCHEMES})`);
}

function tcpEndpoint(raw: string, scheme: string, tls: TlsOptions | undefined): Endpoint {
  const secure = scheme === 'https' || (scheme === 'tcp' && tls !== undefined);
  let url: URL;
  try {
    url = new URL(raw.replace(/^[a-z0-9+.-]+:\/\//i, secure ? 'https://' : 'http://'));
  } catch {
    throw new DockerUsageError(`Docker host "${raw}" is not a valid URL`);
  }
  if (url.username || url.password)
    throw new DockerUsageError(`Docker host "${scheme}://…@${url.host}" carries credentials in the URL, which the engine API does not take`);
  if (!url.port) url.port = secure ? '2376' : '2375';
  const origin = `${url.protocol}//${url.host}`;
  return { kind: 'tcp', origin, ...(secure ? { tls: tls ?? {} } : {}), display: `${scheme}://${url.host}` };
}
