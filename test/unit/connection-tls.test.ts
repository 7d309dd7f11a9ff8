// TLS failures named by the side that refused, against a small local HTTPS server (Node's own, with
// certificates made by openssl) that demands client certificates, in TLS 1.3 and TLS 1.2. TLS 1.3
// servers refuse a missing certificate only after the handshake, in an alert undici would otherwise
// report as "other side closed". The real engine is test/engine/connection-tls.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsTestCertificates, type TlsTestCertificates } from '../../scripts/engines/certificates.mjs';
import { createDocker, DockerConnectionError } from '../../src/index.js';
import { tlsFailureReason } from '../../src/connection/tls-failure.js';

let certs: TlsTestCertificates;
const read = (path: string) => readFileSync(path);

async function demandingServer(maxVersion: SecureVersion): Promise<{ server: Server; host: string }> {
  const server = createServer(
    {
      key: read(certs.server.keyFile),
      cert: read(certs.server.certFile),
      ca: read(certs.ca.certFile),
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion,
    },
    (_req, res) => res.writeHead(200, { 'Api-Version': '1.45' }).end('OK'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  certs = await makeTlsTestCertificates(mkdtempSync(join(tmpdir(), 'tls-unit-')));
});

describe.each(['TLSv1.3', 'TLSv1.2'] as const)('a server demanding client certificates over %s', (version) => {
  let server: Server;
  let host: string;

  beforeAll(async () => {
    ({ server, host } = await demandingServer(version));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a client with the right certificate', async () => {
    const docker = createDocker({ host, tls: { ca: read(certs.client.caFile), cert: read(certs.client.certFile), key: read(certs.client.keyFile) } });
    expect(await docker.system.ping()).toBe('OK');
    await docker.close();
  });

  it('makes a missing client certificate a named TLS failure, not "other side closed"', async () => {
    const docker = createDocker({ host, tls: { ca: read(certs.client.caFile) } });
    const error = await docker.system.ping().catch((caught: unknown) => caught);
    await docker.close();
    expect(error).toBeInstanceOf(DockerConnectionError);
    // `code` is Node's own; OpenSSL 3.5 (Node 24) spells the TLS 1.2 alert ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE.
    const { code } = error as DockerConnectionError;
    const [pattern, reason] =
      version === 'TLSv1.3'
        ? [/^ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED$/, 'TLS: the engine demanded a client certificate and none was sent']
        : [/^ERR_SSL_(SSLV3|SSL\/TLS)_ALERT_HANDSHAKE_FAILURE$/, 'TLS: the engine refused the handshake (it may demand a client certificate)'];
    expect(code).toMatch(pattern);
    expect((error as Error).message).toBe(`cannot reach the Docker engine at ${host}: ${reason} (${code})`);
  });

  it('refuses an untrusted server certificate, with verification on by default', async () => {
    const docker = createDocker({ host, tls: { cert: read(certs.client.certFile), key: read(certs.client.keyFile) } });
    const error = await docker.system.ping().catch((caught: unknown) => caught);
    await docker.close();
    expect(error).toBeInstanceOf(DockerConnectionError);
    // This server sends its CA along with its certificate, so the chain ends in an untrusted root.
    expect((error as Error).message).toMatch(
      /TLS: certificate verification failed: the engine's certificate chain ends in a CA that is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)$/,
    );
  });
});

describe('TLS failure reasons', () => {
  it('tell server-certificate problems from client-certificate problems', () => {
    expect(tlsFailureReason('CERT_HAS_EXPIRED')).toBe("TLS: certificate verification failed: the engine's certificate has expired");
    expect(tlsFailureReason('ERR_TLS_CERT_ALTNAME_INVALID')).toBe("TLS: certificate verification failed: the engine's certificate does not name this host");
    expect(tlsFailureReason('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE')).toBe('TLS: the engine rejected the client certificate');
    expect(tlsFailureReason('ECONNREFUSED')).toBeUndefined();
  });

  it('know the alerts OpenSSL 3.5 (Node 24) calls "ssl/tls alert" by their OpenSSL 3.0 (Node 20) "sslv3 alert" names', () => {
    for (const alert of ['HANDSHAKE_FAILURE', 'BAD_CERTIFICATE', 'CERTIFICATE_EXPIRED']) {
      expect(tlsFailureReason(`ERR_SSL_SSL/TLS_ALERT_${alert}`)).toBeDefined();
      expect(tlsFailureReason(`ERR_SSL_SSL/TLS_ALERT_${alert}`)).toBe(tlsFailureReason(`ERR_SSL_SSLV3_ALERT_${alert}`));
    }
  });
});
