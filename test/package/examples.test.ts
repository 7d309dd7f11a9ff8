// The README's examples (examples/quickstart.ts and examples/streams.ts) run from the installed
// package on every runtime against the newest real engine: REST calls, a progress stream, image
// save and load, events, attach with stdin half-close, exec, archives, followed logs and builds.
import { describe, inject, it } from 'vitest';
import { expectQuickstartOutput, expectStreamsOutput } from '../support/examples.js';
import { copyProgram } from './support/fresh-project.js';
import { runProgram } from './support/runtimes.js';

const { project, runtimes, engine } = inject('packageSetup');
const quickstart = copyProgram('examples/quickstart.ts', project);
const streams = copyProgram('examples/streams.ts', project);
const env = { DOCKER_HOST: `unix://${engine.socket}` };

describe.each(runtimes)('the examples on $name ($version)', (runtime) => {
  it('quickstart: a container to its exit code, its logs, an image loaded with a progress bar', async () => {
    expectQuickstartOutput(await runProgram(runtime, project, quickstart, env), engine.apiVersion);
  });

  it('streams: events, attach with stdin, exec, archives, followed logs and builds', async () => {
    expectStreamsOutput(await runProgram(runtime, project, streams, env));
  });
});
