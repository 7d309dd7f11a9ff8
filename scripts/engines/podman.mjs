import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pingEngine } from './api.mjs';
import { ensureBusyboxImageWithPodman } from './busybox.mjs';
import { unmountLeftovers } from './mounts.mjs';
import { enginePaths } from './paths.mjs';
import { isOwnedProcess, readPidFile, terminate } from './processes.mjs';
import { run } from './run.mjs';
import { registryPort } from './registry.mjs';
import { startService } from './service.mjs';

// Debian 12's Podman (4.3) serving its Docker-compatible API on a private socket: storage (--root),
// run-time state (--runroot, --tmpdir), CNI network files and the events log all live under the
// engine's own folders, and a containers.conf and registries.conf of its own keep the machine's
// configuration out.
// The service is stopped by its pid; the containers it leaves (conmon outlives it) are removed
// with the podman CLI pointed at the same folders.

const readyTimeoutMs = 60_000;
const serviceGraceMs = 10_000;

/** Every path of the Podman engine beyond the shared ones of enginePaths. */
export function podmanPaths(name) {
  const paths = enginePaths(name);
  return {
    ...paths,
    storageRoot: join(paths.dir, 'storage'),
    // Conmon's attach sockets live under runroot and tmpdir: a short path under /run keeps them
    // under the 108-byte unix socket limit.
    runRoot: join(paths.execRoot, 'runroot'),
    tmpDir: join(paths.execRoot, 'tmp'),
    containersConf: join(paths.dir, 'containers.conf'),
    registriesConf: join(paths.dir, 'registries.conf'),
    networkConfigDir: join(paths.dir, 'networks'),
  };
}

// Root here has no CAP_SYS_RESOURCE: Podman's default ulimits (nofile 1048576) are above the hard
// limits and runc fails with "error setting rlimit"; these stay at or under them.
function containersConf(paths) {
  return [
    '[containers]',
    'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
    '',
    '[network]',
    `network_config_dir = "${paths.networkConfigDir}"`,
    '',
    '[engine]',
    'events_logger = "file"',
    `events_logfile_path = "${join(paths.tmpDir, 'events.log')}"`,
    'cgroup_manager = "cgroupfs"',
    '',
  ].join('\n');
}

// Docker treats a registry on 127.0.0.0/8 as insecure by itself; Podman only those its registries.conf
// marks so. The test registry (scripts/engines/registry.mjs) speaks plain HTTP.
function registriesConf() {
  return ['127.0.0.1', 'localhost'].map((host) => `[[registry]]\nlocation = "${host}:${registryPort}"\ninsecure = true\n`).join('\n');
}

/** Options every podman command of this engine takes, the service and the CLI alike. */
function globalOptions(paths) {
  return [`--root=${paths.storageRoot}`, `--runroot=${paths.runRoot}`, `--tmpdir=${paths.tmpDir}`];
}

function podmanEnv(paths) {
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    CONTAINERS_CONF: paths.containersConf,
    CONTAINERS_REGISTRIES_CONF: paths.registriesConf,
  };
}

/** The pid of this engine's `podman system service`, if it runs. */
export function runningPodmanPid(engine) {
  const { pidFile, socket } = enginePaths(engine.name);
  const pid = readPidFile(pidFile);
  return isOwnedProcess(pid, socket) ? pid : undefined;
}

export async function isPodmanUp(engine) {
  return runningPodmanPid(engine) !== undefined && (await pingEngine(enginePaths(engine.name).socket));
}

/** Starts `podman system service` in its own session, keeps its pid, and waits until it answers /_ping. */
export async function startPodman(engine) {
  const paths = podmanPaths(engine.name);
  // Whatever a dead run left behind (containers, mounts, a stale socket) goes first.
  await stopPodman(engine);
  for (const dir of [paths.dir, paths.storageRoot, paths.runRoot, paths.tmpDir, paths.networkConfigDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(paths.containersConf, containersConf(paths));
  writeFileSync(paths.registriesConf, registriesConf());
  return startService({
    name: engine.name,
    command: 'podman',
    args: [...globalOptions(paths), 'system', 'service', '--time=0', `unix://${paths.socket}`],
    env: podmanEnv(paths),
    logFile: paths.logFile,
    pidFile: paths.pidFile,
    isReady: () => pingEngine(paths.socket),
    timeoutMs: readyTimeoutMs,
  });
}

/**
 * Stops the service by its pid, then removes the containers it leaves running (their conmon
 * processes outlive it), unmounts what is left under its folders, and drops its run-time state.
 * Images stay in its storage for the next start.
 */
export async function stopPodman(engine) {
  const paths = podmanPaths(engine.name);
  const pid = runningPodmanPid(engine);
  if (pid) await terminate(pid, serviceGraceMs);
  if (existsSync(paths.runRoot)) {
    await run('podman', [...globalOptions(paths), 'rm', '--all', '--force', '--time=0'], { env: podmanEnv(paths), allowFailure: true });
  }
  await unmountLeftovers([paths.storageRoot, paths.execRoot]);
  for (const file of [paths.pidFile, paths.socket]) rmSync(file, { force: true });
  rmSync(paths.execRoot, { recursive: true, force: true });
  return pid !== undefined;
}

/** Imports busybox:latest with the podman CLI unless the engine has it; true if it imported. */
export function ensurePodmanBusybox(engine) {
  const paths = podmanPaths(engine.name);
  return ensureBusyboxImageWithPodman(paths.socket, (args) => run('podman', [...globalOptions(paths), ...args], { env: podmanEnv(paths) }));
}
