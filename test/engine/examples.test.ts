// The examples the README points to, run as a user runs them (a fresh Node process with tsx and
// DOCKER_HOST) against each real engine: they must finish and print what they promise. On Podman
// they finish too, and print what Podman 4.3 really does where it differs from Docker.
import { describe, expect, it } from 'vitest';
import { expectQuickstartOutput, expectStreamsOutput, type RunResult, runCollecting } from '../support/examples.js';
import { engines } from './support/targets.js';

const runExample = (path: string, socket: string) =>
  runCollecting(process.execPath, ['--import', 'tsx', path], { env: { ...process.env, DOCKER_HOST: `unix://${socket}` } });

const docker = engines().filter((engine) => engine.name !== 'podman');
const podman = engines().filter((engine) => engine.name === 'podman');

describe.each(docker)('the examples on $name $version', (engine) => {
  it('quickstart: runs a container to its exit code, reads its logs, loads an image with a progress bar', async () => {
    expectQuickstartOutput(await runExample('examples/quickstart.ts', engine.socket), engine.apiVersion);
  });

  it('streams: events, attach with stdin, exec, archives, followed logs and builds', async () => {
    expectStreamsOutput(await runExample('examples/streams.ts', engine.socket));
  });
});

/** Every line of `expected` is in the output, in this order, and the example exited 0. */
function expectLinesInOrder({ code, output }: RunResult, expected: RegExp[]): void {
  let rest = output;
  for (const pattern of expected) {
    const match = pattern.exec(rest);
    expect(match, `${pattern} in what follows:\n${rest}`).not.toBeNull();
    rest = rest.slice(match!.index + match![0].length);
  }
  expect(code).toBe(0);
}

describe.each(podman)('the examples on $name $version', (engine) => {
  it('quickstart: runs a container to its exit code, reads its logs, loads an image (Podman 4.3 reports no load progress, so no bar)', async () => {
    expectLinesInOrder(await runExample('examples/quickstart.ts', engine.socket), [
      /\(API 1\.41\), talking at API 1\.41\n/,
      /exited with status 7\n/,
      / {2}stdout: hello from [0-9a-f]{12}\n/,
      /removed \(inspect now answers 404: /,
      /loading: the engine reported no progress\n/,
      /loaded \S*quickstart-progress:\d+\n/,
    ]);
  });

  it('streams: events (Podman 4.3 adds init, exec, cleanup and says remove, not destroy), attach with stdin, exec, archives, followed logs and builds (its build failure names the step, not the code)', async () => {
    const result = await runExample('examples/streams.ts', engine.socket);
    expectLinesInOrder(result, [
      /attach stdout: got: one\n/,
      /attach stderr: stdin closed\n/,
      /exec: Linux, exit code 3\n/,
      /copied in: hello from the host\n/,
      /stat: greeting\.txt, 20 bytes, mode 644\n/,
      /log stdout: \S+Z got: one\n/,
      /log stderr: \S+Z stdin closed\n/,
      /events: create, init, attach, start, .*remove\n/,
      /build: 20 \/greeting\.txt\n/,
      /built sha256:[0-9a-f]{64}\n/,
      /a failing build rejects: building at STEP "RUN exit 5": .*exit status 5\n/,
    ]);
    // Podman reports an exec's end on its own schedule: an exec_died may come after the container's
    // die, even after its cleanup or the remove that ends the example's window, and one may come twice
    // (seen: 3 execs, 4 exec_died). Without them the order is fixed.
    const events = /events: (.*)\n/.exec(result.output)![1]!.split(', ');
    const withoutExecDied = events.filter((action) => action !== 'exec_died');
    expect(withoutExecDied.join(', ')).toMatch(/^create, init, attach, start, (exec, )+die, cleanup, remove$/);
    expect(events).toContain('exec_died');
  });
});
