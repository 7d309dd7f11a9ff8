import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stateDir, stateFile } from './paths.mjs';

/** The contents of .engines/engines.json, or no engines when it does not exist yet. */
export function readEngines() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return { engines: [] };
    throw new Error(`cannot read ${stateFile}: ${error.message}`);
  }
}

/**
 * Replaces the entries of the engines named in `names` by `entries` (missing ones are dropped),
 * keeps the others, and writes the file atomically so a reader never sees half of it.
 */
export function updateEngines(names, entries, order) {
  const kept = readEngines().engines.filter((entry) => !names.includes(entry.name));
  const engines = [...kept, ...entries].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  mkdirSync(stateDir, { recursive: true });
  const partial = `${stateFile}.partial`;
  writeFileSync(partial, `${JSON.stringify({ engines }, null, 2)}\n`);
  renameSync(partial, stateFile);
  return { engines };
}
