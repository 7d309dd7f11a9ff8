import { privateEngine, privateEngineDown, privateEngineKill, privateEngineRestart, privateEngineUp } from './private-engine.mjs';

// Private dockerds for the fault tests, one per generation, which the tests kill with SIGKILL and
// start again: the shared engines never go down under another test file.

const faultEngines = {
  legacy: privateEngine({ name: 'faults-legacy', generation: 'legacy', bridge: { name: 'docker3', gatewayCidr: '172.27.0.1/16' } }),
  newest: privateEngine({ name: 'faults-newest', generation: 'newest', bridge: { name: 'docker4', gatewayCidr: '172.31.0.1/16' } }),
};

/** Control over the fault engine of `generation` ('legacy' or 'newest'). */
export function faultEngine(generation) {
  const engine = faultEngines[generation];
  if (!engine) throw new Error(`no fault engine for generation ${generation}`);
  return {
    up: () => privateEngineUp(engine),
    kill: () => privateEngineKill(engine),
    restart: () => privateEngineRestart(engine),
    down: () => privateEngineDown(engine),
  };
}
