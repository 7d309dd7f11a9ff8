import { engineVersion } from './api.mjs';
import { ensureBridge } from './bridge.mjs';
import { ensureBusyboxImage } from './busybox.mjs';
import { runningDockerdPid, startDockerd, stopEngine } from './daemon.mjs';
import { selectEngines } from './definitions.mjs';
import { log } from './log.mjs';
import { enginePaths } from './paths.mjs';
import { rmSync } from 'node:fs';
import { isAlive, readPidFile } from './processes.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

// Private dockerds for tests that need an engine nobody else uses (TLS, faults): the binaries of one
// of the two shared engines' generations, data and exec roots of their own, a bridge of their own
// (never --bridge=none: a dockerd started that way deletes the host's docker0) and no iptables, so
// they cannot disturb the shared engines. Tests start them, may kill them, and stop them by pid.

/**
 * An engine definition (see definitions.mjs) named `name`, running `generation`'s binaries on
 * `bridge`, with `daemonConfig(paths)` and `extraArguments(paths)` added to the generation's own.
 */
export function privateEngine({ name, generation, bridge, daemonConfig = () => ({}), extraArguments = () => [] }) {
  const [base] = selectEngines([generation]);
  return {
    name,
    generation,
    systemPackages: () => [...base.systemPackages(), 'iproute2'],
    bridge,
    binaries: base.binaries,
    daemonConfig: (paths) => ({ ...base.daemonConfig?.(paths), iptables: false, ip6tables: false, 'ip-masq': false, ...daemonConfig(paths) }),
    extraArguments,
  };
}

/** Starts the engine (a leftover of an earlier run is stopped first); resolves with where it listens and what it runs. */
export async function privateEngineUp(engine) {
  await ensureSystemPackages(engine.systemPackages());
  const binaries = await engine.binaries();
  await stopEngine(engine);
  await ensureBridge(engine.bridge.name, engine.bridge.gatewayCidr);
  const started = Date.now();
  const pid = await startDockerd(engine, binaries);
  const startMs = Date.now() - started;
  log(`${engine.name}: dockerd ${pid} is up after ${startMs} ms`);
  const paths = enginePaths(engine.name);
  await ensureBusyboxImage(paths.socket);
  return describe(engine, pid, startMs);
}

/**
 * Starts dockerd again after privateEngineKill, over what the killed one left: its containerd, its
 * containers' shims, a stale socket file and pid file. That is a daemon coming back after a crash.
 */
export async function privateEngineRestart(engine) {
  // Where nothing reaps orphans, the dead containerd stays a zombie, which the new dockerd would
  // take for a live one and wait on.
  const { containerdPidFile } = enginePaths(engine.name);
  const containerdPid = readPidFile(containerdPidFile);
  if (containerdPid !== undefined && !isAlive(containerdPid)) rmSync(containerdPidFile, { force: true });
  const started = Date.now();
  const pid = await startDockerd(engine, await engine.binaries());
  return describe(engine, pid, Date.now() - started);
}

/**
 * SIGKILL to dockerd alone, as a crash or an OOM kill would; resolves once it is gone, and its
 * containerd too (dockerd starts it with a parent-death signal). Container shims live on.
 */
export async function privateEngineKill(engine) {
  const pid = runningDockerdPid(engine);
  if (pid === undefined) throw new Error(`${engine.name}: no running dockerd to kill`);
  const containerdPid = readPidFile(enginePaths(engine.name).containerdPidFile);
  process.kill(pid, 'SIGKILL');
  await waitUntilGone(pid, `${engine.name}: dockerd ${pid} survived SIGKILL`);
  if (containerdPid !== undefined) await waitUntilGone(containerdPid, `${engine.name}: containerd ${containerdPid} outlived its dockerd`);
  return pid;
}

async function waitUntilGone(pid, complaint) {
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(complaint);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Stops everything the engine runs or left behind; resolves with whether its dockerd was running. */
export async function privateEngineDown(engine) {
  const wasRunning = runningDockerdPid(engine) !== undefined;
  await stopEngine(engine);
  return wasRunning;
}

async function describe(engine, pid, startMs) {
  const { socket, logFile } = enginePaths(engine.name);
  const version = await engineVersion(socket);
  return { name: engine.name, generation: engine.generation, socket, pid, startMs, version: version.Version, apiVersion: version.ApiVersion, logFile };
}
