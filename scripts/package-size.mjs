#!/usr/bin/env node
// npm run size: what installing this package costs a user, beside dockerode. Packs the package as
// it would be published, installs the tarball into an empty project, installs dockerode with its
// types into another, and prints the tarball and both node_modules folders (apparent size, as
// `du --apparent-size` counts it). Fails when the install with its dependencies passes the limit
// the package promises (issue 10: 8 MB).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshProject, packPackage } from './fresh-project.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const LIMIT_MB = 8;

/** Bytes of every file below `path`, links not followed. */
function apparentSize(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((total, name) => total + apparentSize(join(path, name)), 0);
}

const scratch = mkdtempSync(join(tmpdir(), 'package-size-'));
try {
  const tarball = packPackage(root, scratch);
  const ours = apparentSize(join(freshProject(scratch, 'with-this-package', [tarball]), 'node_modules'));
  const rows = [
    ['this package (tarball)', statSync(tarball).size],
    ['this package, installed with its dependencies', ours],
    ['dockerode + @types/dockerode, installed', apparentSize(join(freshProject(scratch, 'with-dockerode', ['dockerode', '@types/dockerode']), 'node_modules'))],
  ];
  for (const [label, bytes] of rows) console.log(`${label.padEnd(48)} ${(bytes / MB).toFixed(1).padStart(6)} MB`);
  if (ours > LIMIT_MB * MB) {
    console.error(
      `The install weighs ${(ours / MB).toFixed(1)} MB, over the ${LIMIT_MB} MB the package promises: see what \`files\` in package.json ships and what the dependencies bring.`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
