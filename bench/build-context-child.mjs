// One run of one contender of the build-context benchmark, in a fresh process (see
// build-context.mjs). Prints one JSON line: the time to produce the whole tar stream (module
// loading excluded), its size, and with --list the names of its entries.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { createGunzip } from 'node:zlib';

const require = createRequire(import.meta.url);
const [contender, root, listFile, mode] = process.argv.slice(2);

async function library() {
  const { directoryContext } = await import('../src/build/directory-context.ts');
  return async () => (await directoryContext(root)).tar;
}

// tar-fs packing exactly the entries the library sends (given as a list), owners set to 0 like Docker.
async function tarFs() {
  const tar = require('tar-fs');
  const allowed = new Set(readFileSync(listFile, 'utf8').split('\n').filter(Boolean));
  return async () =>
    tar.pack(root, {
      ignore: (name) => !allowed.has(relative(root, name)),
      map: (header) => Object.assign(header, { uid: 0, gid: 0 }),
    });
}

// dockerode's own buildImage path: its .dockerignore handling, tar-fs, then gzip, as it sends it.
async function dockerode() {
  const { prepareBuildContext } = require('dockerode/lib/util.js');
  const { readdirSync } = await import('node:fs');
  const src = readdirSync(root);
  return () => new Promise((resolve) => prepareBuildContext({ context: root, src }, resolve));
}

const contenders = { library, 'tar-fs': tarFs, dockerode };
const open = await contenders[contender]();

async function names(stream) {
  const { extract } = require('tar-stream');
  const reader = extract();
  const found = [];
  reader.on('entry', (header, entry, next) => {
    found.push(header.name.replace(/\/$/, ''));
    entry.resume();
    entry.on('end', next);
  });
  (contender === 'dockerode' ? stream.pipe(createGunzip()) : stream).pipe(reader);
  await new Promise((resolve, reject) => reader.on('finish', resolve).on('error', reject));
  return found;
}

const started = performance.now();
const stream = await open();
if (mode === '--list') {
  console.log(JSON.stringify({ names: await names(stream) }));
} else {
  let bytes = 0;
  await new Promise((resolve, reject) => {
    stream.on('data', (chunk) => (bytes += chunk.length));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  console.log(JSON.stringify({ ms: performance.now() - started, bytes }));
}
