// docker.attachWebSocket() against the real engines: the engine sends text frames at API 1.41 and
// binary ones after, and the same output must come out of both; attach before start, stdin with a
// close frame for EOF, the stream choice from 1.42 on, logs replay, TTY and resize, close(), and
// typed errors. Protocol violations no engine commits are in test/unit/hijack-websocket.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { compareApiVersions, DockerVersionError, NotFoundError } from '../../src/index.js';
import { busyboxContainers, readAll, watch } from './support/hijack.js';
import { isPodman, targets } from './support/targets.js';

// Podman 4.3 has no WebSocket attach: its targets only check that the session fails typed.
describe.each(targets().filter((target) => isPodman(target.engine)))('attach over WebSocket on $label (Podman 4.3 has no /attach/ws)', ({ docker }) => {
  const { create, removeAll } = busyboxContainers(docker, randomUUID().slice(0, 8));
  afterAll(removeAll);

  it('rejects attached and done with NotFoundError (404) for a container that exists', async () => {
    const id = await create({ Cmd: ['true'] });
    const session = docker.attachWebSocket(id);
    await expect(session.attached).rejects.toBeInstanceOf(NotFoundError);
    await expect(session.done).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe.each(targets().filter((target) => !isPodman(target.engine)))('attach over WebSocket on $label', ({ docker, apiVersion }) => {
  const run = randomUUID().slice(0, 8);
  const choosesStreams = compareApiVersions(apiVersion, '1.42') >= 0;
  const { create, removeAll } = busyboxContainers(docker, run);
  afterAll(removeAll);

  it('attached before start, receives every line from the first instant, stdout and stderr mixed in stdout', async () => {
    const lines = 3000;
    const expected = Array.from({ length: lines }, (_, i) => `line ${i}\n`).join('');
    // Over /attach/ws both streams go into one WebSocket, copied by separate goroutines in the
    // engine, so stderr's bytes may land anywhere among stdout's, even mid-line (Docker 20.10 gave
    // `line 2bye\n401`). Only each stream's own byte order is guaranteed. stderr's text shares no
    // byte with stdout's, so the two are told apart byte by byte; a lost, duplicated or reordered
    // byte of either still fails.
    const stderrText = 'BYE';
    const isStderrByte = (char: string) => stderrText.includes(char);
    expect([...expected].some(isStderrByte)).toBe(false);
    const id = await create({ Cmd: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "line $i"; i=$((i+1)); done; printf ${stderrText} >&2`] });
    const session = docker.attachWebSocket(id);
    expect(await session.attached).toEqual({ tty: false });
    await docker.containers.start({ id });
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    // latin1: one character per byte, so no byte is merged or hidden by UTF-8 decoding.
    const received = [...stdout.toString('latin1')];
    expect({
      stdout: received.filter((char) => !isStderrByte(char)).join(''),
      stderr: received.filter(isStderrByte).join(''),
    }).toEqual({ stdout: expected, stderr: stderrText });
    expect(stderr.length).toBe(0);
  });

  it('sends stdin; ending it sends a close frame, the process reads EOF and its later output still arrives', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'cat; echo after-eof'], OpenStdin: true, StdinOnce: true });
    const session = docker.attachWebSocket(id, { stdin: true });
    await session.attached;
    await docker.containers.start({ id });
    session.stdin.write('hello\n');
    session.stdin.end('world\n');
    const [stdout] = await Promise.all([readAll(session.stdout), session.done]);
    expect(stdout.toString()).toBe('hello\nworld\nafter-eof\n');
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
  });

  it.runIf(choosesStreams)('sends only the streams asked for (API 1.42 and later)', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2'] });
    const session = docker.attachWebSocket(id, { stdout: false });
    await session.attached;
    await docker.containers.start({ id });
    const [stdout] = await Promise.all([readAll(session.stdout), session.done]);
    expect(stdout.toString()).toBe('to-stderr\n');
  });

  it.skipIf(choosesStreams)('refuses to leave a stream out before API 1.42, where the engine would send it anyway', async () => {
    const id = await create({ Cmd: ['true'] });
    const session = docker.attachWebSocket(id, { stderr: false });
    await expect(session.attached).rejects.toBeInstanceOf(DockerVersionError);
  });

  it('replays the output of a stopped container from its log', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo first; echo second'] });
    await docker.containers.start({ id });
    await docker.containers.wait({ id });
    const replay = docker.attachWebSocket(id, { logs: true, stream: false });
    const [stdout] = await Promise.all([readAll(replay.stdout), replay.done]);
    expect(stdout.toString()).toBe('first\nsecond\n');
  });

  it('reports a TTY and resizes it, as `stty size` inside sees it', async () => {
    const id = await create({ Cmd: ['sh'], Tty: true, OpenStdin: true, StdinOnce: true });
    const session = docker.attachWebSocket(id, { stdin: true });
    const output = watch(session.stdout);
    expect(await session.attached).toEqual({ tty: true });
    await docker.containers.start({ id });
    await session.resize({ h: 40, w: 100 });
    session.stdin.write('stty size\n');
    await output.waitFor(/^40 100\r?$/m);
    session.stdin.write('exit\n');
    await output.ended;
    await session.done;
  });

  it('close() ends the session at once; the container keeps running', async () => {
    const id = await create({ Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.05; done'] });
    const session = docker.attachWebSocket(id);
    const output = watch(session.stdout);
    await session.attached;
    await docker.containers.start({ id });
    await output.waitFor(/tick\n.*tick\n/s);
    session.close();
    await session.done;
    expect(await output.ended).toMatch(/^(tick\n)+$/);
    expect((await docker.containers.inspect({ id })).State?.Running).toBe(true);
  });

  it('rejects `attached` with NotFoundError for a missing container', async () => {
    const session = docker.attachWebSocket(`missing-${run}`);
    const error = await session.attached.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, operation: 'ContainerAttachWebsocket' });
  });
});
