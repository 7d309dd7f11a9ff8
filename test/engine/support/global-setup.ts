// Brings up the real engines of scripts/engines (installing what is missing) before the engine
// tests, hands their descriptions to the tests, and afterwards stops only the engines this run
// started: a developer's warm engines (`npm run engines up`) stay up. ENGINES=podman (or any list
// of names) limits a run to those engines; unset, every engine runs.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { differencesTable, podmanDifferencesFile } from '../../../scripts/engines/conformance-report.mjs';
import { enginesDown, enginesOfThisRun, enginesStatus, enginesUp, type EngineEntry } from '../../../scripts/engines/index.mjs';

export type EngineInfo = EngineEntry;

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineInfo[];
  }
}

export default async function setup(project: TestProject) {
  const selected = enginesOfThisRun();
  const before = await enginesStatus(selected);
  const engines = await enginesUp(selected);
  project.provide('engines', engines);
  // Podman's conformance differences of this run only, listed per operation at its end.
  rmSync(podmanDifferencesFile, { force: true });
  const startedHere = before.filter((engine) => !engine.up).map((engine) => engine.name);
  return async () => {
    const differences = differencesTable();
    if (differences) console.log(`Podman's answers beside the spec, per operation (${podmanDifferencesFile}):\n${differences}`);
    if (startedHere.length) await enginesDown(startedHere);
  };
}
