// Types for index.mjs, so TypeScript (e.g. a vitest globalSetup) can import it under `strict`.

export type EngineName = 'legacy' | 'newest' | 'podman';

/** One entry of .engines/engines.json; versions are what the running daemon reported. */
export interface EngineEntry {
  name: EngineName;
  /** Absolute path of the unix socket (use as `unix://${socket}`). */
  socket: string;
  pid: number;
  version: string;
  apiVersion: string;
  minApiVersion: string;
  bridge: string;
  execRoot: string;
  logFile: string;
}

export interface EngineStatus {
  name: EngineName;
  up: boolean;
  socket: string;
  pid?: number;
  version?: string;
  apiVersion?: string;
}

export const engineNames: EngineName[];
/** The engines named in ENGINES (comma or space separated); empty (meaning all) when it is unset. */
export function enginesOfThisRun(env?: Record<string, string | undefined>): EngineName[];
/** Brings up the named engines (all when empty), installing what is missing; running ones are left alone. */
export function enginesUp(names?: EngineName[]): Promise<EngineEntry[]>;
/** Stops the named engines (all when empty); resolves with the names of those that were running. */
export function enginesDown(names?: EngineName[]): Promise<EngineName[]>;
export function enginesStatus(names?: EngineName[]): Promise<EngineStatus[]>;
/** The contents of .engines/engines.json (no engines when it does not exist). */
export function readEngines(): { engines: EngineEntry[] };
