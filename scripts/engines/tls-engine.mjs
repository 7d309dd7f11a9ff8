import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from './free-port.mjs';
import { enginePaths } from './paths.mjs';
import { privateEngine, privateEngineDown, privateEngineUp } from './private-engine.mjs';

// A private dockerd for the TLS tests (the newest generation): listening on 127.0.0.1:<free port>
// with --tlsverify (and on a unix socket of its own, for setup). Tests start it with their own
// certificates and stop it by pid.

function tlsEngine(port) {
  const certs = (paths) => ({
    ca: join(paths.dir, 'certs', 'ca.pem'),
    cert: join(paths.dir, 'certs', 'server-cert.pem'),
    key: join(paths.dir, 'certs', 'server-key.pem'),
  });
  return privateEngine({
    name: 'tls',
    generation: 'newest',
    bridge: { name: 'docker2', gatewayCidr: '172.30.0.1/16' },
    daemonConfig: (paths) => ({ tlsverify: true, tlscacert: certs(paths).ca, tlscert: certs(paths).cert, tlskey: certs(paths).key }),
    extraArguments: () => [`--host=tcp://127.0.0.1:${port}`],
  });
}

/**
 * Starts the TLS engine with the server certificate and key in `certFile`/`keyFile`, trusting
 * client certificates signed by `caFile`. A TLS engine left over from an earlier run is stopped
 * first. Resolves with where it listens and what it runs.
 */
export async function tlsEngineUp({ caFile, certFile, keyFile }) {
  const port = await freeLoopbackPort();
  const engine = tlsEngine(port);
  const certsDir = join(enginePaths(engine.name).dir, 'certs');
  mkdirSync(certsDir, { recursive: true });
  copyFileSync(caFile, join(certsDir, 'ca.pem'));
  copyFileSync(certFile, join(certsDir, 'server-cert.pem'));
  copyFileSync(keyFile, join(certsDir, 'server-key.pem'));
  const entry = await privateEngineUp(engine);
  return { ...entry, host: `tcp://127.0.0.1:${port}`, port };
}

/** Stops the TLS engine by its pid file (and whatever it left behind); true if it was running. */
export function tlsEngineDown() {
  return privateEngineDown(tlsEngine(0));
}
