// Docker contexts as the CLI stores them:
//   <config dir>/contexts/meta/<sha256 of name>/meta.json   {"Name", "Endpoints": {"docker": {"Host", "SkipTLSVerify"}}}
//   <config dir>/contexts/tls/<sha256 of name>/docker/{ca,cert,key}.pem
// and which one is in force: DOCKER_CONTEXT, else config.json's currentContext.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerConfigError, DockerUsageError } from '../errors.js';
import type { TlsOptions } from './endpoint-types.js';

/** The context the CLI always has: DOCKER_HOST or the default socket. */
export const DEFAULT_CONTEXT = 'default';

export interface ContextEndpoint {
  name: string;
  host: string;
  /** Present when the context has TLS material or skips verification. */
  tls?: TlsOptions;
}

export function contextDirectoryName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** Reads the docker endpoint of a stored context; a missing context is an error naming it. */
export function readContext(configDir: string, name: string): ContextEndpoint {
  const id = contextDirectoryName(name);
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const meta = readMeta(metaFile, name);
  const endpoint = meta.Endpoints?.docker;
  if (!endpoint || typeof endpoint.Host !== 'string' || !endpoint.Host) {
    throw new DockerConfigError(`Docker context "${name}" has no docker endpoint host`, metaFile);
  }
  const tls = contextTls(join(configDir, 'contexts', 'tls', id, 'docker'), endpoint.SkipTLSVerify === true);
  return { name, host: endpoint.Host, ...(tls ? { tls } : {}) };
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

function readMeta(metaFile: string, name: string): ContextMeta {
  let text: string;
  try {
    text = readFileSync(metaFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DockerUsageError(`Docker context "${name}" does not exist (no ${metaFile})`);
    throw new DockerConfigError(`cannot read Docker context "${name}": ${(error as Error).message}`, metaFile);
  }
  try {
    const meta = JSON.parse(text) as ContextMeta;
    if (!meta || typeof meta !== 'object') throw new Error('not an object');
    return meta;
  } catch {
    throw new DockerConfigError(`Docker context "${name}" has a malformed meta.json`, metaFile);
  }
}

/**
 * TLS is on when the context stores any TLS material or asks to skip verification (the CLI's rule);
 * skipping verification is the context's own explicit setting (`docker context create --docker skip-tls-verify=true`).
 */
function contextTls(dir: string, skipVerify: boolean): TlsOptions | undefined {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DockerConfigError(`cannot read the context's ${name}: ${(error as Error).message}`, join(dir, name));
    }
  };
  const ca = read('ca.pem');
  const cert = read('cert.pem');
  const key = read('key.pem');
  if (!ca && !cert && !key && !skipVerify) return undefined;
  if (Boolean(cert) !== Boolean(key))
    throw new DockerConfigError('the context has a client certificate without its key, or a key without its certificate', dir);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), rejectUnauthorized: !skipVerify };
}
