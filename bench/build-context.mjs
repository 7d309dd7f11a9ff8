#!/usr/bin/env node
// Build-context tarring: a tree of 10,000 files / 100 MB with a .dockerignore, packed by this
// library, by tar-fs and by GNU tar (both given the exact list of entries the library sends), and
// by dockerode's own buildImage path. Every run is a fresh process; the medians of several runs
// are printed side by side. The library's file set is checked against what the Docker CLI puts
// in an image built from the same folder (when the project's engines are up), and dockerode's
// file set against the library's.
//
//   node bench/build-context.mjs [--runs 5] [--tree /tmp/...]
//
// Run it under the shared lock on machines where others run tests: flock /tmp/engine-tests.lock node bench/build-context.mjs
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTree } from './build-context-tree.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const runs = Number(option('runs', '5'));
const tree = ensureTree(option('tree', join(tmpdir(), 'docker-engine-typed-bench-context')));
const work = mkdtempSync(join(tmpdir(), 'bench-build-context-'));

function child(contender, extra = []) {
  const args = ['--import', 'tsx', join(here, 'build-context-child.mjs'), contender, tree, join(work, 'list.txt'), ...extra];
  const output = execFileSync(process.execPath, args, { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 }).toString();
  return JSON.parse(output.trim().split('\n').pop());
}

// GNU tar reads the list and writes to a pipe this process drains, so its time includes that copy, as the others' do.
function gnuTar() {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const tar = spawn('tar', ['--no-recursion', '--numeric-owner', '--owner=0', '--group=0', '-cf', '-', '-T', join(work, 'list.txt')], { cwd: tree });
    let bytes = 0;
    tar.stdout.on('data', (chunk) => (bytes += chunk.length));
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolveRun({ ms: performance.now() - started, bytes }) : reject(new Error(`tar exited ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The library's entries, in its order, are the list the others pack.
const libraryNames = child('library', ['--list']).names;
writeFileSync(join(work, 'list.txt'), `${libraryNames.join('\n')}\n`);
const files = libraryNames.filter((name) => !lstatSync(join(tree, name)).isDirectory());

const contenders = {
  'GNU tar 1.x (same list)': gnuTar,
  'this library': async () => child('library'),
  'tar-fs (same list)': async () => child('tar-fs'),
  'dockerode buildImage (tar-fs + gzip)': async () => child('dockerode'),
};
const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
const sizes = {};
for (let run = 0; run < runs; run++) {
  for (const [name, measure] of Object.entries(contenders)) {
    const { ms, bytes } = await measure();
    times[name].push(ms);
    sizes[name] = bytes;
  }
}

const dockerodeNames = new Set(child('dockerode', ['--list']).names.map((name) => name.replace(/^\.\//, '')));
const expected = new Set(libraryNames);
const missing = [...expected].filter((name) => !dockerodeNames.has(name));
const extra = [...dockerodeNames].filter((name) => name !== '.' && name !== '' && !expected.has(name));
const dockerVerdict = await dockerCliVerdict();

const gnu = median(times['GNU tar 1.x (same list)']);
const fileSetNote = {
  'GNU tar 1.x (same list)': 'given the library’s list',
  'this library': dockerVerdict,
  'tar-fs (same list)': 'given the library’s list',
  'dockerode buildImage (tar-fs + gzip)':
    missing.length || extra.length ? `differs: ${missing.length} missing, ${extra.length} extra` : 'same as the library’s',
};
console.log(
  `build-context tarring — tree ${tree}: ${libraryNames.length} entries sent (${files.length} files), ${(sizes['this library'] / 1e6).toFixed(1)} MB tar; median of ${runs} runs, each in a fresh process (Node ${process.version})`,
);
console.log(`${'contender'.padEnd(40)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}${'× GNU tar'.padStart(11)}  file set`);
for (const [name, values] of Object.entries(times)) {
  const cells = [median(values), Math.min(...values), Math.max(...values)].map((ms) => `${(ms / 1000).toFixed(3)} s`.padStart(10));
  console.log(`${name.padEnd(40)}${cells.join('')}${`${(median(values) / gnu).toFixed(2)}×`.padStart(11)}  ${fileSetNote[name]}`);
}
console.log('Node contenders are timed from the call to the end of the stream (process start-up and module loading excluded); GNU tar from spawn to exit.');
if (missing.length || extra.length)
  console.log(`dockerode: e.g. missing ${missing.slice(0, 3).join(', ') || '-'}; extra ${extra.slice(0, 3).join(', ') || '-'}`);
rmSync(work, { recursive: true, force: true });

// Builds the tree with the Docker CLI (BuildKit when the tests' buildx plugin is there, else the
// classic builder) and compares the image's file set with the library's.
async function dockerCliVerdict() {
  const enginesFile = join(repoRoot, '.engines', 'engines.json');
  const cli = ['/usr/local/bin/docker', '/usr/bin/docker'].find((path) => existsSync(path));
  if (!existsSync(enginesFile) || !cli) return 'not checked (no engine or Docker CLI; run `npm run engines up`)';
  const engine = JSON.parse(readFileSync(enginesFile, 'utf8')).engines.find((entry) => entry.name === 'newest');
  if (!engine) return 'not checked (no engine)';
  const config = join(repoRoot, '.engines', 'cache', 'buildx', 'config');
  const buildkit = existsSync(join(config, 'cli-plugins', 'docker-buildx'));
  const env = { ...process.env, DOCKER_HOST: `unix://${engine.socket}`, DOCKER_CONFIG: config, DOCKER_BUILDKIT: buildkit ? '1' : '0' };
  const tag = `bench-build-context:${process.pid}`;
  try {
    execFileSync(cli, ['build', '--quiet', '--tag', tag, tree], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const container = execFileSync(cli, ['create', tag], { env }).toString().trim();
    const listing = execFileSync('sh', ['-c', `"${cli}" export ${container} | tar -t`], { env, maxBuffer: 64 * 1024 * 1024 }).toString();
    execFileSync(cli, ['rm', container], { env, stdio: 'ignore' });
    const fromDocker = new Set(
      listing
        .split('\n')
        .filter((name) => name.startsWith('ctx/') && name !== 'ctx/')
        .map((name) => name.slice(4).replace(/\/$/, '')),
    );
    const same = fromDocker.size === expected.size && [...expected].every((name) => fromDocker.has(name));
    return `${same ? 'identical to' : 'DIFFERENT from'} the Docker CLI’s (${buildkit ? 'BuildKit' : 'classic builder'}, ${fromDocker.size} entries)`;
  } finally {
    execFileSync(cli, ['rmi', '--force', tag], { env, stdio: 'ignore' });
  }
}
