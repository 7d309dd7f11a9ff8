#!/usr/bin/env node
// npm run bench:types [-- --runs=N]: what the package's types cost a consumer's compiler. The same
// small program (list containers, inspect each, list images) is written against this package and
// against dockerode + @types/dockerode; each is type-checked in a fresh project that installed the
// packed tarball (or dockerode from the registry) with the same @types/node, by the same tsc, N times
// in turn. Prints the medians of tsc's own figures (memory used, total wall time) and of the CPU time
// its process used side by side with their ratios, and fails when the ratio of memory or of CPU time
// passes the target of issue 10 (1.3×). Wall time is printed too; on a busy machine it also counts
// the time other processes held the cores.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshProject, packPackage } from '../scripts/fresh-project.mjs';
import { median } from './support/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET = 1.3;
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? 5);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const typesNode = `@types/node@${manifest.devDependencies['@types/node'].replace(/^\^/, '')}`;
const tsc = join(root, 'node_modules', 'typescript', 'lib', 'tsc.js');
const cpuReport = fileURLToPath(new URL('./tsc-cpu-report.cjs', import.meta.url));

const PROGRAMS = {
  library: `import { createDocker } from '${manifest.name}';

const docker = createDocker();
const containers = await docker.containers.list({ all: true });
for (const summary of containers) {
  const info = await docker.containers.inspect({ id: summary.Id });
  console.log(info.Name, info.State?.Status, info.Config?.Image, info.HostConfig?.Memory);
}
const images = await docker.images.list();
console.log(images.map((image) => image.RepoTags));
await docker.close();
`,
  dockerode: `import Docker from 'dockerode';

const docker = new Docker();
const containers = await docker.listContainers({ all: true });
for (const summary of containers) {
  const info = await docker.getContainer(summary.Id).inspect();
  console.log(info.Name, info.State?.Status, info.Config?.Image, info.HostConfig?.Memory);
}
const images = await docker.listImages();
console.log(images.map((image) => image.RepoTags));
`,
};

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
  files: ['main.ts'],
};

/** tsc's memory (MB), total time and CPU time (s) for the project; type errors fail the bench. */
function typeCheck(project) {
  const output = execFileSync(process.execPath, ['--require', cpuReport, tsc, '-p', project, '--extendedDiagnostics'], { encoding: 'utf8' });
  const figure = (label) => Number(output.match(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm'))?.[1]);
  return { memoryMB: figure('Memory used') / 1024, seconds: figure('Total time'), cpuSeconds: figure('CPU time'), files: figure('Files') };
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-types-'));
try {
  const tarball = packPackage(root, scratch);
  const projects = {
    library: freshProject(scratch, 'with-this-package', [tarball, typesNode]),
    dockerode: freshProject(scratch, 'with-dockerode', ['dockerode', '@types/dockerode', typesNode]),
  };
  for (const [key, project] of Object.entries(projects)) {
    writeFileSync(join(project, 'main.ts'), PROGRAMS[key]);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  }
  const samples = { library: [], dockerode: [] };
  for (let run = 0; run < runs; run++) {
    const order = run % 2 ? ['dockerode', 'library'] : ['library', 'dockerode'];
    for (const key of order) samples[key].push(typeCheck(projects[key]));
  }
  const medianOf = (key, field) => median(samples[key].map((sample) => sample[field]));
  console.log(`tsc on the same small program, median of ${runs} runs (TypeScript ${manifest.devDependencies.typescript}, ${typesNode})`);
  console.log(`${''.padEnd(34)}${'memory'.padStart(10)}${'CPU time'.padStart(10)}${'wall time'.padStart(11)}${'files'.padStart(8)}`);
  const rows = [
    ['this package', 'library'],
    ['dockerode + @types/dockerode', 'dockerode'],
  ];
  for (const [label, key] of rows) {
    console.log(
      `${label.padEnd(34)}${`${medianOf(key, 'memoryMB').toFixed(0)} MB`.padStart(10)}${`${medianOf(key, 'cpuSeconds').toFixed(2)} s`.padStart(10)}${`${medianOf(key, 'seconds').toFixed(2)} s`.padStart(11)}${String(medianOf(key, 'files')).padStart(8)}`,
    );
  }
  let over = false;
  for (const [field, label, judged] of [
    ['memoryMB', 'memory', true],
    ['cpuSeconds', 'CPU time', true],
    ['seconds', 'wall time', false],
  ]) {
    const ratio = medianOf('library', field) / medianOf('dockerode', field);
    if (judged) over ||= ratio > TARGET;
    const verdict = judged ? ` (target ≤${TARGET}×) ${ratio <= TARGET ? '✓' : '✗'}` : ' (not judged: counts other load too)';
    console.log(`${`ratio of ${label}`.padEnd(34)}${`${ratio.toFixed(2)}×`.padStart(10)}${verdict}`);
  }
  if (over) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
