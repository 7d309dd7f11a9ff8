// Types for fault-engines.mjs.
import type { PrivateEngineEntry } from './private-engine.mjs';

export type { PrivateEngineEntry };

export interface FaultEngine {
  /** Starts it afresh (a leftover of an earlier run is stopped first), busybox imported. */
  up(): Promise<PrivateEngineEntry>;
  /** SIGKILL to dockerd alone; resolves with its pid once it (and its containerd) are gone. */
  kill(): Promise<number>;
  /** Starts dockerd again over what the killed one left behind. */
  restart(): Promise<PrivateEngineEntry>;
  /** Stops everything it runs or left; resolves with whether dockerd was running. */
  down(): Promise<boolean>;
}

export function faultEngine(generation: 'legacy' | 'newest'): FaultEngine;
