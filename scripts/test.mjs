#!/usr/bin/env node
// npm test: the unit tests and every engine test on the two Docker engines (Docker 20.10 and the
// newest Docker Debian ships), then the engine tests again on Podman 4.3, where each test asserts
// what Podman does and says so in its name where that differs (README, "Podman compatibility").
// With ENGINES set, it is one run on those engines.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// These start Docker daemons of their own (TLS, contexts pointing at them, daemons killed
// mid-stream) and test the client's transport against them: nothing of the shared engine is in
// play, so a run on Podman would repeat the Docker run.
const DOCKER_DAEMONS_OF_THEIR_OWN = ['connection-tls.test.ts', 'connection-context.test.ts', 'faults.test.ts'];

const ON_PODMAN = readdirSync('test/engine')
  .filter((file) => file.endsWith('.test.ts') && !DOCKER_DAEMONS_OF_THEIR_OWN.includes(file))
  .map((file) => `test/engine/${file}`);

function vitest(engines, args) {
  console.log(`== vitest run ${args.join(' ')} (engines: ${engines})`);
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit', env: { ...process.env, ENGINES: engines } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (process.env.ENGINES) {
  vitest(process.env.ENGINES, process.argv.slice(2));
} else {
  vitest('legacy,newest', []);
  vitest('podman', ['--project', 'engine', ...ON_PODMAN]);
}
