// Run by Deno with file reading allowed, and environment access or not, and nothing else
// (test/package/runtime-features.test.ts): each refusal of the runtime must reach the caller as a
// typed error that keeps Deno's advice.
// The engine's socket comes as the last argument, since reading the environment is refused.
import { createDocker, DockerError } from '../../../src/index.js';

const socketPath = process.argv.at(-1)!;

async function failure(run: () => Promise<unknown>) {
  try {
    await run();
    return 'succeeded';
  } catch (error) {
    return { typed: error instanceof DockerError, name: (error as Error).name, message: (error as Error).message };
  }
}

const results = {
  environment: await failure(async () => createDocker()),
  socket: await failure(() => createDocker({ socketPath }).system.ping()),
  ssh: await failure(() => createDocker({ host: 'ssh://deploy@build.example' }).system.ping()),
};
console.log(JSON.stringify(results));
