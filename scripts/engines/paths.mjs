import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stateDir = join(repoRoot, '.engines');
export const stateFile = join(stateDir, 'engines.json');
export const cacheDir = join(stateDir, 'cache');

// Exec roots hold containerd's sockets, whose paths must stay under the 108-byte unix socket limit.
// A deep checkout (e.g. /home/runner/work/x/x/.engines/...) would overflow it, so exec roots live in
// /run under a short name that is still unique per checkout.
const checkoutId = createHash('sha256').update(stateDir).digest('hex').slice(0, 8);
const runDir = join('/run', `engines-${checkoutId}`);

/** Every path one engine owns; nothing is shared between engines. */
export function enginePaths(name) {
  const dir = join(stateDir, name);
  const execRoot = join(runDir, name);
  return {
    dir,
    socket: join(dir, 'docker.sock'),
    pidFile: join(dir, 'docker.pid'),
    logFile: join(dir, 'dockerd.log'),
    configFile: join(dir, 'daemon.json'),
    dataRoot: join(dir, 'data'),
    execRoot,
    // Where dockerd's managed containerd keeps its pid file and its per-container shim bundles.
    containerdPidFile: join(execRoot, 'containerd', 'containerd.pid'),
    containerdSocket: join(execRoot, 'containerd', 'containerd.sock'),
    shimBundlesDir: join(execRoot, 'containerd', 'daemon', 'io.containerd.runtime.v2.task'),
  };
}
