// docker.attach() against the real engines: attach before start without losing output, stdin
// with half-close, TTY and multiplexed output, resize, logs replay, abort, and typed errors.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerResponseError, DockerUsageError, NotFoundError } from '../../src/index.js';
import { busyboxContainers, readAll, watch } from './support/hijack.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('attach on $label', ({ docker, engine }) => {
  const run = randomUUID().slice(0, 8);
  const { create, removeAll } = busyboxContainers(docker, run);
  afterAll(removeAll);

  it('attached before start, receives every line the container writes from its first instant', async () => {
    const lines = 3000;
    const expected = Array.from({ length: lines }, (_, i) => `line ${i}\n`).join('');
    for (let round = 0; round < 3; round++) {
      const id = await create({ Cmd: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "line $i"; i=$((i+1)); done; echo bye >&2`] });
      const session = docker.attach(id);
      expect(await session.attached).toEqual({ tty: false });
      await docker.containers.start({ id });
      const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
      expect(stdout.toString()).toBe(expected);
      expect(stderr.toString()).toBe('bye\n');
    }
  });

  it('sends stdin; ending it half-closes, the process reads EOF and its later output still arrives', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'cat; echo after-eof'], OpenStdin: true, StdinOnce: true });
    const session = docker.attach(id, { stdin: true });
    await session.attached;
    await docker.containers.start({ id });
    session.stdin.write('hello\n');
    session.stdin.end('world\n');
    const [stdout] = await Promise.all([readAll(session.stdout), session.done]);
    expect(stdout.toString()).toBe('hello\nworld\nafter-eof\n');
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
  });

  const replayName = isPodman(engine)
    ? 'keeps stdout and stderr apart without a TTY; a replay of the log fails typed (Podman 4.3 counts a replayed line without its newline in the frame size)'
    : 'keeps stdout and stderr apart without a TTY, live and replayed from the log';
  it(replayName, async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo o1; echo e1 >&2; echo o2; echo e2 >&2'] });
    const session = docker.attach(id);
    await session.attached;
    await docker.containers.start({ id });
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'o1\no2\n', stderr: 'e1\ne2\n' });

    // The same output again, replayed from the log of the stopped container.
    await docker.containers.wait({ id });
    const replay = docker.attach(id, { logs: true, stream: false });
    const replayed = Promise.all([readAll(replay.stdout), readAll(replay.stderr), replay.done]);
    if (isPodman(engine)) {
      // The first frame says 2 bytes for "o1\n" (or "e1\n"): its newline is then read as the next header.
      await expect(replayed).rejects.toThrow(/not multiplexed: 0a0[12]/);
      await expect(replay.done).rejects.toBeInstanceOf(DockerResponseError);
      return;
    }
    const [out, err] = await replayed;
    expect({ stdout: out.toString(), stderr: err.toString() }).toEqual({ stdout: 'o1\no2\n', stderr: 'e1\ne2\n' });
  });

  it('delivers a TTY raw: both streams in stdout, stderr empty', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: true });
    const session = docker.attach(id);
    expect(await session.attached).toEqual({ tty: true });
    await docker.containers.start({ id });
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect(stdout.toString()).toBe('out\r\nerr\r\n');
    expect(stderr.length).toBe(0);
  });

  it('resizes the TTY, as `stty size` inside sees it', async () => {
    const id = await create({ Cmd: ['sh'], Tty: true, OpenStdin: true, StdinOnce: true });
    const session = docker.attach(id, { stdin: true });
    const output = watch(session.stdout);
    await session.attached;
    await docker.containers.start({ id });
    await session.resize({ h: 40, w: 100 });
    session.stdin.write('stty size\n');
    await output.waitFor(/^40 100\r?$/m);
    await session.resize({ h: 33, w: 77 });
    session.stdin.write('stty size; exit\n');
    const text = await output.ended;
    expect(text).toMatch(/^33 77\r?$/m);
    await expect(session.resize({ h: 0, w: 77 })).rejects.toBeInstanceOf(DockerUsageError);
  });

  it('aborting mid-stream ends the streams and rejects `done`; the container keeps running', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.05; done'] });
    const controller = new AbortController();
    const session = docker.attach(id, { signal: controller.signal });
    const output = watch(session.stdout);
    await session.attached;
    await docker.containers.start({ id });
    await output.waitFor(/tick\n.*tick\n/s);
    controller.abort();
    await expect(session.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(await output.ended).toMatch(/^(tick\n)+$/);
    expect((await docker.containers.inspect({ id })).State?.Running).toBe(true);
  });

  it('rejects `attached` with NotFoundError for a missing container', async () => {
    const session = docker.attach(`missing-${run}`);
    const error = await session.attached.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, operation: 'ContainerAttach' });
    expect((error as Error).message).toMatch(/no such container/i);
    await expect(session.done).rejects.toBe(error);
  });
});
