// npm run test:package: the package as a user installs it. Packs the tarball, installs it into a
// fresh project and runs programs there on every runtime (Node 20/22/24, Bun, Deno) against the
// newest real engine. Kept out of the default projects: it needs the npm registry and minutes.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The repository, not this folder: the paths below and the tests' own are relative to it.
  root: join(import.meta.dirname, '..', '..'),
  test: {
    name: 'package',
    include: ['test/package/**/*.test.ts'],
    globalSetup: ['test/package/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    // The runtimes and the engine share two cores: one file at a time.
    fileParallelism: false,
  },
});
