import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';

// Test certificates made with the openssl CLI: a CA, a server certificate for 127.0.0.1/localhost
// and a client certificate, laid out as DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem).
const days = '2';

async function newKey(file) {
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

/** A self-signed CA in `dir` (ca.pem, ca-key.pem). */
export async function makeCertificateAuthority(dir, commonName = 'test CA') {
  mkdirSync(dir, { recursive: true });
  const ca = { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca-key.pem') };
  await newKey(ca.keyFile);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    ca.keyFile,
    '-out',
    ca.certFile,
    '-days',
    days,
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return ca;
}

/**
 * A key and a certificate signed by `ca`, for `usage` 'server' (with subjectAltNames) or 'client'.
 * Written as `${name}-key.pem` and `${name}-cert.pem` in `dir`.
 */
export async function issueCertificate(ca, dir, name, { usage, commonName = name, altNames = [] }) {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${name}-key.pem`);
  const certFile = join(dir, `${name}-cert.pem`);
  const requestFile = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  await newKey(keyFile);
  await run('openssl', ['req', '-new', '-key', keyFile, '-out', requestFile, '-subj', `/CN=${commonName}`]);
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    ...(altNames.length ? [`subjectAltName=${altNames.join(',')}`] : []),
  ];
  writeFileSync(extFile, `${extensions.join('\n')}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    requestFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    days,
    '-extfile',
    extFile,
  ]);
  return { keyFile, certFile };
}

/**
 * Everything a TLS engine test needs under `dir`: the CA, the server's pair (SAN 127.0.0.1 and
 * localhost) and a client folder in the DOCKER_CERT_PATH layout.
 */
export async function makeTlsTestCertificates(dir) {
  const ca = await makeCertificateAuthority(join(dir, 'ca'));
  const server = await issueCertificate(ca, join(dir, 'server'), 'server', {
    usage: 'server',
    commonName: 'localhost',
    altNames: ['IP:127.0.0.1', 'DNS:localhost'],
  });
  const clientDir = join(dir, 'client');
  const client = await issueCertificate(ca, clientDir, 'client', { usage: 'client', commonName: 'test client' });
  copyFileSync(ca.certFile, join(clientDir, 'ca.pem'));
  copyFileSync(client.certFile, join(clientDir, 'cert.pem'));
  copyFileSync(client.keyFile, join(clientDir, 'key.pem'));
  return {
    ca,
    server,
    client: { dir: clientDir, caFile: join(clientDir, 'ca.pem'), certFile: join(clientDir, 'cert.pem'), keyFile: join(clientDir, 'key.pem') },
  };
}
