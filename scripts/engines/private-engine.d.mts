// Types for private-engine.mjs (the engine definitions themselves stay untyped script data).

export interface PrivateEngineEntry {
  name: string;
  generation: 'legacy' | 'newest';
  /** Its unix socket (use as `unix://${socket}`). */
  socket: string;
  pid: number;
  /** How long dockerd took to answer /_ping. */
  startMs: number;
  version: string;
  apiVersion: string;
  logFile: string;
}
