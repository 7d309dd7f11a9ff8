// Creates the benchmark's build context: 10,000 files, about 100 MB, in nested folders, with a
// .dockerignore that drops about a fifth of it (folders, globs and re-included exceptions).
// Deterministic: the same seed gives the same tree, so runs are comparable.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const treeShape = { files: 10_000, bytes: 100 * 1024 * 1024, layout: 2 };

const dockerignore = ['# generated for the benchmark', '**/*.log', 'cache', 'vendor/**/test', '!vendor/pkg-1/test/keep.txt', '*/tmp-*', ''].join('\n');

// A small linear congruential generator: fast, seeded, good enough for sizes and names.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fileSizes(next) {
  // Mostly small files with a tail of large ones, scaled so the sum is the target size.
  const raw = Array.from({ length: treeShape.files }, () => (next() < 0.93 ? 1 + next() * 8 : 40 + next() * 200));
  const scale = treeShape.bytes / raw.reduce((sum, size) => sum + size, 0);
  return raw.map((size) => Math.max(1, Math.round(size * scale)));
}

function relativePaths(next) {
  const tops = ['src', 'lib', 'vendor', 'cache', 'docs', 'assets', 'tests', 'build'];
  const paths = [];
  for (let i = 0; paths.length < treeShape.files; i++) {
    const top = tops[Math.floor(next() * tops.length)];
    const depth = 1 + Math.floor(next() * 2);
    const parts = [top];
    for (let d = 0; d < depth; d++) parts.push(d === 0 && top === 'vendor' ? `pkg-${Math.floor(next() * 40)}` : `d${Math.floor(next() * 10)}`);
    if (top === 'vendor' && next() < 0.2) parts.push('test');
    if (next() < 0.05) parts.push(`tmp-${Math.floor(next() * 4)}`);
    const ext = next() < 0.1 ? 'log' : next() < 0.5 ? 'ts' : 'bin';
    parts.push(`f${i}.${ext}`);
    paths.push(parts.join('/'));
  }
  paths[0] = 'vendor/pkg-1/test/keep.txt';
  return paths;
}

/** Creates the tree under `root` unless a complete one from the same generator is already there. */
export function ensureTree(root) {
  const marker = `${root}.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(treeShape)) return root;
  rmSync(root, { recursive: true, force: true });
  const next = random(42);
  const sizes = fileSizes(next);
  const paths = relativePaths(next);
  const block = Buffer.alloc(256 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = Math.floor(next() * 256);
  paths.forEach((path, i) => {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    const offset = Math.floor(next() * 1024);
    const size = sizes[i];
    const content = Buffer.allocUnsafe(size);
    for (let written = 0; written < size; written += block.length - offset)
      block.copy(content, written, offset, Math.min(block.length, offset + size - written));
    writeFileSync(full, content);
  });
  // Buildable as is, so the Docker CLI can produce the reference file set.
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\nCOPY . /ctx/\nCMD ["none"]\n');
  writeFileSync(join(root, '.dockerignore'), dockerignore);
  writeFileSync(marker, JSON.stringify(treeShape));
  return root;
}
