// Before the package tests: the tarball packed and installed into a fresh project in a temporary
// folder, every runtime fetched, and the newest real engine up (stopped afterwards only when this
// run started it). The tests get these through inject().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { enginesDown, enginesStatus, enginesUp, type EngineEntry } from '../../../scripts/engines/index.mjs';
import { freshProject, packTarball } from './fresh-project.js';
import { resolveRuntime, runtimeSpecs, type Runtime } from './runtimes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    packageSetup: { project: string; tarball: string; runtimes: Runtime[]; engine: EngineEntry };
  }
}

export default async function setup(project: TestProject) {
  const scratch = mkdtempSync(join(tmpdir(), 'package-test-'));
  const tarball = packTarball(scratch);
  const userProject = freshProject(join(scratch, 'project'), tarball);
  const runtimes = runtimeSpecs.map(resolveRuntime);
  for (const runtime of runtimes) console.log(`package tests: ${runtime.name} is ${runtime.version} (${runtime.binary})`);
  const [before] = await enginesStatus(['newest']);
  const [engine] = await enginesUp(['newest']);
  project.provide('packageSetup', { project: userProject, tarball, runtimes, engine: engine! });
  return async () => {
    if (!before?.up) await enginesDown(['newest']);
    rmSync(scratch, { recursive: true, force: true });
  };
}
