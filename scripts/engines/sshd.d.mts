// Types for sshd.mjs.

export interface SshdEntry {
  host: '127.0.0.1';
  port: number;
  user: 'root';
  pid: number;
  /** How long it took to greet with an SSH banner. */
  startMs: number;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`, for a known_hosts file. */
  knownHostsLine: string;
  logFile: string;
}

/** An ed25519 key pair without passphrase in `dir`. */
export function makeSshKeyPair(dir: string, name?: string): Promise<{ keyFile: string; publicKey: string }>;
/** Starts the private sshd for root with these authorized public keys and session environment. */
export function sshdUp(options: { authorizedKeys: string[]; environment?: Record<string, string> }): Promise<SshdEntry>;
/** Stops it by pid; resolves with whether it was running. */
export function sshdDown(): Promise<boolean>;
