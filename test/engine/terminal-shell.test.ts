// `npm run example:shell` used as a person uses it: in a real terminal (tmux), typing, resizing the
// window, detaching, against each real engine. What the screen shows is what is checked, and
// after the example the terminal must be back in canonical mode with echo (see TmuxPane).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDocker, NotFoundError } from '../../src/index.js';
import { TmuxPane } from '../unit/support/tmux-pane.js';
import { busyboxContainers } from './support/hijack.js';
import { engines } from './support/targets.js';

const PROMPT = /^\/ # ?$/m;

describe.each(engines())('npm run example:shell on $name $version', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });
  const containers = busyboxContainers(docker, `terminal-shell-${process.pid}`);
  let pane: TmuxPane | undefined;

  afterEach(async () => {
    await pane?.close();
    pane = undefined;
  });
  afterAll(async () => {
    await containers.removeAll();
    await docker.close();
  });

  /** Starts the example in a new terminal; waits for the shell's prompt. `container` is the one it names (made by it unless given). */
  const startExample = async (args = '', env: Record<string, string> = {}) => {
    pane = await TmuxPane.start(`npm run -s example:shell -- ${args}`, { env: { DOCKER_HOST: `unix://${engine.socket}`, ...env } });
    const [, container] = (await pane.waitFor(/a shell in (?:the new )?container (\w+);/)) as string[];
    await pane.waitFor(PROMPT);
    return { pane, container: container! };
  };

  const removed = async (container: string) => (await docker.containers.inspect({ id: container }).catch((error: unknown) => error)) instanceof NotFoundError;

  it('runs a shell in a new container: a command, `stty size` before and after a resize, the exit status; the terminal restored and the container removed (twice)', async () => {
    for (const status of [3, 0]) {
      const { pane, container } = await startExample();
      await pane.typeLine('echo "answer $((6 * 7))"; stty size');
      await pane.waitFor(/^answer 42\n30 100\n/m);
      await pane.resize(120, 40);
      await pane.typeLine('stty size');
      await pane.waitFor(/^40 120\n/m);
      await pane.typeLine(`exit ${status}`);
      expect(await pane.afterCommand()).toEqual({ status, modes: ['echo', 'icanon'] });
      expect(await removed(container)).toBe(true);
      await pane.close();
    }
  });

  it('detaches from an exec shell with ctrl-p ctrl-q: the container and the shell go on, the terminal is restored', async () => {
    const container = await containers.create({ Cmd: ['sleep', '600'] });
    await docker.containers.start({ id: container });
    const { pane } = await startExample(container);
    await pane.typeLine('echo "exec shell $((1 + 1))"');
    await pane.waitFor(/^exec shell 2\n/m);
    await pane.press('C-p', 'C-q');
    await pane.waitFor(/detached from the shell in container \w+\n/);
    expect(await pane.afterCommand()).toEqual({ status: 0, modes: ['echo', 'icanon'] });
    expect((await docker.containers.inspect({ id: container })).State?.Running).toBe(true);
    // The detached shell is still a process of the container (a row whose command is `sh`; Docker
    // splits a row into ps's columns, Podman 4.3 sends each row as one field).
    const { Processes } = await docker.containers.top({ id: container });
    expect(Processes?.map((row) => row.join(' ').trim().split(/\s+/).slice(-1)[0])).toContain('sh');
  });

  it('detaches with keys given in the Docker CLI notation (DETACH_KEYS=ctrl-a,x); the container it made is still running at the detach and removed afterwards', async () => {
    const { pane, container } = await startExample('', { DETACH_KEYS: 'ctrl-a,x' });
    // ctrl-a alone is passed on once the next key is not `x`: the shell sees ctrl-a then `echo …`.
    await pane.press('C-a');
    await pane.typeLine('echo "after ctrl-a"');
    await pane.waitFor(/^after ctrl-a\n/m);
    await pane.press('C-a', 'x');
    await pane.waitFor(/is still running; removing it/);
    expect(await pane.afterCommand()).toEqual({ status: 0, modes: ['echo', 'icanon'] });
    expect(await removed(container)).toBe(true);
  });

  it('closing the terminal window (SIGHUP) ends the session and the example still removes its container', async () => {
    const { container } = await startExample();
    expect(await removed(container)).toBe(false);
    await pane!.close();
    pane = undefined;
    const deadline = Date.now() + 15_000;
    while (!(await removed(container)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await removed(container)).toBe(true);
  });
});
