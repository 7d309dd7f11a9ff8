// Types for certificates.mjs.

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

export interface CertificatePair {
  certFile: string;
  keyFile: string;
}

export interface TlsTestCertificates {
  ca: CertificateAuthority;
  /** Server pair with subjectAltName IP:127.0.0.1 and DNS:localhost. */
  server: CertificatePair;
  /** A client folder in the DOCKER_CERT_PATH layout (ca.pem, cert.pem, key.pem). */
  client: { dir: string; caFile: string; certFile: string; keyFile: string };
}

export function makeCertificateAuthority(dir: string, commonName?: string): Promise<CertificateAuthority>;
export function issueCertificate(
  ca: CertificateAuthority,
  dir: string,
  name: string,
  options: { usage: 'server' | 'client'; commonName?: string; altNames?: string[] },
): Promise<CertificatePair>;
export function makeTlsTestCertificates(dir: string): Promise<TlsTestCertificates>;
