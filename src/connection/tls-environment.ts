// DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, as the Docker CLI reads them next to DOCKER_HOST.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerUsageError } from '../errors.js';
import type { TlsOptions } from './endpoint-types.js';

/** DOCKER_TLS_VERIFY (any non-empty value) turns on verified TLS with the files of DOCKER_CERT_PATH. */
export function tlsFromEnv(env: NodeJS.ProcessEnv): TlsOptions | undefined {
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || join(env.HOME || homedir(), '.docker');
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (error) {
      throw new DockerUsageError(`DOCKER_TLS_VERIFY is set but ${join(dir, name)} cannot be read: ${(error as Error).message}`);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), rejectUnauthorized: true };
}
