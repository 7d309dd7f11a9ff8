// Plain-language reasons for TLS failures, so a DockerConnectionError says which side refused:
// our check of the engine's certificate, or the engine's demand for (or rejection of) ours.

const SERVER_CERTIFICATE = 'TLS: certificate verification failed';
const serverCertificateProblems: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the engine's certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT: "the engine's certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the engine's certificate is not signed by a trusted CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the engine's certificate chain ends in a CA that is not trusted",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the engine's certificate is self-signed and not trusted",
  CERT_SIGNATURE_FAILURE: "the engine's certificate has a bad signature",
  CERT_HAS_EXPIRED: "the engine's certificate has expired",
  CERT_NOT_YET_VALID: "the engine's certificate is not valid yet",
  CERT_UNTRUSTED: "the engine's certificate is not trusted",
  CERT_REJECTED: "the engine's certificate was rejected",
  INVALID_PURPOSE: "the engine's certificate is not meant for a server",
  ERR_TLS_CERT_ALTNAME_INVALID: "the engine's certificate does not name this host",
};

const clientCertificateProblems: Record<string, string> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'TLS: the engine demanded a client certificate and none was sent',
  // BoringSSL (Bun's TLS) names the same TLS 1.3 alert without the 3.
  ERR_SSL_TLSV1_ALERT_CERTIFICATE_REQUIRED: 'TLS: the engine demanded a client certificate and none was sent',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'TLS: the engine rejected the client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "TLS: the engine rejected the client certificate (it does not trust the certificate's CA)",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'TLS: the engine rejected the client certificate as expired',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'TLS: the client certificate does not match its key',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'TLS: the client certificate does not match its key',
  // TLS 1.2 engines refuse a missing client certificate during the handshake, with this generic alert.
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'TLS: the engine refused the handshake (it may demand a client certificate)',
};

// Node's code spells out OpenSSL's reason. OpenSSL 3.0 (Node 20) names the alerts inherited from
// SSLv3 "sslv3 alert …", OpenSSL 3.5 (Node 24) "ssl/tls alert …": the same alerts, known by one name.
const RENAMED_ALERT = /^ERR_SSL_SSL\/TLS_ALERT_/;

/** A reason for a TLS error code, or undefined when the code is not a TLS one this knows. */
export function tlsFailureReason(code: string): string | undefined {
  const server = serverCertificateProblems[code];
  if (server) return `${SERVER_CERTIFICATE}: ${server}`;
  return clientCertificateProblems[code.replace(RENAMED_ALERT, 'ERR_SSL_SSLV3_ALERT_')];
}
