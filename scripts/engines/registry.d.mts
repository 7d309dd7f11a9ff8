// Types for registry.mjs.

export const registryPort: number;

export interface RegistryEntry {
  /** `127.0.0.1:5000`, the registry part of image names pushed to it. */
  address: string;
  pid: number;
  /** How long it took to answer GET /v2/ with its auth challenge. */
  startMs: number;
  version: string;
  logFile: string;
}

/** Starts Debian's docker-registry with htpasswd auth for these users (name → password), empty storage. */
export function registryUp(options: { users: Record<string, string> }): Promise<RegistryEntry>;
/** Stops it by pid; resolves with whether it was running. */
export function registryDown(): Promise<boolean>;
