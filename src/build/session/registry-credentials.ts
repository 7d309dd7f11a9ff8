// Registry credentials served to the engine over the session: a BuildKit build pulls its base
// images itself and asks the client for each registry's credentials as it needs them (the
// classic builder gets them all up front in X-Registry-Config). Answered from the build's own
// `registryAuth` when given, else from the Docker CLI configuration, as the CLI does.
import type { RegistryAuthConfig } from '../../auth/auth-config.js';
import { DOCKER_HUB_KEY, registryHostname } from '../../auth/registry-key.js';
import { registryAuthFor } from '../../auth/resolve-auth.js';
import type { CliConfigLocation } from '../../connection/cli-config.js';
import { text, wireFields } from '../../protocols/protobuf-wire.js';
import { encodeMessage } from '../../protocols/protobuf-writer.js';
import type { GrpcMethod } from './grpc-host.js';

const CREDENTIALS = '/moby.filesync.v1.Auth/Credentials';
// BuildKit names Docker Hub by its registry host; the CLI configuration by the index URL.
const DOCKER_HUB_HOST = 'registry-1.docker.io';

/**
 * The Auth service's Credentials method: CredentialsRequest (Host = 1) answered with
 * CredentialsResponse (Username = 1, Secret = 2; a refresh token goes alone as the secret). A registry
 * without credentials gets empty ones, which BuildKit reads as "pull anonymously". Token exchange
 * (FetchToken) is left to the engine, which then uses these credentials itself.
 */
export function registryCredentialMethods(
  explicit: Readonly<Record<string, RegistryAuthConfig>> | undefined,
  cliConfig: CliConfigLocation | undefined,
): Map<string, GrpcMethod> {
  const credentials = async (request: Buffer): Promise<Buffer> => {
    let host = '';
    for (const field of wireFields(request)) if (field.number === 1) host = text(field);
    const key = host === DOCKER_HUB_HOST ? DOCKER_HUB_KEY : host;
    const auth = explicit ? explicitFor(explicit, key) : await registryAuthFor(key, cliConfig ?? {});
    if (auth?.identitytoken) return encodeMessage([{ number: 2, bytes: auth.identitytoken }]);
    return encodeMessage([
      { number: 1, bytes: auth?.username ?? '' },
      { number: 2, bytes: auth?.password ?? '' },
    ]);
  };
  return new Map([[CREDENTIALS, { unary: credentials }]]);
}

function explicitFor(explicit: Readonly<Record<string, RegistryAuthConfig>>, key: string): RegistryAuthConfig | undefined {
  if (Object.hasOwn(explicit, key)) return explicit[key];
  const match = Object.keys(explicit).find((candidate) => registryHostname(candidate) === registryHostname(key));
  return match === undefined ? undefined : explicit[match];
}
