#!/usr/bin/env node
// Real engines for the tests: `up [name...]`, `down [name...]`, `status [name...]`. Without names:
// the engines listed in ENGINES (e.g. ENGINES=podman), or all of them when it is unset.
// See scripts/engines/index.mjs for the same as functions (e.g. for a vitest globalSetup).
import { enginesDown, enginesOfThisRun, enginesStatus, enginesUp } from './engines/index.mjs';

const usage = 'usage: node scripts/engines.mjs up|down|status [legacy|newest|podman ...]';

function describe({ name, version, apiVersion, socket }) {
  const product = name === 'podman' ? 'Podman' : 'Docker';
  return `${name.padEnd(7)} ${product} ${version}  API ${apiVersion}  unix://${socket}`;
}

const commands = {
  async up(names) {
    for (const engine of await enginesUp(names)) console.log(describe(engine));
  },
  async down(names) {
    const stopped = await enginesDown(names);
    console.log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
  },
  async status(names) {
    for (const engine of await enginesStatus(names)) {
      console.log(engine.up ? `${describe(engine)}  (up, pid ${engine.pid})` : `${engine.name.padEnd(7)} down`);
    }
  },
};

const [command, ...names] = process.argv.slice(2);
if (!commands[command]) {
  console.error(usage);
  process.exit(2);
}
try {
  await commands[command](names.length > 0 ? names : enginesOfThisRun());
} catch (error) {
  console.error(`engines: ${command} failed: ${error.message}`);
  process.exit(1);
}
