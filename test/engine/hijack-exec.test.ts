// docker.exec.run() and docker.execStart() against the real engines: exit codes, stdin with
// half-close, TTY, several MiB of output byte-exact, 20 execs at once on one client, resize,
// the engine's in-band start error, abort, and typed errors.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DockerUsageError, NotFoundError } from '../../src/index.js';
import { createExecDirectly, readAll, watch } from './support/hijack.js';
import { targets } from './support/targets.js';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

describe.each(targets())('exec on $label', ({ docker, engine }) => {
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

  it('aborting mid-stream rejects with the reason and ends promptly', async () => {
    const controller = new AbortController();
    const running = docker.exec.run(box, ['sh', '-c', 'while true; do echo tick; sleep 0.05; done'], { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expect(docker.exec.run(box, ['true'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with ConflictError in a stopped container and NotFoundError in a missing one', async () => {
    const stopped = await create(['true']);
    const conflict = await docker.exec.run(stopped, ['true']).catch((caught: unknown) => caught);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ status: 409, operation: 'ContainerExec' });
    expect((conflict as Error).message).toMatch(/is not running/);
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
