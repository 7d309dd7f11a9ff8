// Exec instances on the real engines, without attaching (the hijacked, attached start is tested
// with the stream helpers): create in a running container, start detached, follow the process
// through inspect to its exit code, resize a TTY exec, and the engines' 400/404/409 answers.
// Podman 4.3 never reports the end of a detached exec (it stays Running), so there each exec that
// must be followed to its exit is started attached, and the tests say where its answers differ.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError, ServerError, compareApiVersions } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('exec on $label', ({ docker, apiVersion, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const label = { 'test.run': run };
  const containers: string[] = [];
  let box = '';
  const atLeast = (version: string) => compareApiVersions(apiVersion, version) >= 0;

  const startContainer = async (name: string) => {
    const { Id } = await docker.containers.create({
      name: `${name}-${run}`,
      body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: label, HostConfig: { NetworkMode: 'none' } },
    });
    containers.push(Id);
    await docker.containers.start({ id: Id });
    return Id;
  };

  // POST /exec/{id}/start with Detach: the engine answers 200 with an empty body at once. The
  // operation method refuses ExecStart (it is a hijack operation served by the exec helpers),
  // so the detached start goes through the raw client.
  const startDetached = async (id: string, tty = false) => {
    const { response, data, error } = await docker.raw.POST('/exec/{id}/start', {
      params: { path: { id } },
      body: { Detach: true, Tty: tty },
      parseAs: 'text',
    });
    return { status: response.status, length: response.headers.get('content-length'), body: data, error: error as { message?: string } | undefined };
  };

  const waitForExit = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const state = await docker.exec.inspect({ id });
      if (!state.Running && state.ExitCode !== null) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`exec ${id} did not finish within 10 s`);
  };

  /** Starts the exec, detached on Docker and attached on Podman (see above); resolves with a wait for its exit code. */
  const startRunning = async (id: string, tty = false): Promise<() => Promise<number | null>> => {
    if (!podman) {
      expect((await startDetached(id, tty)).status).toBe(200);
      return async () => (await waitForExit(id)).ExitCode;
    }
    const session = docker.execStart(id, { tty });
    await session.attached;
    session.stdout.resume();
    session.stderr.resume();
    return () => session.exitCode();
  };
  const startAndWait = async (id: string, tty = false) => (await startRunning(id, tty))();

  beforeAll(async () => {
    box = await startContainer('box');
  });

  afterAll(async () => {
    for (const id of containers) await docker.containers.delete({ id, force: true }).catch(() => undefined);
  });

  it.skipIf(podman)(
    'creates an exec, starts it detached (200, empty body) and follows it to its exit code (skipped on Podman 4.3: it never reports the end of a detached exec)',
    async () => {
      const { Id } = await docker.exec.create({
        id: box,
        body: { Cmd: ['sh', '-c', 'sleep 1; exit 5'], Env: ['GREETING=hi'], User: '1:1', WorkingDir: '/tmp', AttachStdout: true },
      });
      expect(Id).toMatch(/^[0-9a-f]{64}$/);

      const before = await docker.exec.inspect({ id: Id });
      expect(before).toMatchObject({ ID: Id, ContainerID: box, Running: false, ExitCode: null, Pid: 0, OpenStdout: true, OpenStdin: false, DetachKeys: '' });
      expect(before.ProcessConfig).toMatchObject({ entrypoint: 'sh', arguments: ['-c', 'sleep 1; exit 5'], tty: false, user: '1:1' });

      // An empty 200 answer (openapi-fetch reports no data for it).
      expect(await startDetached(Id)).toEqual({ status: 200, length: '0', body: undefined, error: undefined });
      const running = await docker.exec.inspect({ id: Id });
      expect(running.Running).toBe(true);
      expect(running.Pid).toBeGreaterThan(0);
      expect(running.ExitCode).toBeNull();
      // Started already: a second start is refused with 409 while it runs and after it ended.
      expect((await startDetached(Id)).status).toBe(409);

      const done = await waitForExit(Id);
      expect(done.ExitCode).toBe(5);
      expect(done.Pid).toBe(running.Pid);
      const again = await startDetached(Id);
      expect(again.status).toBe(409);
      expect(again.error?.message).toMatch(/has already run/);
    },
  );

  it.runIf(podman)(
    'creates an exec and starts it detached, which Podman 4.3 then reports running for good (ExitCode 0 before the start, a one-newline 200 answer, 500 for a second start)',
    async () => {
      const { Id } = await docker.exec.create({ id: box, body: { Cmd: ['sh', '-c', 'exit 5'], User: '1:1', AttachStdout: true } });
      expect(await docker.exec.inspect({ id: Id })).toMatchObject({ ID: Id, ContainerID: box, Running: false, ExitCode: 0, Pid: 0, OpenStdout: true });
      expect(await startDetached(Id)).toMatchObject({ status: 200, length: '1' });
      await sleep(1_500);
      const after = await docker.exec.inspect({ id: Id });
      expect(after.Running).toBe(true);
      expect(after.Pid).toBeGreaterThan(0);
      const again = await startDetached(Id);
      expect(again.status).toBe(500);
      expect(again.error?.message).toMatch(/can only start created exec sessions/);
    },
  );

  it('passes environment, working directory and user to the process', async () => {
    const { Id } = await docker.exec.create({
      id: box,
      body: {
        Cmd: ['sh', '-c', 'test "$GREETING" = hi && test "$(pwd)" = /tmp && test "$(id -u):$(id -g)" = 1:2'],
        Env: ['GREETING=hi'],
        User: '1:2',
        WorkingDir: '/tmp',
        // Podman starts attached (see above), and only an exec with a stream to attach to.
        AttachStdout: true,
      },
    });
    expect(await startAndWait(Id)).toBe(0);
  });

  it(
    podman
      ? 'reports the detach keys as given (Podman 4.3; Docker gives the base64 of their key codes)'
      : 'reports the detach keys as the base64 of their key codes',
    async () => {
      const { Id } = await docker.exec.create({ id: box, body: { Cmd: ['true'], DetachKeys: 'ctrl-p,ctrl-q', AttachStdin: true } });
      const state = await docker.exec.inspect({ id: Id });
      expect(state.DetachKeys).toBe(podman ? 'ctrl-p,ctrl-q' : Buffer.from([0x10, 0x11]).toString('base64'));
      expect(state.OpenStdin).toBe(true);
      // Podman 4.3 gives null for a command without arguments.
      expect(state.ProcessConfig.arguments).toEqual(podman ? null : []);
    },
  );

  it(`resizes the terminal of a running TTY exec, which the process then sees; once it ended, a resize answers ${podman ? '500 (Podman 4.3; Docker 404)' : '404'}`, async () => {
    const marker = `/tmp/size-${run}`;
    const { Id } = await docker.exec.create({ id: box, body: { Cmd: ['sh', '-c', `sleep 1; stty size > ${marker}`], Tty: true, AttachStdout: true } });
    expect((await docker.exec.inspect({ id: Id })).ProcessConfig.tty).toBe(true);
    const exited = await startRunning(Id, true);
    await docker.exec.resize({ id: Id, h: 40, w: 120 });
    expect(await exited()).toBe(0);

    const { Id: check } = await docker.exec.create({ id: box, body: { Cmd: ['sh', '-c', `test "$(cat ${marker})" = "40 120"`], AttachStdout: true } });
    expect(await startAndWait(check)).toBe(0);

    // Once the process has ended there is nothing to resize: 404 (Podman 4.3: 500).
    await expect(docker.exec.resize({ id: Id, h: 10, w: 10 })).rejects.toBeInstanceOf(podman ? ServerError : NotFoundError);
    await expect(docker.exec.resize({ id: `missing-${run}`, h: 10, w: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('accepts a resize of a running exec without a TTY, changing nothing', async () => {
    const { Id } = await docker.exec.create({ id: box, body: { Cmd: ['sleep', '2'], AttachStdout: true } });
    const exited = await startRunning(Id);
    await expect(docker.exec.resize({ id: Id, h: 40, w: 120 })).resolves.toBeUndefined();
    expect(await exited()).toBe(0);
  });

  it(
    atLeast('1.42') ? 'sizes the terminal from ConsoleSize at creation (API 1.42+)' : 'has no ConsoleSize before API 1.42 (not in the 1.41 types)',
    async () => {
      if (!atLeast('1.42')) {
        type CreateBody = Parameters<typeof docker.exec.create>[0]['body'];
        // @ts-expect-error ConsoleSize arrived in API 1.42
        const body: CreateBody = { Cmd: ['true'], ConsoleSize: [30, 90] };
        expect(body.Cmd).toEqual(['true']);
        return;
      }
      const marker = `/tmp/console-${run}`;
      const create = docker.exec.create as (params: Record<string, unknown>) => Promise<{ Id: string }>;
      const { Id } = await create({ id: box, body: { Cmd: ['sh', '-c', `stty size > ${marker}`], Tty: true, ConsoleSize: [30, 90] } });
      await startDetached(Id, true);
      expect((await waitForExit(Id)).ExitCode).toBe(0);
      const { Id: check } = await docker.exec.create({ id: box, body: { Cmd: ['sh', '-c', `test "$(cat ${marker})" = "30 90"`] } });
      await startDetached(check);
      expect((await waitForExit(check)).ExitCode).toBe(0);
    },
  );

  const refusals = podman
    ? 'answers 404 for unknown containers and exec instances, 409 for a paused container, and 500 for a stopped one or without a command; keeps the execs of a stopped container and answers their start 409 (Podman 4.3; Docker: 409, 400, and forgets them)'
    : 'answers 404 for unknown containers and exec instances, 409 for stopped or paused containers, 400 without a command';
  it(refusals, async () => {
    await expect(docker.exec.create({ id: `missing-${run}`, body: { Cmd: ['true'] } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.exec.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
    expect((await startDetached(`missing-${run}`)).status).toBe(404);
    await expect(docker.exec.create({ id: box, body: { Cmd: [] } })).rejects.toBeInstanceOf(podman ? ServerError : BadRequestError);

    const other = await startContainer('paused');
    await docker.containers.pause({ id: other });
    await expect(docker.exec.create({ id: other, body: { Cmd: ['true'] } })).rejects.toBeInstanceOf(ConflictError);
    await docker.containers.unpause({ id: other });

    // An exec instance lives only as long as its container runs. (The engine also applies
    // containerd's late report of the pause, so for a moment after unpause it may still say paused.)
    const createAfterUnpause = async (): Promise<string> => {
      for (let tries = 1; ; tries++) {
        const outcome = await docker.exec.create({ id: other, body: { Cmd: ['true'] } }).catch((error: unknown) => error);
        if (!(outcome instanceof Error)) return (outcome as { Id: string }).Id;
        if (!(outcome instanceof ConflictError && /is paused/.test(outcome.message)) || tries === 100) throw outcome;
        await sleep(20);
      }
    };
    const pending = await createAfterUnpause();
    await docker.containers.kill({ id: other });
    await docker.containers.wait({ id: other });
    if (podman) {
      // Podman keeps the exec sessions of a stopped container until it is removed.
      expect(await docker.exec.inspect({ id: pending })).toMatchObject({ Running: false, Pid: 0 });
      expect((await startDetached(pending)).status).toBe(409);
    } else {
      await expect(docker.exec.inspect({ id: pending })).rejects.toBeInstanceOf(NotFoundError);
      expect((await startDetached(pending)).status).toBe(404);
    }

    const error = await docker.exec.create({ id: other, body: { Cmd: ['true'] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(podman ? ServerError : ConflictError);
    expect((error as Error).message).toMatch(podman ? /can only create exec sessions on running containers/ : /is not running/);
  });
});
