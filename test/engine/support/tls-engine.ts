// The private TLS engine for the connection tests: certificates made with openssl in a temporary
// folder (CA, server for 127.0.0.1/localhost, client; plus a second, unrelated CA and a client
// certificate from it), then a third dockerd with --tlsverify started by pid and stopped by pid.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, makeCertificateAuthority, makeTlsTestCertificates, type TlsTestCertificates } from '../../../scripts/engines/certificates.mjs';
import { tlsEngineDown, tlsEngineUp, type TlsEngineEntry } from '../../../scripts/engines/tls-engine.mjs';

export interface TlsEngineFixture {
  engine: TlsEngineEntry;
  certs: TlsTestCertificates;
  /** A CA that signed nothing the engine has, and a client pair it signed. */
  foreign: { caFile: string; certFile: string; keyFile: string };
  read(path: string): Buffer;
  stop(): Promise<void>;
}

export async function startTlsEngine(): Promise<TlsEngineFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tls-engine-'));
  const certs = await makeTlsTestCertificates(join(dir, 'certs'));
  const foreignCa = await makeCertificateAuthority(join(dir, 'foreign'), 'foreign CA');
  const foreignClient = await issueCertificate(foreignCa, join(dir, 'foreign'), 'client', { usage: 'client' });
  const engine = await tlsEngineUp({ caFile: certs.ca.certFile, certFile: certs.server.certFile, keyFile: certs.server.keyFile });
  return {
    engine,
    certs,
    foreign: { caFile: foreignCa.certFile, ...foreignClient },
    read: (path) => readFileSync(path),
    stop: async () => {
      await tlsEngineDown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
