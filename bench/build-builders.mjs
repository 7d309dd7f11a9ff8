#!/usr/bin/env node
// BuildKit against the classic builder: the same context (the build-context benchmark's tree of
// 10,000 files / 100 MB with a .dockerignore, `FROM scratch` + `COPY . /ctx/`) built on each Docker
// engine through docker.build() by BuildKit from a tar, by BuildKit reading the context over the
// session (`contextTransfer: 'session'`), and by the classic builder, and by the Docker CLI with
// buildx (the oracle for the session, which it uses too), twice over: from scratch (`nocache`) and
// again unchanged (every step from the cache, so the figure is packing, sending and checking the
// context). Times run from the call to `done`; medians of several runs, in turn per variant. For
// the session, the bytes BuildKit reports receiving ("transferring context:") show what a build of
// the unchanged folder moves.
//
//   node --import tsx bench/build-builders.mjs [--runs 3] [--tree /tmp/...]
//
// The engines must be up (`npm run engines up`); run it under the shared lock on machines where
// others run tests: flock /tmp/engine-tests.lock node --import tsx bench/build-builders.mjs
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocker } from '../src/index.ts';
import { dockerCli } from '../test/engine/support/docker-cli.ts';
import { ensureTree } from './build-context-tree.mjs';
import { median } from './support/report.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const tree = ensureTree(option('tree', join(tmpdir(), 'docker-engine-typed-bench-context')));
const variants = [
  { name: 'BuildKit, tar', options: { builder: 'buildkit' } },
  { name: 'BuildKit, session', options: { builder: 'buildkit', contextTransfer: 'session' } },
  { name: 'buildx (CLI)', cli: true },
  { name: 'classic', options: { builder: 'classic' } },
];
const cli = await dockerCli();

function dockerEngines() {
  const file = join(repoRoot, '.engines', 'engines.json');
  if (!existsSync(file)) throw new Error('no engines: run `npm run engines up` first');
  return JSON.parse(readFileSync(file, 'utf8')).engines.filter((engine) => engine.name === 'legacy' || engine.name === 'newest');
}

/** Milliseconds from the call to `done`, and the context bytes BuildKit reports receiving over the session. */
async function timedBuild(docker, engine, variant, tag, nocache) {
  const started = performance.now();
  if (variant.cli) {
    await cli.run(engine.socket, ['build', '--quiet', ...(nocache ? ['--no-cache'] : []), '--tag', tag, tree]);
    return { ms: performance.now() - started, moved: 0 };
  }
  const build = docker.build({ context: tree, t: tag, nocache, rm: true, forcerm: true, ...variant.options });
  let moved = 0;
  for await (const message of build) {
    for (const status of message.trace?.statuses ?? []) if (status.id.startsWith('transferring context')) moved = Math.max(moved, status.current);
  }
  const { imageId } = await build.done;
  if (!imageId) throw new Error(`the ${variant.name} build of ${tag} gave no image ID`);
  return { ms: performance.now() - started, moved };
}

const rows = [];
for (const engine of dockerEngines()) {
  const docker = createDocker({ socketPath: engine.socket });
  const tag = (index) => `bench-build-builders:${index}-${process.pid}`;
  const times = new Map();
  const moved = new Map();
  const record = (key, { ms, moved: bytes }) => {
    times.set(key, [...(times.get(key) ?? []), ms]);
    moved.set(key, [...(moved.get(key) ?? []), bytes]);
  };
  try {
    // An empty build cache, so the session's first build moves the whole folder, as on a fresh engine.
    await docker.images.buildPrune({ all: true });
    // A first build of each fills the cache the `unchanged` runs find (and gives the engine the session's folder).
    const first = [];
    for (const [index, variant] of variants.entries()) first.push(await timedBuild(docker, engine, variant, tag(index), false));
    moved.set('session first', [first[1].moved]);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 ? [...variants.entries()].reverse() : [...variants.entries()];
      for (const [index, variant] of order) {
        record(`${index} cold`, await timedBuild(docker, engine, variant, tag(index), true));
        record(`${index} unchanged`, await timedBuild(docker, engine, variant, tag(index), false));
      }
    }
  } finally {
    for (const index of variants.keys()) await docker.images.delete({ name: tag(index), force: true }).catch(() => undefined);
    await docker.close();
  }
  for (const mode of ['cold', 'unchanged']) {
    const seconds = variants.map((_, index) => median(times.get(`${index} ${mode}`)) / 1000);
    rows.push([
      `${engine.name} ${engine.version}`,
      mode === 'cold' ? 'from scratch (nocache)' : 'unchanged, from the cache',
      ...seconds,
      median(moved.get(`1 ${mode}`)),
    ]);
  }
  rows.at(-2).push(moved.get('session first')[0]);
}

const size = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} B`);
console.log(
  `BuildKit (context as a tar, and over the session) and the classic builder, the same context (${tree}); medians of ${runs} runs through docker.build() (Node ${process.version})`,
);
console.log(
  `${'engine'.padEnd(28)}${'build'.padEnd(28)}${'BuildKit, tar'.padStart(15)}${'BuildKit, session'.padStart(19)}${'buildx (CLI)'.padStart(14)}${'classic'.padStart(10)}${'tar/classic'.padStart(13)}${'session/buildx'.padStart(16)}${'session moved'.padStart(15)}`,
);
for (const [engine, mode, tar, session, buildx, classic, sessionMoved] of rows) {
  const seconds = (value) => `${value.toFixed(2)} s`;
  console.log(
    `${engine.padEnd(28)}${mode.padEnd(28)}${seconds(tar).padStart(15)}${seconds(session).padStart(19)}${seconds(buildx).padStart(14)}${seconds(classic).padStart(10)}${`${(tar / classic).toFixed(2)}×`.padStart(13)}${`${(session / buildx).toFixed(2)}×`.padStart(16)}${size(sessionMoved).padStart(15)}`,
  );
}
const firsts = rows.filter((row) => row.length > 7).map((row) => `${row[0]}: ${size(row[7])}`);
console.log(`The session's first build of the folder, on an emptied build cache, moved ${firsts.join(', ')}; later builds move what changed.`);
console.log('buildx (CLI) is timed from the spawn of `docker build --quiet` to its exit, so it includes the start of the CLI.');
