// Registry credentials in the shape the engine takes them (X-Registry-Auth, X-Registry-Config),
// and the decoding of a config.json `auths` entry into that shape.
import type { CliAuthEntry } from '../connection/cli-config.js';
import { DockerConfigError } from '../errors.js';

/** Credentials for one registry: `username` + `password`, or an `identitytoken`. */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  /** The registry as it was looked up (config key), e.g. `127.0.0.1:5000` or `https://index.docker.io/v1/`. */
  serveraddress?: string;
  /** A refresh token from an earlier login; sent in place of a password. */
  identitytoken?: string;
  /** A bearer token for the registry itself. */
  registrytoken?: string;
}

/**
 * An `auths` entry as the CLI loads it: `auth` (base64 of `user:password`) wins over
 * `username`/`password`; the entry's key becomes the server address. Undefined when it holds no credentials.
 */
export function authFromEntry(serverAddress: string, entry: CliAuthEntry, configFile: string): RegistryAuthConfig | undefined {
  const decoded = entry.auth ? decodeBasicAuth(entry.auth, serverAddress, configFile) : undefined;
  const username = decoded?.username ?? entry.username;
  const password = decoded?.password ?? entry.password;
  const auth: RegistryAuthConfig = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(entry.identitytoken ? { identitytoken: entry.identitytoken } : {}),
    ...(entry.registrytoken ? { registrytoken: entry.registrytoken } : {}),
  };
  if (Object.keys(auth).length === 0) return undefined;
  return { ...auth, serveraddress: serverAddress };
}

/** `user:password` in standard base64. Anything else is refused, as the CLI refuses it (without echoing it). */
function decodeBasicAuth(value: string, serverAddress: string, configFile: string): { username: string; password: string } {
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new DockerConfigError(`the "auth" value for ${JSON.stringify(serverAddress)} is not base64 of "user:password"`, configFile);
  return { username: text.slice(0, colon), password: text.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}
