import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { engineVersion } from './api.mjs';
import { ensureBridge } from './bridge.mjs';
import { ensureBusyboxImage } from './busybox.mjs';
import { runningDockerdPid, startDockerd, stopEngine } from './daemon.mjs';
import { freeLoopbackPort } from './free-port.mjs';
import { log } from './log.mjs';
import { ensureNewestBinaries, newestRoot } from './newest-binaries.mjs';
import { enginePaths } from './paths.mjs';
import { ensureSystemPackages, apparmorPackages } from './system-packages.mjs';

// A third, private dockerd for TLS tests: the newest engine's binaries, its own data and exec roots,
// listening on 127.0.0.1:<free port> with --tlsverify (and on a unix socket of its own, for setup).
// It has a bridge of its own (never --bridge=none: a dockerd started that way deletes the host's
// docker0, which the legacy engine uses) and leaves iptables alone, so it cannot disturb the two
// shared engines. Tests start it with their own certificates and stop it by pid.

function tlsEngine(port) {
  const certs = (paths) => ({
    ca: join(paths.dir, 'certs', 'ca.pem'),
    cert: join(paths.dir, 'certs', 'server-cert.pem'),
    key: join(paths.dir, 'certs', 'server-key.pem'),
  });
  return {
    name: 'tls',
    systemPackages: () => ['runc', 'iptables', 'tini', ...apparmorPackages()],
    bridge: { name: 'docker2', gatewayCidr: '172.30.0.1/16' },
    daemonConfig: (paths) => ({
      iptables: false,
      ip6tables: false,
      'ip-masq': false,
      tlsverify: true,
      tlscacert: certs(paths).ca,
      tlscert: certs(paths).cert,
      tlskey: certs(paths).key,
    }),
    extraArguments: () => [`--host=tcp://127.0.0.1:${port}`],
  };
}

/**
 * Starts the TLS engine with the server certificate and key in `certFile`/`keyFile`, trusting
 * client certificates signed by `caFile`. A TLS engine left over from an earlier run is stopped
 * first. Resolves with where it listens and what it runs.
 */
export async function tlsEngineUp({ caFile, certFile, keyFile }) {
  const port = await freeLoopbackPort();
  const engine = tlsEngine(port);
  const paths = enginePaths(engine.name);
  await ensureSystemPackages(engine.systemPackages());
  await ensureNewestBinaries();
  await stopEngine(engine);
  mkdirSync(join(paths.dir, 'certs'), { recursive: true });
  copyFileSync(caFile, join(paths.dir, 'certs', 'ca.pem'));
  copyFileSync(certFile, join(paths.dir, 'certs', 'server-cert.pem'));
  copyFileSync(keyFile, join(paths.dir, 'certs', 'server-key.pem'));
  await ensureBridge(engine.bridge.name, engine.bridge.gatewayCidr);
  const started = Date.now();
  const pid = await startDockerd(engine, {
    dockerd: join(newestRoot, 'usr/sbin/dockerd'),
    pathFirst: [join(newestRoot, 'usr/bin'), join(newestRoot, 'usr/sbin')],
  });
  const startMs = Date.now() - started;
  log(`tls: dockerd ${pid} is up on 127.0.0.1:${port} after ${startMs} ms`);
  await ensureBusyboxImage(paths.socket);
  const version = await engineVersion(paths.socket);
  return {
    name: engine.name,
    host: `tcp://127.0.0.1:${port}`,
    port,
    socket: paths.socket,
    pid,
    startMs,
    version: version.Version,
    apiVersion: version.ApiVersion,
    logFile: paths.logFile,
  };
}

/** Stops the TLS engine by its pid file (and whatever it left behind); true if it was running. */
export async function tlsEngineDown() {
  const engine = tlsEngine(0);
  const wasRunning = runningDockerdPid(engine) !== undefined;
  await stopEngine(engine);
  return wasRunning;
}
