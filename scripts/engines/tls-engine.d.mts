// Types for tls-engine.mjs.
import type { PrivateEngineEntry } from './private-engine.mjs';

export interface TlsEngineEntry extends PrivateEngineEntry {
  /** `tcp://127.0.0.1:PORT`, served with --tlsverify; `socket` is its own unix socket, for setting up fixtures without TLS. */
  host: string;
  port: number;
}

/** Starts the private TLS engine with these server files (PEM paths); replaces a leftover one. */
export function tlsEngineUp(files: { caFile: string; certFile: string; keyFile: string }): Promise<TlsEngineEntry>;
/** Stops it by pid; resolves with whether it was running. */
export function tlsEngineDown(): Promise<boolean>;
