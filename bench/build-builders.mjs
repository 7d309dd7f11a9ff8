#!/usr/bin/env node
// BuildKit against the classic builder: the same context (the build-context benchmark's tree of
// 10,000 files / 100 MB with a .dockerignore, `FROM scratch` + `COPY . /ctx/`) built through
// docker.build() with each builder on each Docker engine, twice over: from scratch (`nocache`) and
// again unchanged (every step from the cache, so the figure is packing, sending and checking the
// context). Times run from the call to `done`; medians of several runs, in turn per builder.
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
import { ensureTree } from './build-context-tree.mjs';
import { median } from './support/report.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const tree = ensureTree(option('tree', join(tmpdir(), 'docker-engine-typed-bench-context')));
const builders = ['buildkit', 'classic'];

function dockerEngines() {
  const file = join(repoRoot, '.engines', 'engines.json');
  if (!existsSync(file)) throw new Error('no engines: run `npm run engines up` first');
  return JSON.parse(readFileSync(file, 'utf8')).engines.filter((engine) => engine.name === 'legacy' || engine.name === 'newest');
}

async function timedBuild(docker, builder, tag, nocache) {
  const started = performance.now();
  const build = docker.build({ context: tree, t: tag, builder, nocache, rm: true, forcerm: true });
  const { imageId } = await build.done;
  if (!imageId) throw new Error(`the ${builder} build of ${tag} gave no image ID`);
  return performance.now() - started;
}

const rows = [];
for (const engine of dockerEngines()) {
  const docker = createDocker({ socketPath: engine.socket });
  const tag = (builder) => `bench-build-builders:${builder}-${process.pid}`;
  const times = Object.fromEntries(builders.flatMap((builder) => [`${builder} cold`, `${builder} unchanged`]).map((key) => [key, []]));
  try {
    // A first build of each fills the cache the `unchanged` runs find.
    for (const builder of builders) await timedBuild(docker, builder, tag(builder), false);
    for (let run = 0; run < runs; run++) {
      for (const builder of run % 2 ? [...builders].reverse() : builders) {
        times[`${builder} cold`].push(await timedBuild(docker, builder, tag(builder), true));
        times[`${builder} unchanged`].push(await timedBuild(docker, builder, tag(builder), false));
      }
    }
  } finally {
    for (const builder of builders) await docker.images.delete({ name: tag(builder), force: true }).catch(() => undefined);
    await docker.close();
  }
  for (const mode of ['cold', 'unchanged']) {
    const [buildkit, classic] = builders.map((builder) => median(times[`${builder} ${mode}`]) / 1000);
    rows.push([`${engine.name} ${engine.version}`, mode === 'cold' ? 'from scratch (nocache)' : 'unchanged, from the cache', buildkit, classic]);
  }
}

console.log(`BuildKit and the classic builder, the same context (${tree}); medians of ${runs} runs through docker.build() (Node ${process.version})`);
console.log(`${'engine'.padEnd(28)}${'build'.padEnd(28)}${'BuildKit'.padStart(10)}${'classic'.padStart(10)}${'BuildKit/classic'.padStart(18)}`);
for (const [engine, mode, buildkit, classic] of rows) {
  console.log(
    `${engine.padEnd(28)}${mode.padEnd(28)}${`${buildkit.toFixed(2)} s`.padStart(10)}${`${classic.toFixed(2)} s`.padStart(10)}${`${(buildkit / classic).toFixed(2)}×`.padStart(18)}`,
  );
}
