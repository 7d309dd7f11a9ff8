import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineRequest } from './api.mjs';
import { log } from './log.mjs';
import { cacheDir } from './paths.mjs';
import { findDeb } from './private-apt.mjs';
import { output, run } from './run.mjs';
import { refreshPackageLists } from './system-packages.mjs';

// No registry is reachable, so the test image is built from Debian's statically linked busybox.
const imageName = 'busybox:latest';
const busyboxDir = join(cacheDir, 'busybox');
const rootfsTar = join(busyboxDir, 'busybox-rootfs.tar');
// Like the official busybox image: a PATH and `sh` as the default command.
const imageChanges = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["sh"]'];

/** Imports busybox:latest into the engine unless it already has it. Returns true if it imported. */
export async function ensureBusyboxImage(socket) {
  const existing = await engineRequest(socket, 'GET', `/images/${imageName}/json`);
  if (existing.status === 200) return false;
  await importRootfs(socket, await busyboxRootfsTar());
  return true;
}

/**
 * The same image for Podman, made by its CLI (`podman import`): Podman 4.3 ignores `tag` on the
 * API's import. `podmanCommand(args)` runs podman against the engine's own storage.
 */
export async function ensureBusyboxImageWithPodman(socket, podmanCommand) {
  const existing = await engineRequest(socket, 'GET', `/images/${imageName}/json`);
  if (existing.status === 200) return false;
  const changes = imageChanges.flatMap((change) => ['--change', change]);
  await podmanCommand(['import', ...changes, await busyboxRootfsTar(), imageName]);
  return true;
}

async function importRootfs(socket, tarFile) {
  const [repo, tag] = imageName.split(':');
  const query = new URLSearchParams({ fromSrc: '-', repo, tag });
  for (const change of imageChanges) query.append('changes', change);
  const { status, body } = await engineRequest(socket, 'POST', `/images/create?${query}`, {
    body: createReadStream(tarFile),
    headers: { 'Content-Type': 'application/x-tar' },
    timeoutMs: 120_000,
  });
  // The answer is a stream of JSON progress messages; a failure can hide in it even with status 200.
  const failure = body
    .split('\n')
    .map(parseJson)
    .find((message) => message?.error);
  if (status !== 200 || failure) {
    throw new Error(`importing ${imageName} into ${socket} failed (${status}): ${failure?.error ?? body}`);
  }
}

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

let rootfsTarPromise;
/** The image's root file system as a tar file, built once and cached under .engines/cache. */
export function busyboxRootfsTar() {
  rootfsTarPromise ??= existsSync(rootfsTar) ? Promise.resolve(rootfsTar) : buildRootfsTar();
  return rootfsTarPromise;
}

async function buildRootfsTar() {
  const deb = await busyboxDeb();
  const work = mkdtempSync(join(busyboxDir, 'build-'));
  try {
    await run('dpkg-deb', ['-x', deb, join(work, 'package')]);
    const rootfs = join(work, 'rootfs');
    await assembleRootfs(findBusyboxBinary(join(work, 'package')), rootfs);
    const partial = `${rootfsTar}.partial`;
    // Fixed owners and times keep the tar the same from one build to the next.
    await run('tar', ['--create', `--file=${partial}`, `--directory=${rootfs}`, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '.']);
    renameSync(partial, rootfsTar);
    return rootfsTar;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The busybox-static .deb, downloaded with the system's apt (lists refreshed only if that fails). */
async function busyboxDeb() {
  mkdirSync(busyboxDir, { recursive: true });
  const cached = findDeb(busyboxDir, 'busybox-static');
  if (cached) return cached;
  log('busybox: downloading busybox-static');
  const download = () => run('apt-get', ['-o', 'APT::Sandbox::User=root', 'download', 'busybox-static'], { cwd: busyboxDir });
  await download().catch(async () => {
    await refreshPackageLists();
    await download();
  });
  return findDeb(busyboxDir, 'busybox-static');
}

function findBusyboxBinary(packageDir) {
  const binary = ['bin/busybox', 'usr/bin/busybox'].map((path) => join(packageDir, path)).find(existsSync);
  if (!binary) throw new Error(`busybox-static has no bin/busybox (looked in ${packageDir})`);
  return binary;
}

/** bin/busybox plus a link for every applet it has, and the few files a shell user expects. */
async function assembleRootfs(busybox, rootfs) {
  for (const dir of ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sys', 'tmp', 'usr/bin', 'var']) {
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  chmodSync(join(rootfs, 'root'), 0o700);
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  const applets = (await output(busybox, ['--list'])).split('\n').filter((name) => name && name !== 'busybox');
  for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}
