#!/usr/bin/env node
// npm run size: what installing this package costs a user, beside dockerode. Packs the package as
// it would be published, installs the tarball into an empty project, installs dockerode with its
// types into another, and prints the tarball and both node_modules folders (apparent size, as
// `du --apparent-size` counts it). Builds first when dist/ is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  return result.stdout;
}

/** Bytes of every file below `path`, links not followed. */
function apparentSize(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((total, name) => total + apparentSize(join(path, name)), 0);
}

function emptyProject(dir, name) {
  const project = join(dir, name);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true }));
  return project;
}

const install = (project, specs) => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], project);

if (!existsSync(join(root, 'dist', 'index.js'))) run('npm', ['run', 'build'], root);
const scratch = mkdtempSync(join(tmpdir(), 'package-size-'));
try {
  const tarball = join(scratch, run('npm', ['pack', '--silent', '--pack-destination', scratch], root).trim().split('\n').at(-1));
  const ours = emptyProject(scratch, 'with-this-package');
  install(ours, [tarball]);
  const peer = emptyProject(scratch, 'with-dockerode');
  install(peer, ['dockerode', '@types/dockerode']);
  const rows = [
    ['this package (tarball)', statSync(tarball).size],
    ['this package, installed with its dependencies', apparentSize(join(ours, 'node_modules'))],
    ['dockerode + @types/dockerode, installed', apparentSize(join(peer, 'node_modules'))],
  ];
  for (const [label, bytes] of rows) console.log(`${label.padEnd(48)} ${(bytes / MB).toFixed(1).padStart(6)} MB`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
