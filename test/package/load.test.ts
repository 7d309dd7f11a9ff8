// The package loaded as users load it, from the installed tarball: `import` from an ES module and
// `require()` from a CommonJS one, on every runtime. Both must expose the same names, make a real
// call to the engine, and fail a connection with the library's own typed error. TypeScript users of
// either module kind get the library's types (not `any`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runProgram } from './support/runtimes.js';
import { typeErrors } from './support/type-check.js';

const { project, runtimes, engine } = inject('packageSetup');

// What both programs do once the library is loaded as `lib`; prints one JSON line.
const body = `
  const docker = lib.createDocker({ socketPath: process.env.ENGINE_SOCKET });
  const version = await docker.system.version();
  await docker.close();
  const missing = lib.createDocker({ socketPath: '/nonexistent/docker.sock' });
  const failure = await missing.system.ping().catch((error) => error);
  await missing.close();
  console.log(JSON.stringify({
    names: Object.keys(lib).sort(),
    apiVersion: version.ApiVersion,
    failure: { typed: failure instanceof lib.DockerConnectionError && failure instanceof lib.DockerError, name: failure.name, code: failure.code },
  }));
`;
writeFileSync(join(project, 'load-import.mjs'), `import * as lib from 'docker-engine-typed';\n${body}`);
writeFileSync(join(project, 'load-require.cjs'), `const lib = require('docker-engine-typed');\n(async () => {${body}})();`);

interface Loaded {
  names: string[];
  apiVersion: string;
  failure: { typed: boolean; name: string; code: string };
}

async function load(runtime: (typeof runtimes)[number], program: string): Promise<Loaded> {
  const { code, output } = await runProgram(runtime, project, join(project, program), { ENGINE_SOCKET: engine.socket });
  expect(code, output).toBe(0);
  return JSON.parse(output.trim().split('\n').at(-1)!) as Loaded;
}

describe.each(runtimes)('the installed package on $name ($version)', (runtime) => {
  it('import and require() give the same library, which talks to the engine and fails typed', async () => {
    const imported = await load(runtime, 'load-import.mjs');
    const required = await load(runtime, 'load-require.cjs');
    expect(imported.names).toEqual(expect.arrayContaining(['createDocker', 'DockerError', 'DockerConnectionError', 'NotFoundError', 'apiVersions']));
    expect(required.names).toEqual(imported.names);
    for (const loaded of [imported, required]) {
      expect(loaded.apiVersion).toBe(engine.apiVersion);
      expect(loaded.failure).toEqual({ typed: true, name: 'DockerConnectionError', code: 'ENOENT' });
    }
  });
});

// The same TypeScript as an ES module and as a CommonJS one (.cts: tsc's nodenext resolves the
// package's `require` condition for it). The @ts-expect-error fails if the types resolve to `any`.
const consumer = `import { createDocker, NotFoundError, type ApiVersion } from 'docker-engine-typed';
const oldest: ApiVersion = '1.41';
const docker = createDocker({ apiVersion: oldest });
export async function exitCodeOf(id: string): Promise<number> {
  return (await docker.containers.wait({ id })).StatusCode;
}
export const isMissing = (error: unknown): boolean => error instanceof NotFoundError;
// @ts-expect-error: \`signal\` is a parameter from API 1.42 on
export const stop = () => docker.containers.stop({ id: 'web', signal: 'SIGINT' });
`;

it('type-checks for TypeScript users of ES modules and of CommonJS, with the version-exact types', () => {
  writeFileSync(join(project, 'consumer.mts'), consumer);
  writeFileSync(join(project, 'consumer.cts'), consumer);
  expect(Object.fromEntries(typeErrors(project, 'consumers', ['consumer.mts', 'consumer.cts']))).toEqual({});
});
