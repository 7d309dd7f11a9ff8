// Types for tls-engine.mjs.

export interface TlsEngineEntry {
  name: 'tls';
  /** `tcp://127.0.0.1:PORT`, served with --tlsverify. */
  host: string;
  port: number;
  /** Its own unix socket, for setting up fixtures without TLS. */
  socket: string;
  pid: number;
  /** How long dockerd took to answer /_ping. */
  startMs: number;
  version: string;
  apiVersion: string;
  logFile: string;
}

/** Starts the private TLS engine with these server files (PEM paths); replaces a leftover one. */
export function tlsEngineUp(files: { caFile: string; certFile: string; keyFile: string }): Promise<TlsEngineEntry>;
/** Stops it by pid; resolves with whether it was running. */
export function tlsEngineDown(): Promise<boolean>;
