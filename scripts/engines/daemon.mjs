import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingEngine } from './api.mjs';
import { removeBridge } from './bridge.mjs';
import { unmountLeftovers } from './mounts.mjs';
import { enginePaths } from './paths.mjs';
import { isAlive, isOwnedProcess, parentPid, processesMentioning, readPidFile, terminate } from './processes.mjs';
import { tail } from './run.mjs';

const readyTimeoutMs = 60_000;
const dockerdGraceMs = 20_000;
const containerdGraceMs = 10_000;

/** The engine's dockerd pid, if that process is alive and really is this engine's dockerd. */
export function runningDockerdPid(engine) {
  const { pidFile, socket } = enginePaths(engine.name);
  const pid = readPidFile(pidFile);
  return isOwnedProcess(pid, socket) ? pid : undefined;
}

/** Up means: its dockerd runs and answers /_ping. */
export async function isEngineUp(engine) {
  return runningDockerdPid(engine) !== undefined && (await pingEngine(enginePaths(engine.name).socket));
}

function dockerdArguments(engine, paths) {
  const args = [
    `--host=unix://${paths.socket}`,
    `--data-root=${paths.dataRoot}`,
    `--exec-root=${paths.execRoot}`,
    `--pidfile=${paths.pidFile}`,
    // A config of its own, so a machine-wide /etc/docker/daemon.json cannot change the engine.
    `--config-file=${paths.configFile}`,
  ];
  if (engine.bridge.gatewayCidr) args.push(`--bridge=${engine.bridge.name}`);
  // Flags a daemon.json cannot carry next to --host (e.g. a second listener); see tls-engine.mjs.
  args.push(...(engine.extraArguments?.(paths) ?? []));
  // No --containerd: each dockerd runs its own containerd, with state under its own exec/data roots.
  return args;
}

/** Starts dockerd in its own session (it outlives this process) and waits until it answers /_ping. */
export async function startDockerd(engine, { dockerd, pathFirst }) {
  const paths = enginePaths(engine.name);
  for (const dir of [paths.dir, paths.dataRoot, paths.execRoot]) mkdirSync(dir, { recursive: true });
  writeFileSync(paths.configFile, `${JSON.stringify(engine.daemonConfig?.(paths) ?? {}, null, 2)}\n`);
  const logFd = openSync(paths.logFile, 'w');
  const env = {
    // The system's /usr/local stays off PATH so the engine only sees the binaries chosen for it.
    PATH: [...pathFirst, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
    HOME: process.env.HOME ?? '/root',
  };
  const child = spawn(dockerd, dockerdArguments(engine, paths), { detached: true, env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const spawnError = new Promise((_, reject) => child.once('error', reject));
  child.unref();
  await Promise.race([waitUntilReady(engine, child.pid), spawnError]);
  return child.pid;
}

/** Polls /_ping; fails early (with the log's tail) if the engine's process (dockerd or podman) exits, or after the timeout. */
export async function waitUntilReady(engine, pid, timeoutMs = readyTimeoutMs) {
  const { socket, logFile } = enginePaths(engine.name);
  const deadline = Date.now() + timeoutMs;
  while (!(await pingEngine(socket))) {
    const problem = !isAlive(pid) ? `process ${pid} exited` : Date.now() > deadline ? `no answer after ${timeoutMs} ms` : '';
    if (problem) throw new Error(`${engine.name}: ${problem} (log ${logFile}):\n${logTail(logFile)}`);
    await sleep(200);
  }
}

function logTail(file) {
  try {
    return tail(readFileSync(file, 'utf8'), 30);
  } catch {
    return '(no log)';
  }
}

/**
 * Stops everything the engine may have left running, found through its pid files and its own
 * paths (never by process name):
 * dockerd, then its containerd, then shims and container processes of an unclean exit.
 * Also unmounts what they left mounted, removes stale pid files and sockets, and the bridge if
 * these scripts created it.
 */
export async function stopEngine(engine) {
  const paths = enginePaths(engine.name);
  const dockerdPid = runningDockerdPid(engine);
  if (dockerdPid) await terminate(dockerdPid, dockerdGraceMs);
  const containerdPid = readPidFile(paths.containerdPidFile);
  if (isOwnedProcess(containerdPid, paths.execRoot)) await terminate(containerdPid, containerdGraceMs);
  await stopLeftoverShims(paths);
  await unmountLeftovers([paths.dataRoot, paths.execRoot]);
  for (const file of [paths.pidFile, paths.socket]) rmSync(file, { force: true });
  // The exec root only holds run-time state (sockets, pid files, netns); dockerd recreates it.
  rmSync(paths.execRoot, { recursive: true, force: true });
  removeIfEmpty(dirname(paths.execRoot));
  if (engine.bridge.gatewayCidr) await removeBridge(engine.bridge.name);
  return dockerdPid !== undefined;
}

// A shim outlives a killed containerd and keeps its container running. Each container's init.pid is
// in its bundle folder, and its parent is the shim; a shim whose container already exited is still
// recognisable by this engine's containerd socket on its command line.
async function stopLeftoverShims(paths) {
  for (const bundle of subfolders(paths.shimBundlesDir).flatMap(subfolders)) {
    const initPid = readPidFile(join(bundle, 'init.pid'));
    const shimPid = initPid && parentPid(initPid);
    if (!isOwnedProcess(shimPid, paths.containerdSocket)) continue;
    await terminate(initPid, 2_000);
    await terminate(shimPid, 2_000);
  }
  for (const pid of processesMentioning(`-address ${paths.containerdSocket}`)) await terminate(pid, 2_000);
}

function removeIfEmpty(dir) {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (another engine's exec root is there) or already gone.
  }
}

/** Folders directly inside `dir` (NAMESPACE, then CONTAINER for shim bundles). */
function subfolders(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}
