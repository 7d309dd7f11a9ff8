import { engineVersion } from './api.mjs';
import { bridgeExists, ensureBridge } from './bridge.mjs';
import { ensureBusyboxImage } from './busybox.mjs';
import { isEngineUp, runningDockerdPid, startDockerd, stopEngine, waitUntilReady } from './daemon.mjs';
import { engineNames, enginesOfThisRun, selectEngines } from './definitions.mjs';
import { log } from './log.mjs';
import { enginePaths } from './paths.mjs';
import { ensurePodmanBusybox, isPodmanUp, runningPodmanPid, startPodman, stopPodman } from './podman.mjs';
import { readEngines, updateEngines } from './state.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

export { engineNames, enginesOfThisRun, readEngines };

// How each kind of engine is found, started, stopped and given the test image.
const dockerdLifecycle = {
  runningPid: runningDockerdPid,
  isUp: isEngineUp,
  waitUntilReady,
  start: startEngine,
  stop: stopEngine,
  ensureImage: (engine) => ensureBusyboxImage(enginePaths(engine.name).socket),
};
const podmanLifecycle = {
  runningPid: runningPodmanPid,
  isUp: isPodmanUp,
  waitUntilReady,
  start: startPodman,
  stop: stopPodman,
  ensureImage: ensurePodmanBusybox,
};
const lifecycleOf = (engine) => (engine.kind === 'podman' ? podmanLifecycle : dockerdLifecycle);

function requireRoot() {
  if (process.getuid?.() !== 0) throw new Error('the engines need root (dockerd, apt-get, ip link)');
}

/**
 * Brings up the named engines (all when `names` is empty), installing what is missing, and leaves
 * running ones alone. Returns their engines.json entries.
 */
export async function enginesUp(names = []) {
  requireRoot();
  const engines = selectEngines(names);
  const toStart = [];
  for (const engine of engines) if (!(await isUpOrBecomingUp(engine))) toStart.push(engine);
  if (toStart.length > 0) await ensureSystemPackages([...new Set(toStart.flatMap((e) => e.systemPackages()))]);
  // One at a time: both dockerds program the same iptables chains when they start.
  for (const engine of toStart) await lifecycleOf(engine).start(engine);
  const entries = await Promise.all(engines.map(describeReadyEngine));
  updateEngines(
    engines.map((e) => e.name),
    entries,
    engineNames,
  );
  return entries;
}

/** True if it answers; an engine whose dockerd runs but does not answer yet gets the start-up timeout. */
async function isUpOrBecomingUp(engine) {
  const lifecycle = lifecycleOf(engine);
  // A running dockerd whose bridge vanished (another dockerd started with --bridge=none deletes
  // docker0) cannot start containers on its default network: restart it, which recreates it.
  // Podman's CNI makes its bridge when its first container starts, so it may rightly be missing.
  if (engine.kind !== 'podman' && !(await bridgeExists(engine.bridge.name))) {
    if (runningDockerdPid(engine) !== undefined) log(`${engine.name}: bridge ${engine.bridge.name} is gone, restarting`);
    return false;
  }
  if (await lifecycle.isUp(engine)) return true;
  const pid = lifecycle.runningPid(engine);
  if (pid === undefined) return false;
  log(`${engine.name}: pid ${pid} runs but does not answer yet, waiting`);
  try {
    await lifecycle.waitUntilReady(engine, pid);
    return true;
  } catch (error) {
    log(`${engine.name}: ${error.message.split('\n')[0]}; restarting it`);
    return false;
  }
}

async function startEngine(engine) {
  const binaries = await engine.binaries();
  // Whatever a dead run left behind (pid files, sockets, containerd, shims) goes first.
  await stopEngine(engine);
  if (engine.bridge.gatewayCidr) await ensureBridge(engine.bridge.name, engine.bridge.gatewayCidr);
  log(`${engine.name}: starting ${binaries.dockerd}`);
  const pid = await startDockerd(engine, binaries);
  log(`${engine.name}: dockerd ${pid} is up`);
}

async function describeReadyEngine(engine) {
  const paths = enginePaths(engine.name);
  const lifecycle = lifecycleOf(engine);
  if (await lifecycle.ensureImage(engine)) log(`${engine.name}: imported busybox:latest`);
  const version = await engineVersion(paths.socket);
  return {
    name: engine.name,
    socket: paths.socket,
    pid: lifecycle.runningPid(engine),
    version: version.Version,
    apiVersion: version.ApiVersion,
    minApiVersion: version.MinAPIVersion,
    bridge: engine.bridge.name,
    execRoot: paths.execRoot,
    logFile: paths.logFile,
  };
}

/** Stops the named engines (all when empty) by their pid files and drops them from engines.json. */
export async function enginesDown(names = []) {
  requireRoot();
  const engines = selectEngines(names);
  // In parallel: each dockerd may wait for its own containers to stop (10 s for one that ignores SIGTERM).
  const wasRunning = await Promise.all(engines.map((engine) => lifecycleOf(engine).stop(engine)));
  updateEngines(
    engines.map((e) => e.name),
    [],
    engineNames,
  );
  return engines.filter((_, index) => wasRunning[index]).map((e) => e.name);
}

/** Whether each named engine (all when empty) is up, with its version when it is. */
export async function enginesStatus(names = []) {
  return Promise.all(
    selectEngines(names).map(async (engine) => {
      const { socket } = enginePaths(engine.name);
      const lifecycle = lifecycleOf(engine);
      if (!(await lifecycle.isUp(engine))) return { name: engine.name, up: false, socket };
      const version = await engineVersion(socket);
      const pid = lifecycle.runningPid(engine);
      return { name: engine.name, up: true, socket, pid, version: version.Version, apiVersion: version.ApiVersion };
    }),
  );
}
