// docker.logs() against the real engines: multiplexed and TTY output, follow and not, since /
// until / timestamps / tail, backpressure-friendly batches, abort, and typed errors. On API 1.41
// (20.10, and the newest engine pinned to 1.41) the engine's Content-Type cannot tell TTY from
// multiplexed, so these runs prove the inspect-based decision.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { collectOutputText, NotFoundError, type OutputFrame } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('logs on $label', ({ docker, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];

  const runToEnd = async (body: Record<string, unknown>) => {
    const { Id } = await docker.containers.create({
      body: { Image: 'busybox:latest', Labels: { 'test.run': run }, HostConfig: { NetworkMode: 'none' }, ...body },
    });
    created.push(Id);
    await docker.containers.start({ id: Id });
    await docker.containers.wait({ id: Id });
    return Id;
  };

  afterAll(async () => {
    for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
  });

  it('keeps stdout and stderr apart, one frame per line, without a TTY', async () => {
    const id = await runToEnd({ Cmd: ['sh', '-c', 'echo out1; echo err1 >&2; echo out2; printf "no newline" >&2'] });
    const frames: Array<[string, string]> = [];
    for await (const frame of docker.logs(id)) frames.push([frame.stream, frame.text]);
    // The engine reads stdout and stderr through separate pipes: only the order within each is fixed.
    expect(frames.filter(([stream]) => stream === 'stdout')).toEqual([
      ['stdout', 'out1\n'],
      ['stdout', 'out2\n'],
    ]);
    expect(frames.filter(([stream]) => stream === 'stderr')).toEqual([
      ['stderr', 'err1\n'],
      ['stderr', 'no newline'],
    ]);
  });

  it('delivers a TTY container raw, both streams in stdout', async () => {
    const id = await runToEnd({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: true });
    expect(await collectOutputText(docker.logs(id))).toEqual({ stdout: 'out\r\nerr\r\n', stderr: '' });
  });

  it(`selects streams, the tail, and times with since / until / timestamps${podman ? ' (Podman 4.3 ignores a since of seconds.nanoseconds; the rest is not checked there)' : ''}`, async () => {
    // The engine stamps and stores the two streams in separate goroutines, and a read with `until`
    // stops at the first stored line past it: lines of the two streams written at once could be
    // stored out of time order, so each waits a moment after the other.
    const id = await runToEnd({ Cmd: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "line $i"; sleep 0.15; echo "warn $i" >&2; sleep 0.15; done'] });
    // The engine takes the tail of both streams together, then drops the stream not asked for.
    expect(await collectOutputText(docker.logs(id, { stderr: false, tail: 4 }))).toEqual({ stdout: 'line 4\nline 5\n', stderr: '' });

    const stamped = new Map<string, { time: Date; exact: string }>();
    for await (const frame of docker.logs(id, { timestamps: true })) {
      const [, seconds, fraction, text] = /^(\S+?)(\.\d+)?Z (.*)\n$/s.exec(frame.text)!;
      const time = new Date(`${seconds}${(fraction ?? '').slice(0, 4)}Z`);
      stamped.set(text!, { time, exact: `${Math.floor(time.getTime() / 1000)}${(fraction ?? '').padEnd(10, '0')}` });
    }
    expect([...stamped.keys()].sort()).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'warn 1', 'warn 2', 'warn 3', 'warn 4', 'warn 5']);
    // Both bounds include the exact nanosecond the timestamps give.
    const third = stamped.get('line 3')!.exact;
    if (podman) {
      // Podman 4.3 ignores a `since` given as seconds.nanoseconds: every line comes back.
      expect(await collectOutputText(docker.logs(id, { stderr: false, since: third }))).toEqual({
        stdout: 'line 1\nline 2\nline 3\nline 4\nline 5\n',
        stderr: '',
      });
      return;
    }
    expect(await collectOutputText(docker.logs(id, { stderr: false, since: third }))).toEqual({ stdout: 'line 3\nline 4\nline 5\n', stderr: '' });
    expect(await collectOutputText(docker.logs(id, { stderr: false, until: third }))).toEqual({ stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    // A Date has milliseconds only: rounded down, it still includes the line written in that millisecond.
    const since = stamped.get('warn 3')!.time;
    expect(await collectOutputText(docker.logs(id, { stdout: false, since }))).toEqual({ stdout: '', stderr: 'warn 3\nwarn 4\nwarn 5\n' });
  });

  it('follows a running container to its end', async () => {
    const { Id } = await docker.containers.create({
      body: {
        Image: 'busybox:latest',
        Labels: { 'test.run': run },
        HostConfig: { NetworkMode: 'none' },
        Cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.2; done'],
      },
    });
    created.push(Id);
    await docker.containers.start({ id: Id });
    const arrivals: number[] = [];
    const lines: string[] = [];
    for await (const frame of docker.logs(Id, { follow: true })) {
      arrivals.push(Date.now());
      lines.push(frame.text);
    }
    expect(lines).toEqual(['tick 1\n', 'tick 2\n', 'tick 3\n', 'tick 4\n', 'tick 5\n', 'tick 6\n']);
    // Delivered as written, not all at the end.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(500);
  });

  it('stops following quietly on abort; the container keeps running', async () => {
    const { Id } = await docker.containers.create({
      body: {
        Image: 'busybox:latest',
        Labels: { 'test.run': run },
        HostConfig: { NetworkMode: 'none' },
        Cmd: ['sh', '-c', 'while true; do echo alive; sleep 0.1; done'],
      },
    });
    created.push(Id);
    await docker.containers.start({ id: Id });
    const controller = new AbortController();
    let frames = 0;
    for await (const frame of docker.logs(Id, { follow: true, signal: controller.signal })) {
      expect(frame.text).toBe('alive\n');
      if (++frames === 3) controller.abort();
    }
    expect(frames).toBe(3);
    expect((await docker.containers.inspect({ id: Id })).State?.Running).toBe(true);
    await docker.containers.kill({ id: Id });
  });

  it(`hands a large output over in batches, byte for byte${podman ? ' (Podman 4.3 may split a line over two frames where its log file recorded a partial line)' : ''}`, async () => {
    const lines = 20_000;
    const id = await runToEnd({ Cmd: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "row $i of the output"; i=$((i+1)); done`] });
    const batchSizes: number[] = [];
    let count = 0;
    let mismatch: string | undefined;
    let pending = '';
    for await (const batch of docker.logs(id).batches()) {
      batchSizes.push(batch.length);
      for (const frame of batch as OutputFrame[]) {
        // Podman's partial lines are joined here: the bytes must still be exact.
        pending += frame.text;
        if (podman && !pending.endsWith('\n')) continue;
        if (pending !== `row ${count} of the output\n`) mismatch ??= `${count}: ${pending}`;
        pending = '';
        count++;
      }
      // A consumer that falls behind once: what arrives meanwhile must come as one batch. How many
      // frames a batch holds otherwise depends on timing (the engine writes a chunk per line).
      if (batchSizes.length === 1) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(mismatch).toBeUndefined();
    expect(count).toBe(lines);
    // The 64 KiB read-ahead holds about 2,000 of these 30-byte frames.
    expect(batchSizes[1]).toBeGreaterThan(1000);
    expect(batchSizes.length).toBeLessThan(lines);
  });

  it('fails with NotFoundError for a missing container', async () => {
    const error = await docker
      .logs(`missing-${run}`)
      .next()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    // Podman 4.3 says it its own way.
    expect((error as NotFoundError).message).toMatch(podman ? /no container with name or ID/ : /No such container/);
  });
});
