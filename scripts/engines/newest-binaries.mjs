import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { log } from './log.mjs';
import { cacheDir, stateDir } from './paths.mjs';
import { findDeb, privateApt } from './private-apt.mjs';
import { output, run } from './run.mjs';

// unstable carries the newest Docker; trixie is the fallback if unstable's binaries stop running on Debian 12.
const suites = ['unstable', 'trixie'];
const packages = ['docker.io', 'containerd'];
export const newestRoot = join(stateDir, 'newest', 'root');
const markerFile = join(newestRoot, '.extracted.json');

/**
 * Makes sure dockerd/containerd from the newest Debian suite are extracted under .engines/newest/root.
 * Downloads once: the .debs are cached per suite and reused by later runs.
 */
export async function ensureNewestBinaries() {
  if (existsSync(markerFile)) return JSON.parse(readFileSync(markerFile, 'utf8'));
  const failures = [];
  for (const suite of suites) {
    try {
      return await extractSuite(suite);
    } catch (error) {
      failures.push(`${suite}: ${error.message}`);
      const next = suite === suites.at(-1) ? 'giving up' : 'trying the next suite';
      log(`newest: Debian ${suite} did not work (${error.message.split('\n')[0]}), ${next}`);
    }
  }
  throw new Error(`could not set up the newest Docker from Debian:\n${failures.join('\n')}`);
}

async function extractSuite(suite) {
  const debs = await cachedOrDownloadedDebs(suite);
  rmSync(newestRoot, { recursive: true, force: true });
  mkdirSync(newestRoot, { recursive: true });
  for (const deb of debs) await run('dpkg-deb', ['-x', deb, newestRoot]);
  removeBundledRunc();
  pointDockerInitAtSystemTini();
  await checkBinariesRun();
  const marker = { suite, debs: debs.map((deb) => basename(deb)) };
  writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

async function cachedOrDownloadedDebs(suite) {
  const dir = join(cacheDir, `newest-${suite}`);
  const cached = packages.map((name) => findDeb(dir, name));
  if (cached.every(Boolean)) return cached;
  const apt = privateApt(suite);
  log(`newest: downloading ${packages.join(', ')} from Debian ${suite}`);
  await apt.update();
  const debs = await apt.download(packages, dir);
  log(`newest: got ${debs.map((deb) => basename(deb)).join(', ')}`);
  return debs;
}

// The newer suites' runc needs a newer glibc than Debian 12's; the system's runc is used instead.
function removeBundledRunc() {
  for (const dir of ['usr/bin', 'usr/sbin']) rmSync(join(newestRoot, dir, 'runc'), { force: true });
}

// docker-init is a relative link to tini-static, which is not extracted; the system's tini package has it.
function pointDockerInitAtSystemTini() {
  const link = join(newestRoot, 'usr', 'bin', 'docker-init');
  if (!isSymlink(link) || existsSync(resolve(join(link, '..'), readlinkSync(link)))) return;
  rmSync(link);
  symlinkSync('/usr/bin/tini-static', link);
}

function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// A binary built against a newer glibc fails right here, which triggers the fallback to the next suite.
async function checkBinariesRun() {
  await output(join(newestRoot, 'usr/sbin/dockerd'), ['--version']);
  await output(join(newestRoot, 'usr/bin/containerd'), ['--version']);
  await output(join(newestRoot, 'usr/bin/containerd-shim-runc-v2'), ['-v']);
}
