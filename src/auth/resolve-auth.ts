// Finds registry credentials the way the Docker CLI does:
//   1. a credential helper named for the registry in `credHelpers`,
//   2. else the `credsStore` helper for every registry,
//   3. else the `auths` entries of config.json (key exactly, else a key whose host matches).
// The config folder is `configDir`, else $DOCKER_CONFIG, else ~/.docker.
import { join } from 'node:path';
import { cliConfigDir, readCliConfig, type CliConfig, type CliConfigLocation } from '../connection/cli-config.js';
import { authFromEntry, type RegistryAuthConfig } from './auth-config.js';
import { helperGet, helperList, helperProgram } from './credential-helper.js';
import { registryHostname, registryKeyFor } from './registry-key.js';

export interface RegistryAuthOptions extends CliConfigLocation {
  /** Ends a credential helper that is still running. */
  signal?: AbortSignal;
}

interface LoadedConfig {
  config: CliConfig;
  file: string;
  options: RegistryAuthOptions;
}

function load(options: RegistryAuthOptions): LoadedConfig {
  const dir = cliConfigDir(options);
  return { config: readCliConfig(dir), file: join(dir, 'config.json'), options };
}

/**
 * Credentials for the registry of an image reference (`busybox`, `127.0.0.1:5000/team/app:1`), or
 * undefined when the configuration has none for it.
 */
export function resolveRegistryAuth(reference: string, options: RegistryAuthOptions = {}): Promise<RegistryAuthConfig | undefined> {
  return registryAuthFor(registryKeyFor(reference), options);
}

/** Credentials stored for a registry key (`127.0.0.1:5000`, `https://index.docker.io/v1/`). */
export async function registryAuthFor(serverAddress: string, options: RegistryAuthOptions = {}): Promise<RegistryAuthConfig | undefined> {
  return lookUp(load(options), serverAddress);
}

async function lookUp({ config, file, options }: LoadedConfig, serverAddress: string): Promise<RegistryAuthConfig | undefined> {
  const helper = config.credHelpers?.[serverAddress] ?? config.credsStore;
  if (helper) return helperGet(helperProgram(helper, file), serverAddress, options);
  const auths = config.auths ?? {};
  const exact = auths[serverAddress];
  if (exact) return authFromEntry(serverAddress, exact, file);
  // Keys written as URLs (`https://registry.example/v1/`) still match the plain host.
  const key = Object.keys(auths).find((candidate) => registryHostname(candidate) === serverAddress);
  return key ? authFromEntry(key, auths[key]!, file) : undefined;
}

/**
 * Every credential the configuration holds, keyed by registry, as the CLI sends them with a build
 * (X-Registry-Config): the `credsStore` helper's list (else the `auths` entries), then each
 * `credHelpers` registry. As with the CLI, a helper that fails is left out rather than failing the
 * build, which may not need that registry at all.
 */
export async function allRegistryAuths(options: RegistryAuthOptions = {}): Promise<Record<string, RegistryAuthConfig>> {
  const loaded = load(options);
  const { config, file } = loaded;
  const all: Record<string, RegistryAuthConfig> = {};
  const add = (key: string, auth: RegistryAuthConfig | undefined) => {
    if (auth) all[key] = auth;
  };
  if (config.credsStore) {
    const program = helperProgram(config.credsStore, file);
    const servers = await helperList(program, options).catch(skipUnlessAborted(options.signal, [] as string[]));
    for (const server of servers) add(server, await helperGet(program, server, options).catch(skipUnlessAborted(options.signal, undefined)));
  } else {
    for (const [key, entry] of Object.entries(config.auths ?? {})) add(key, authFromEntry(key, entry, file));
  }
  for (const server of Object.keys(config.credHelpers ?? {})) add(server, await lookUp(loaded, server).catch(skipUnlessAborted(options.signal, undefined)));
  return all;
}

function skipUnlessAborted<T>(signal: AbortSignal | undefined, fallback: T): (error: unknown) => T {
  return (error) => {
    if (signal?.aborted) throw error;
    return fallback;
  };
}
