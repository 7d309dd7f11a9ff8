// The package as a user meets it: packed as it would be published, installed from the tarball into
// an empty project. Used by `npm run size` and `npm run bench:types`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command to its end and returns its output; a failure throws, naming the command. */
export function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  return result.stdout;
}

/** Packs the package at `root` into `scratch` (building dist/ first when it is missing); returns the tarball's path. */
export function packPackage(root, scratch) {
  if (!existsSync(join(root, 'dist', 'index.js'))) run('npm', ['run', 'build'], root);
  return join(scratch, run('npm', ['pack', '--silent', '--pack-destination', scratch], root).trim().split('\n').at(-1));
}

/** An empty project `scratch/name` with `specs` (tarballs or registry names) installed; returns its folder. */
export function freshProject(scratch, name, specs) {
  const project = join(scratch, name);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], project);
  return project;
}
