// Brings up the two real engines of scripts/engines (installing what is missing) before the
// engine tests, hands their descriptions to the tests, and afterwards stops only the engines
// this run started: a developer's warm engines (`npm run engines up`) stay up.
import type { TestProject } from 'vitest/node';
import { enginesDown, enginesStatus, enginesUp, type EngineEntry } from '../../../scripts/engines/index.mjs';

export type EngineInfo = EngineEntry;

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineInfo[];
  }
}

export default async function setup(project: TestProject) {
  const before = await enginesStatus();
  const engines = await enginesUp();
  project.provide('engines', engines);
  const startedHere = before.filter((engine) => !engine.up).map((engine) => engine.name);
  return async () => {
    if (startedHere.length) await enginesDown(startedHere);
  };
}
