// Part (e) of npm run bench: what importing the package costs a program that starts. Each figure is
// a fresh plain-node process: the time `await import()` of the built package takes inside it
// (bench/clients/import.mjs), and the wall time of the whole `node -e "await import(…)"`, beside
// bare `node -e ""` and beside importing dockerode. The package is imported by its own name, so
// through its `exports` map, as a user's program imports it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './support/build.mjs';
import { judged, median } from './support/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = fileURLToPath(new URL('./clients/import.mjs', import.meta.url));
const packageName = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).name;
const TARGET_MS = 60;

// [key, row label, module imported (none: bare node)]
const contenders = [
  ['bare', 'bare node (node -e "")', undefined],
  ['library', `this library (import('${packageName}'), dist/)`, packageName],
  ['dockerode', "dockerode (import('dockerode'))", 'dockerode'],
];

const node = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

/** Spawn to exit, timed synchronously, so the runner's own event loop adds nothing. */
function wallMs(specifier) {
  const started = performance.now();
  node(['-e', specifier ? `await import(${JSON.stringify(specifier)})` : '']);
  return performance.now() - started;
}

const inProcessMs = (specifier) => JSON.parse(node([client, specifier]).trim().split('\n').at(-1)).ms;

/** Measures `runs` times in turn and returns the section of the bench table. */
export function coldImportBench(runs, progress) {
  if (ensureBuilt(root)) progress('(e) built dist/ (it was missing or older than its sources)');
  const samples = new Map();
  const add = (key, ms) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  for (let run = 0; run < runs; run++) {
    // Each run visits the contenders in a different order, as the other parts do.
    for (const [key, , specifier] of contenders.map((_, i) => contenders[(i + run) % contenders.length])) {
      add(`${key}/wall`, wallMs(specifier));
      if (specifier) add(`${key}/import`, inProcessMs(specifier));
    }
    if ((run + 1) % 5 === 0 || run + 1 === runs) progress(`(e) cold imports: ${run + 1}/${runs} runs`);
  }
  const ms = (key, what) => median(samples.get(`${key}/${what}`));
  const figure = (value) => `${value.toFixed(0).padStart(5)} ms`;
  const overBare = (key) => `${figure(ms(key, 'wall'))}  +${(ms(key, 'wall') - ms('bare', 'wall')).toFixed(0)} ms over bare node`;
  return {
    columns: [`(e) cold import, a fresh process each time (${runs} runs), ms`, 'await import() in the process', 'whole process, node -e'],
    rows: [
      [contenders[0][1], '    –', figure(ms('bare', 'wall'))],
      [contenders[1][1], judged(ms('library', 'import'), 0, ' ms', { atMost: TARGET_MS }, 5), overBare('library')],
      [
        contenders[2][1],
        `${figure(ms('dockerode', 'import'))}  ${(ms('dockerode', 'import') / ms('library', 'import')).toFixed(1)}× this library`,
        overBare('dockerode'),
      ],
    ],
  };
}
