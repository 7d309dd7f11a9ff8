// docker.exec.run() and docker.execStart() against the real engines: exit codes, stdin with
// half-close, TTY, several MiB of output byte-exact, 20 execs at once on one client, resize,
// the engine's in-band start error, abort, typed errors, and the ends a session can meet: a process
// killed mid-way, its container removed mid-session, and a proxy that ends the connection mid-exec.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DockerConnectionError, DockerUsageError, NotFoundError, ServerError, createDocker } from '../../src/index.js';
import { createExecDirectly, readAll, watch } from './support/hijack.js';
import { socketProxy } from './support/socket-proxy.js';
import { isPodman, targets } from './support/targets.js';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

describe.each(targets())('exec on $label', ({ docker, engine, apiVersion }) => {
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  let box = '';

  const create = async (cmd: string[]) => {
    const { Id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: cmd, Labels: { 'test.run': run } } });
    created.push(Id);
    return Id;
  };

  beforeAll(async () => {
    box = await create(['sleep', '600']);
    await docker.containers.start({ id: box });
  });

  afterAll(async () => {
    for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
  });

  it('returns stdout, stderr and the exit code', async () => {
    expect(await docker.exec.run(box, ['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    expect(await docker.exec.run(box, ['true'])).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('applies env, workdir and user', async () => {
    const result = await docker.exec.run(box, ['sh', '-c', 'echo "$GREETING"; pwd; id -u; id -g'], {
      env: { GREETING: 'hi there' },
      workdir: '/tmp',
      user: '1234:5678',
    });
    expect(result).toEqual({ stdout: 'hi there\n/tmp\n1234\n5678\n', stderr: '', exitCode: 0 });
  });

  it('feeds stdin, then half-closes: the process reads EOF, exits 0, and its later output arrives', async () => {
    expect(await docker.exec.run(box, ['sh', '-c', 'cat; echo after-eof'], { stdin: 'hello ' })).toEqual({
      stdout: 'hello after-eof\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('carries MiBs of stdin from a Readable intact', async () => {
    const input = randomBytes(3 * 1024 * 1024 + 17);
    const pieces = Array.from({ length: Math.ceil(input.length / 65536) }, (_, i) => input.subarray(i * 65536, (i + 1) * 65536));
    const result = await docker.exec.run(box, ['sh', '-c', 'cat > /tmp/in-$$; wc -c < /tmp/in-$$; md5sum < /tmp/in-$$; rm /tmp/in-$$'], {
      stdin: Readable.from(pieces),
    });
    expect(result.exitCode).toBe(0);
    const [count, sum] = result.stdout.trim().split('\n');
    expect(Number(count)).toBe(input.length);
    expect(sum?.split(/\s+/)[0]).toBe(md5(input));
  });

  it('returns several MiB of output byte-exact', async () => {
    const size = 6 * 1024 * 1024 + 5;
    const result = await docker.exec.run(
      box,
      ['sh', '-c', `head -c ${size} /dev/urandom > /tmp/big-$$; cat /tmp/big-$$; md5sum /tmp/big-$$ >&2; rm /tmp/big-$$`],
      { encoding: 'buffer' },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(size);
    expect(result.stderr.toString().split(/\s+/)[0]).toBe(md5(result.stdout));
  });

  it('runs under a TTY: one raw stream, stderr empty', async () => {
    expect(await docker.exec.run(box, ['sh', '-c', 'echo out; echo err >&2; exit 4'], { tty: true })).toEqual({
      stdout: 'out\r\nerr\r\n',
      stderr: '',
      exitCode: 4,
    });
  });

  it('runs 20 execs at once on one client, each with its own output and exit code', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        docker.exec.run(box, ['sh', '-c', `head -c ${100_000 + i} /dev/zero | wc -c; echo "$N" >&2; exit ${i % 7}`], { env: { N: `n${i}` } }),
      ),
    );
    results.forEach((result, i) => expect(result).toEqual({ stdout: `${100_000 + i}\n`, stderr: `n${i}\n`, exitCode: i % 7 }));
  });

  it('reports a command the engine cannot start with its exit code and the engine message on stderr', async () => {
    const result = await docker.exec.run(box, ['no-such-command']);
    // 20.10 answers 126, newer engines 127 (as a shell does for "not found").
    expect([126, 127]).toContain(result.exitCode);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/executable file not found/);
  });

  it('keeps the stdout of a process that exits 127 (Podman reports Pid 0 for every ended exec)', async () => {
    expect(await docker.exec.run(box, ['sh', '-c', 'echo printed; exit 127'])).toEqual({ stdout: 'printed\n', stderr: '', exitCode: 127 });
  });

  // The process records its pid, prints, and sleeps; a second exec kills it with SIGKILL.
  const killable = (name: string) => ['sh', '-c', `echo $$ > /tmp/${name}; echo before; sleep 30; echo after`];
  const killFrom = (name: string) => docker.exec.run(box, ['sh', '-c', `while [ ! -s /tmp/${name} ]; do sleep 0.05; done; kill -KILL $(cat /tmp/${name})`]);

  it('exec.run of a process killed mid-way gives the output so far and exit code 137', async () => {
    const name = `killed-${randomUUID()}`;
    const running = docker.exec.run(box, killable(name));
    expect(await killFrom(name)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await running).toEqual({ stdout: 'before\n', stderr: '', exitCode: 137 });
  });

  it('execStart of a process killed mid-way ends its streams and gives exit code 137', async () => {
    const name = `killed-${randomUUID()}`;
    const execId = await createExecDirectly(engine.socket, box, { Cmd: killable(name), AttachStdout: true, AttachStderr: true });
    const session = docker.execStart(execId, { tty: false });
    const output = Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    await killFrom(name);
    const [stdout, stderr] = await output;
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'before\n', stderr: '' });
    expect(await session.exitCode()).toBe(137);
  });

  // An exec inspected after its container's removal: 404 everywhere, except that Podman 4.3,
  // mid-removal, reports its own failed lookup as a 500 that says "no such container".
  const expectGoneWithItsContainer = (outcome: unknown) => {
    if (isPodman(engine) && outcome instanceof ServerError) expect(outcome.message).toMatch(/no such container/);
    else expect(outcome, String(outcome)).toBeInstanceOf(NotFoundError);
  };

  it('a container removed mid-session: exec.run gives the output so far with 137, or NotFoundError once the exec is gone with it (Podman 4.3, while it is still removing the container, may answer 500 "no such container": ServerError); never a success', async () => {
    const doomed = await create(['sleep', '600']);
    await docker.containers.start({ id: doomed });
    const running = docker.exec.run(doomed, ['sh', '-c', 'echo before; touch /tmp/ran; sleep 30; echo after']).catch((caught: unknown) => caught);
    // The watched session says "started" only once exec.run's process runs, so the removal
    // comes mid-session and never races exec.run's own start.
    const waitForRun = 'while [ ! -e /tmp/ran ]; do sleep 0.05; done; echo started; sleep 30';
    const execId = await createExecDirectly(engine.socket, doomed, { Cmd: ['sh', '-c', waitForRun], AttachStdout: true, AttachStderr: true });
    const session = docker.execStart(execId, { tty: false });
    const started = watch(session.stdout);
    await started.waitFor(/started/);
    await docker.containers.delete({ id: doomed, force: true });
    const result = await running;
    // Which one depends on whether the exec is inspected before the engine has forgotten it.
    if (result instanceof Error) expectGoneWithItsContainer(result);
    else expect(result).toEqual({ stdout: 'before\n', stderr: '', exitCode: 137 });
    expect(await started.ended).toBe('started\n');
    await expect(session.done).resolves.toBeUndefined();
    // exitCode() asks after the removal: the exec went with its container.
    expectGoneWithItsContainer(await session.exitCode().catch((caught: unknown) => caught));
  });

  it('a proxy that ends the connection in an orderly way mid-exec: exec.run and execStart reject with DockerConnectionError, never truncated output', async () => {
    const proxy = await socketProxy(engine.socket);
    const throughProxy = createDocker({ host: `tcp://127.0.0.1:${proxy.port}`, apiVersion });
    try {
      const name = `cut-${randomUUID()}`;
      const cmd = ['sh', '-c', `echo before; touch /tmp/${name}; sleep 4; echo after`];
      const waitUntilPrinted = () => docker.exec.run(box, ['sh', '-c', `while [ ! -e /tmp/${name} ]; do sleep 0.05; done; rm /tmp/${name}`]);
      const running = throughProxy.exec.run(box, cmd).catch((caught: unknown) => caught);
      await waitUntilPrinted();
      proxy.endAll();
      const error = await running;
      expect(error).toBeInstanceOf(DockerConnectionError);
      expect(error).toMatchObject({ code: 'ERR_CONNECTION_CLOSED', message: expect.stringMatching(/still running/) });

      const execId = await createExecDirectly(engine.socket, box, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const session = throughProxy.execStart(execId, { tty: false });
      const output = watch(session.stdout);
      await waitUntilPrinted();
      proxy.endAll();
      expect(await output.ended).toBe('before\n');
      // The session itself cannot tell this end from the process's own: the engine still answers.
      await expect(session.done).resolves.toBeUndefined();
      await expect(session.exitCode()).rejects.toBeInstanceOf(DockerConnectionError);
    } finally {
      await throughProxy.close();
      await proxy.close();
    }
  });

  it('aborting mid-stream rejects with the reason and ends promptly', async () => {
    const controller = new AbortController();
    const running = docker.exec.run(box, ['sh', '-c', 'while true; do echo tick; sleep 0.05; done'], { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expect(docker.exec.run(box, ['true'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  // Podman 4.3 answers an exec in a stopped container with 500 and its own words, Docker with 409.
  const stoppedRefusal = isPodman(engine)
    ? { name: 'ServerError (Podman 4.3 answers 500, not 409)', type: ServerError, status: 500, message: /can only create exec sessions on running containers/ }
    : { name: 'ConflictError', type: ConflictError, status: 409, message: /is not running/ };
  it(`fails with ${stoppedRefusal.name} in a stopped container and NotFoundError in a missing one`, async () => {
    const stopped = await create(['true']);
    const conflict = await docker.exec.run(stopped, ['true']).catch((caught: unknown) => caught);
    expect(conflict).toBeInstanceOf(stoppedRefusal.type);
    expect(conflict).toMatchObject({ status: stoppedRefusal.status, operation: 'ContainerExec' });
    expect((conflict as Error).message).toMatch(stoppedRefusal.message);
    await expect(docker.exec.run(`missing-${run}`, ['true'])).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.exec.run(box, [])).rejects.toBeInstanceOf(DockerUsageError);
  });

  it('execStart streams a TTY exec it inspects itself, resizes it, and gives the exit code', async () => {
    const execId = await createExecDirectly(engine.socket, box, { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const session = docker.execStart(execId);
    const output = watch(session.stdout);
    expect(await session.attached).toEqual({ tty: true });
    await session.resize({ h: 50, w: 132 });
    session.stdin.write('stty size; exit 5\n');
    expect(await output.ended).toMatch(/^50 132\r?$/m);
    expect(await session.exitCode()).toBe(5);
  });

  it('execStart without a TTY: stdin half-close and separate streams', async () => {
    const execId = await createExecDirectly(engine.socket, box, {
      Cmd: ['sh', '-c', 'cat; echo done >&2'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const session = docker.execStart(execId, { tty: false });
    session.stdin.end('piped');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'piped', stderr: 'done\n' });
    expect(await session.exitCode()).toBe(0);
  });

  it('execStart of an unknown exec rejects with NotFoundError', async () => {
    const session = docker.execStart(`missing-${run}`, { tty: false });
    await expect(session.attached).rejects.toBeInstanceOf(NotFoundError);
    await expect(session.exitCode()).rejects.toBeInstanceOf(NotFoundError);
  });
});
