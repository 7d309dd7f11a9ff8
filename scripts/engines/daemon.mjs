import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingEngine } from './api.mjs';
import { removeBridge } from './bridge.mjs';
import { enginePaths } from './paths.mjs';
import { isAlive, isOwnedProcess, parentPid, readPidFile, terminate } from './processes.mjs';
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
    // An empty config of its own, so a machine-wide /etc/docker/daemon.json cannot change the engine.
    `--config-file=${paths.configFile}`,
  ];
  if (engine.bridge.gatewayCidr) args.push(`--bridge=${engine.bridge.name}`);
  // No --containerd: each dockerd runs its own containerd, with state under its own exec/data roots.
  return args;
}

/** Starts dockerd in its own session (it outlives this process) and waits until it answers /_ping. */
export async function startDockerd(engine, { dockerd, pathFirst }) {
  const paths = enginePaths(engine.name);
  for (const dir of [paths.dir, paths.dataRoot, paths.execRoot]) mkdirSync(dir, { recursive: true });
  if (!existsSync(paths.configFile)) writeFileSync(paths.configFile, '{}\n');
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

/** Polls /_ping; fails early (with the log's tail) if dockerd exits, or after the timeout. */
export async function waitUntilReady(engine, pid, timeoutMs = readyTimeoutMs) {
  const { socket, logFile } = enginePaths(engine.name);
  const deadline = Date.now() + timeoutMs;
  while (!(await pingEngine(socket))) {
    const problem = !isAlive(pid) ? 'dockerd exited' : Date.now() > deadline ? `no answer after ${timeoutMs} ms` : '';
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
 * Stops everything the engine may have left running, found through its own pid files only:
 * dockerd, then its containerd, then shims and container processes of an unclean exit.
 * Also removes stale pid files and sockets, and the bridge if these scripts created it.
 */
export async function stopEngine(engine) {
  const paths = enginePaths(engine.name);
  const dockerdPid = runningDockerdPid(engine);
  if (dockerdPid) await terminate(dockerdPid, dockerdGraceMs);
  const containerdPid = readPidFile(paths.containerdPidFile);
  if (isOwnedProcess(containerdPid, paths.execRoot)) await terminate(containerdPid, containerdGraceMs);
  await stopLeftoverShims(paths);
  for (const file of [paths.pidFile, paths.socket, paths.containerdPidFile]) rmSync(file, { force: true });
  if (engine.bridge.gatewayCidr) await removeBridge(engine.bridge.name);
  return dockerdPid !== undefined;
}

// A shim outlives a killed containerd and keeps its container running; both are found via the
// shim.pid/init.pid files in the shim's bundle folder.
async function stopLeftoverShims(paths) {
  for (const bundle of shimBundles(paths.shimBundlesDir)) {
    const shimPid = readPidFile(join(bundle, 'shim.pid'));
    if (!isOwnedProcess(shimPid, paths.containerdSocket)) continue;
    const initPid = readPidFile(join(bundle, 'init.pid'));
    if (initPid && parentPid(initPid) === shimPid) await terminate(initPid, 2_000);
    await terminate(shimPid, 2_000);
  }
}

/** Folders NAMESPACE/CONTAINER under the shim state folder. */
function shimBundles(dir) {
  return subfolders(dir).flatMap((namespace) => subfolders(namespace));
}

function subfolders(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}
