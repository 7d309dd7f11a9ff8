import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { log } from './log.mjs';
import { run } from './run.mjs';

const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Wait for another apt/dpkg (e.g. unattended-upgrades) instead of failing on its lock.
const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
const policyFile = '/usr/sbin/policy-rc.d';

/** Packages from `names` that dpkg does not report as installed. */
export async function missingPackages(names) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template.
  const { stdout } = await run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names], {
    allowFailure: true, // dpkg-query exits 1 when a package is unknown; the output still tells us.
  });
  const installed = new Set(
    stdout
      .split('\n')
      .filter((line) => line.split(' ')[1] === 'ii')
      .map((line) => line.split(' ')[0].replace(/:.*$/, '')),
  );
  return names.filter((name) => !installed.has(name));
}

/** AppArmor profiles need apparmor_parser when the kernel enforces AppArmor. */
export function apparmorPackages() {
  const flag = '/sys/module/apparmor/parameters/enabled';
  return existsSync(flag) && readFileSync(flag, 'utf8').startsWith('Y') ? ['apparmor'] : [];
}

let listsRefreshed;
/** `apt-get update` at most once per process; a failing third-party source only warns. */
export function refreshPackageLists() {
  listsRefreshed ??= (async () => {
    log('apt-get update');
    const { code, stderr } = await run('apt-get', [...lockWait, 'update'], { env: aptEnv, allowFailure: true });
    if (code !== 0) log(`apt-get update exited with ${code}, continuing with the lists it got:\n${stderr.trim()}`);
  })();
  return listsRefreshed;
}

/** Installs what is missing from `names` (refreshing lists first) and never starts system services. */
export async function ensureSystemPackages(names) {
  const missing = await missingPackages(names);
  if (missing.length === 0) return;
  await refreshPackageLists();
  log(`apt-get install ${missing.join(' ')}`);
  await withServiceStartsForbidden(() => run('apt-get', [...lockWait, 'install', '-y', '--no-install-recommends', ...missing], { env: aptEnv }));
  const stillMissing = await missingPackages(names);
  if (stillMissing.length > 0) throw new Error(`apt-get install did not install: ${stillMissing.join(' ')}`);
}

/**
 * Package scripts start services through invoke-rc.d / deb-systemd-invoke, which both ask policy-rc.d.
 * A policy that answers 101 keeps a system dockerd/containerd from starting next to the private ones.
 * An existing policy belongs to the machine and is left alone.
 */
async function withServiceStartsForbidden(action) {
  if (existsSync(policyFile)) return action();
  writeFileSync(policyFile, '#!/bin/sh\n# Written by scripts/engines: no service starts during install.\nexit 101\n', {
    mode: 0o755,
  });
  try {
    return await action();
  } finally {
    rmSync(policyFile, { force: true });
  }
}
