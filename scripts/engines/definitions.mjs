import { join } from 'node:path';
import { ensureNewestBinaries, newestRoot } from './newest-binaries.mjs';
import { apparmorPackages } from './system-packages.mjs';

/**
 * The engines this project tests against. Versions are never written here: each engine reports its own
 * through GET /version once it runs.
 *
 * - systemPackages: Debian 12 packages the engine needs installed on the machine.
 * - bridge: the bridge its containers use. Only a bridge with a gatewayCidr is created (and removed) by
 *   these scripts; docker0 is dockerd's default, which dockerd creates itself.
 * - kind: 'podman' for a Podman service; a dockerd otherwise.
 * - binaries(): where its dockerd is and what goes first on PATH (containerd, shim, docker-proxy).
 * - daemonConfig(paths): its daemon.json settings (only keys this engine's version understands).
 */
export const engineDefinitions = [
  {
    name: 'legacy',
    // Debian 12's own Docker; pulls in containerd, runc, iptables and tini (docker-init).
    systemPackages: () => ['docker.io', ...apparmorPackages()],
    bridge: { name: 'docker0' },
    binaries: async () => ({ dockerd: '/usr/sbin/dockerd', pathFirst: [] }),
    // Docker 20.10 would otherwise write its identity key to /etc/docker/key.json, outside .engines.
    daemonConfig: (paths) => ({ 'deprecated-key-path': join(paths.dir, 'key.json') }),
  },
  {
    name: 'newest',
    // Its own dockerd/containerd come from a newer suite, but runc (and tini for docker-init) are
    // Debian 12's; ip creates its bridge.
    systemPackages: () => ['runc', 'iptables', 'tini', 'iproute2', ...apparmorPackages()],
    // A bridge of its own, so containers of both engines never get the same addresses.
    bridge: { name: 'docker1', gatewayCidr: '172.29.0.1/16' },
    binaries: async () => {
      await ensureNewestBinaries();
      return {
        dockerd: join(newestRoot, 'usr/sbin/dockerd'),
        pathFirst: [join(newestRoot, 'usr/bin'), join(newestRoot, 'usr/sbin')],
      };
    },
  },
  {
    name: 'podman',
    // Another implementation of the API: Debian 12's Podman 4.3 (API 1.41) with its conmon, CNI
    // plugins and runc. Started and stopped by podman.mjs rather than as a dockerd.
    kind: 'podman',
    systemPackages: () => ['podman', 'iproute2', ...apparmorPackages()],
    // Its default CNI network makes and owns this bridge; nothing here creates it.
    bridge: { name: 'cni-podman0' },
  },
];

export const engineNames = engineDefinitions.map((engine) => engine.name);

/** The engines a run uses: those named in ENGINES (comma or space separated) when it is set, else all. */
export function enginesOfThisRun(env = process.env) {
  return (env.ENGINES ?? '').split(/[\s,]+/).filter(Boolean);
}

/** Definitions for `names` (all when empty), in the order above; unknown names are an error. */
export function selectEngines(names = []) {
  const unknown = names.filter((name) => !engineNames.includes(name));
  if (unknown.length > 0) throw new Error(`unknown engine ${unknown.join(', ')} (known: ${engineNames.join(', ')})`);
  return engineDefinitions.filter((engine) => names.length === 0 || names.includes(engine.name));
}
