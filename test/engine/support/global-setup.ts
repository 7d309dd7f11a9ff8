// Brings up the two real engines of scripts/engines (installing what is missing) before the
// engine tests, hands their descriptions to the tests, and afterwards stops only the engines
// this run started: a developer's warm engines (`npm run engines up`) stay up.
import type { TestProject } from 'vitest/node';
import { enginesDown, enginesStatus, enginesUp } from '../../../scripts/engines/index.mjs';

export interface EngineInfo {
  name: string;
  socket: string;
  version: string;
  apiVersion: string;
  minApiVersion: string;
  bridge: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineInfo[];
  }
}

export default async function setup(project: TestProject) {
  const before = (await enginesStatus([])) as { name: string; up: boolean }[];
  const engines = (await enginesUp([])) as EngineInfo[];
  project.provide('engines', engines);
  const startedHere = before.filter((engine) => !engine.up).map((engine) => engine.name);
  return async () => {
    if (startedHere.length) await enginesDown(startedHere);
  };
}
