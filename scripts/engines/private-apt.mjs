import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from './paths.mjs';
import { run } from './run.mjs';

/**
 * An apt configuration of its own (sources, lists, cache) for one Debian suite, so packages can be
 * downloaded from another suite while the system's sources and lists stay untouched.
 */
export function privateApt(suite) {
  const dir = join(stateDir, 'apt', suite);
  const sourcesList = join(dir, 'sources.list');
  const options = [
    ['Dir::Etc::SourceList', sourcesList],
    ['Dir::Etc::SourceParts', '/dev/null'],
    ['Dir::State::Lists', join(dir, 'lists')],
    ['Dir::Cache', join(dir, 'cache')],
    // Files land in folders the _apt user cannot write to; download as root instead of warning.
    ['APT::Sandbox::User', 'root'],
  ].flatMap(([key, value]) => ['-o', `${key}=${value}`]);

  function prepare() {
    for (const sub of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, sub), { recursive: true });
    const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
    writeFileSync(sourcesList, `deb [signed-by=${keyring}] http://deb.debian.org/debian ${suite} main\n`);
  }

  return {
    async update() {
      prepare();
      await run('apt-get', [...options, 'update']);
    },
    /** Downloads the packages' .debs (not their dependencies) into `targetDir`; returns their paths. */
    async download(packages, targetDir) {
      mkdirSync(targetDir, { recursive: true });
      await run('apt-get', [...options, 'download', ...packages], { cwd: targetDir });
      return packages.map((name) => findDeb(targetDir, name));
    },
  };
}

/** The .deb of `name` in `dir` (file names are NAME_VERSION_ARCH.deb), or undefined. */
export function findDeb(dir, name) {
  let files = [];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined;
  }
  const file = files.find((entry) => entry.startsWith(`${name}_`) && entry.endsWith('.deb'));
  return file && join(dir, file);
}
