// The Docker CLI's configuration folder (DOCKER_CONFIG, else ~/.docker) and its config.json,
// read the way the CLI reads them. Contexts take `currentContext` from it, registry auth the rest.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerConfigError } from '../errors.js';

/** What this library reads of config.json; every other key is left alone. */
export interface CliConfig {
  auths?: Record<string, CliAuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  currentContext?: string;
}

/** One `auths` entry as stored: `auth` is base64 of `user:password`. */
export interface CliAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface CliConfigLocation {
  /** The configuration folder; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  /** Where DOCKER_CONFIG is read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export function cliConfigDir(location: CliConfigLocation = {}): string {
  const env = location.env ?? process.env;
  return location.configDir ?? (env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'));
}

/** config.json of the folder, or an empty config when there is none (as the CLI treats it). */
export function readCliConfig(dir: string): CliConfig {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DockerConfigError(`cannot read the Docker config file: ${(error as Error).message}`, file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the file's text, and the file holds credentials: say only where.
    throw new DockerConfigError('the Docker config file is not valid JSON', file);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DockerConfigError('the Docker config file does not hold a JSON object', file);
  return checkShape(parsed as Record<string, unknown>, file);
}

function checkShape(config: Record<string, unknown>, file: string): CliConfig {
  const isStringMap = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  const isObjectMap = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => v && typeof v === 'object');
  if (config.auths !== undefined && !isObjectMap(config.auths))
    throw new DockerConfigError('"auths" in the Docker config file must map registries to objects', file);
  if (config.credHelpers !== undefined && !isStringMap(config.credHelpers))
    throw new DockerConfigError('"credHelpers" in the Docker config file must map registries to helper names', file);
  for (const key of ['credsStore', 'currentContext'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') throw new DockerConfigError(`"${key}" in the Docker config file must be a string`, file);
  }
  return config as CliConfig;
}
