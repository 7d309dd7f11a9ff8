// The registry credentials of pull, push and build: the caller's own when given, else those the
// Docker CLI configuration holds for the registry (see resolve-auth.ts). The request builder
// encodes them into the header.
import type { CliConfigLocation } from '../connection/cli-config.js';
import { InvalidImageReferenceError } from '../helpers/image-reference.js';
import type { RegistryAuthConfig } from './auth-config.js';
import { allRegistryAuths, resolveRegistryAuth } from './resolve-auth.js';

/** Credentials as a call takes them: an object, or an X-Registry-Auth value already encoded. */
export type ExplicitRegistryAuth = RegistryAuthConfig | string;

/**
 * X-Registry-Auth for a transfer of `reference`. `explicit` wins (`{}` means anonymous); without it
 * the configuration is asked. The engine wants the header even when empty (push answers 400 otherwise).
 */
export async function transferCredentials(
  reference: string,
  explicit: ExplicitRegistryAuth | undefined,
  location: CliConfigLocation = {},
  signal?: AbortSignal,
): Promise<ExplicitRegistryAuth> {
  return explicit ?? (await configuredAuth(reference, location, signal)) ?? {};
}

async function configuredAuth(reference: string, location: CliConfigLocation, signal?: AbortSignal): Promise<RegistryAuthConfig | undefined> {
  try {
    return await resolveRegistryAuth(reference, { ...location, signal });
  } catch (error) {
    // A malformed reference names no registry to look up; the engine rejects it with its own message.
    if (error instanceof InvalidImageReferenceError) return undefined;
    throw error;
  }
}

/** The map a build sends as X-Registry-Config when the caller gave none; undefined when there is nothing to send. */
export async function buildRegistryConfig(location: CliConfigLocation = {}, signal?: AbortSignal): Promise<Record<string, RegistryAuthConfig> | undefined> {
  const all = await allRegistryAuths({ ...location, signal });
  return Object.keys(all).length > 0 ? all : undefined;
}
