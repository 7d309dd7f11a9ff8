// followTerminal against each real engine, with the local terminal played by streams that say
// they are TTYs (the real terminal is tested through the example in terminal-shell.test.ts): what
// reaches the container, what it sees as its size, how each way out ends and restores raw mode.
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocker, DockerUsageError, followTerminal, NotFoundError } from '../../src/index.js';
import { busyboxContainers, watch } from './support/hijack.js';
import { engines } from './support/targets.js';

/** A local terminal: keys typed into `input`, the screen read from `output`, raw mode recorded. */
function localTerminal(size = { columns: 100, rows: 30 }) {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      input.isRaw = mode;
    },
  });
  const output = Object.assign(new PassThrough(), { isTTY: true, ...size });
  const resize = (columns: number, rows: number) => {
    Object.assign(output, { columns, rows });
    output.emit('resize');
  };
  return { input, output, screen: watch(output), rawModes, resize };
}

describe.each(engines())('followTerminal on $name $version', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });
  const containers = busyboxContainers(docker, `terminal-follow-${process.pid}`);
  afterAll(async () => {
    await containers.removeAll();
    await docker.close();
  });

  async function shellContainer(): Promise<string> {
    const id = await containers.create({ Cmd: ['sh'], Tty: true, OpenStdin: true });
    await docker.containers.start({ id });
    return id;
  }

  it('an exec shell gets the local size, then each new size; the session ends with the shell; raw mode on, then off', async () => {
    const terminal = localTerminal();
    const container = await shellContainer();
    const { Id } = await docker.exec.create({ id: container, body: { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true } });
    const following = followTerminal(docker.execStart(Id, { tty: true }), terminal);
    // Typed at the prompt, as a person would: Podman 4.3 can give a just-started exec its starting
    // size a moment after the shell began, so a command typed ahead may still see no size.
    await terminal.screen.waitFor(/\/ # /);
    terminal.input.write('stty size\r');
    await terminal.screen.waitFor(/30 100/);
    terminal.resize(120, 40);
    // The resize goes out as a request of its own: ask again until the shell sees it.
    for (let tries = 0; !/40 120/.test(terminal.screen.text()) && tries < 50; tries += 1) {
      terminal.input.write('stty size\r');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(terminal.screen.text()).toMatch(/40 120/);
    terminal.input.write('exit 5\r');
    expect(await following).toEqual({ reason: 'ended' });
    expect((await docker.exec.inspect({ id: Id })).ExitCode).toBe(5);
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('ctrl-p ctrl-q detaches an attach session: keys before it reach the container, the container keeps running', async () => {
    const terminal = localTerminal();
    const container = await shellContainer();
    const session = docker.attach(container, { stdin: true });
    const following = followTerminal(session, terminal);
    terminal.input.write('echo "before $((2 + 3))"\r');
    await terminal.screen.waitFor(/before 5/);
    terminal.input.write(Buffer.from([0x10, 0x11]));
    expect(await following).toEqual({ reason: 'detached' });
    expect((await docker.containers.inspect({ id: container })).State?.Running).toBe(true);
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('without a TTY: no raw mode, stdout and stderr apart, and local end of input reaches the process as EOF', async () => {
    const terminal = localTerminal();
    const errors = new PassThrough();
    const errorText = watch(errors);
    const container = await containers.create({ Cmd: ['sleep', '600'] });
    await docker.containers.start({ id: container });
    const { Id } = await docker.exec.create({
      id: container,
      body: { Cmd: ['sh', '-c', 'cat; echo "to stderr" >&2'], AttachStdin: true, AttachStdout: true, AttachStderr: true },
    });
    const following = followTerminal(docker.execStart(Id), { ...terminal, errorOutput: errors });
    terminal.input.end('piped in\n');
    expect(await following).toEqual({ reason: 'ended' });
    expect(terminal.screen.text()).toBe('piped in\n');
    errors.end();
    expect(await errorText.ended).toBe('to stderr\n');
    expect(terminal.rawModes).toEqual([]);
  });

  it('aborting ends the session with the signal reason and restores raw mode', async () => {
    const terminal = localTerminal();
    const container = await shellContainer();
    const stop = new AbortController();
    const following = followTerminal(docker.attach(container, { stdin: true }), { ...terminal, signal: stop.signal });
    terminal.input.write('echo ready\r');
    await terminal.screen.waitFor(/^ready/m);
    stop.abort(new Error('user gave up'));
    await expect(following).rejects.toThrow('user gave up');
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('typed failures before anything is touched: a missing container is NotFoundError, bad detach keys DockerUsageError', async () => {
    const terminal = localTerminal();
    await expect(followTerminal(docker.attach(`missing-${process.pid}`, { stdin: true }), terminal)).rejects.toBeInstanceOf(NotFoundError);
    const container = await shellContainer();
    const session = docker.attach(container, { stdin: true });
    await expect(followTerminal(session, { ...terminal, detachKeys: 'ctrl-p,ctrl-9' })).rejects.toBeInstanceOf(DockerUsageError);
    session.close();
    expect(terminal.rawModes).toEqual([]);
  });
});
