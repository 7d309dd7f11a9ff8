import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BadRequestError, ConflictError, DockerVersionError, NotFoundError, NotModifiedError, ServerError } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('containers on $label', ({ docker, apiVersion, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const label = { 'test.run': run };
  const byRun = { label: [`test.run=${run}`] };
  const created: string[] = [];

  const create = async (name: string, cmd: string, extra: Record<string, unknown> = {}) => {
    const answer = await docker.containers.create({
      name: `${name}-${run}`,
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', cmd], Labels: label, ...extra },
    });
    created.push(answer.Id);
    return answer;
  };

  afterAll(async () => {
    for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
  });

  it('creates, lists, inspects, starts and waits for a container with its real exit code', async () => {
    const { Id, Warnings } = await create('exit3', 'echo hello; exit 3');
    expect(Id).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.isArray(Warnings)).toBe(true);

    const listed = await docker.containers.list({ all: true, filters: byRun });
    expect(listed.map((c) => c.Id)).toContain(Id);
    const summary = listed.find((c) => c.Id === Id)!;
    expect(summary.State).toBe('created');
    expect(summary.Names).toContain(`/exit3-${run}`);
    expect(summary.Labels).toMatchObject(label);

    const inspected = await docker.containers.inspect({ id: Id });
    expect(inspected.Name).toBe(`/exit3-${run}`);
    // Podman names the image it resolved: an image imported under a short name is localhost/NAME.
    expect(inspected.Config?.Image).toBe(podman ? 'localhost/busybox:latest' : 'busybox:latest');
    expect(inspected.State?.Status).toBe('created');

    const waiting = docker.containers.wait({ id: Id, condition: 'next-exit' });
    await docker.containers.start({ id: Id });
    const result = await waiting;
    expect(result.StatusCode).toBe(3);
    expect((await docker.containers.inspect({ id: Id })).State?.ExitCode).toBe(3);
    // Waiting on an exited container with the default condition answers at once.
    expect((await docker.containers.wait({ id: Id })).StatusCode).toBe(3);
  });

  it(`runs a container through top, changes, pause, unpause, update, rename, kill, restart and stop${podman ? ' (Podman 4.3 has no update route: 404; its top leaves the titles unsplit)' : ''}`, async () => {
    const { Id } = await create('life', 'echo data > /marker; exec sleep 300');
    await docker.containers.start({ id: Id });
    await expect(docker.containers.start({ id: Id })).rejects.toBeInstanceOf(NotModifiedError);

    const top = await docker.containers.top({ id: Id });
    // Podman 4.3 leaves busybox ps's header unsplit: one title holding every column.
    if (podman) expect(top.Titles).toEqual([expect.stringMatching(/^PID\s+USER\s+COMMAND$/)]);
    else expect(top.Titles).toContain('PID');
    expect(top.Processes?.some((row) => row.join(' ').includes('sleep 300'))).toBe(true);

    let changes: { Path: string; Kind: number }[] = [];
    for (let i = 0; i < 50 && !changes.some((c) => c.Path === '/marker'); i++) {
      changes = (await docker.containers.changes({ id: Id })) ?? [];
      if (!changes.some((c) => c.Path === '/marker')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(changes).toContainEqual({ Path: '/marker', Kind: 1 });

    await docker.containers.pause({ id: Id });
    expect((await docker.containers.inspect({ id: Id })).State?.Paused).toBe(true);
    expect((await docker.containers.list({ filters: { ...byRun, status: ['paused'] } })).map((c) => c.Id)).toEqual([Id]);
    await docker.containers.unpause({ id: Id });
    // The engine also applies containerd's late report of the pause, so it may say paused a moment longer.
    await vi.waitFor(async () => expect((await docker.containers.inspect({ id: Id })).State?.Paused).toBe(false), { timeout: 2000, interval: 20 });

    const updating = docker.containers.update({ id: Id, body: { CpuShares: 512, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
    if (podman) {
      await expect(updating).rejects.toBeInstanceOf(NotFoundError);
    } else {
      const update = await updating;
      expect(Array.isArray(update.Warnings) || update.Warnings === null || update.Warnings === undefined).toBe(true);
      const updated = await docker.containers.inspect({ id: Id });
      expect(updated.HostConfig?.CpuShares).toBe(512);
      expect(updated.HostConfig?.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
    }

    await docker.containers.rename({ id: Id, name: `renamed-${run}` });
    expect((await docker.containers.inspect({ id: `renamed-${run}` })).Id).toBe(Id);

    await docker.containers.kill({ id: Id, signal: 'SIGKILL' });
    expect((await docker.containers.wait({ id: Id })).StatusCode).toBe(137);

    await docker.containers.restart({ id: Id, t: 1 });
    expect((await docker.containers.inspect({ id: Id })).State?.Running).toBe(true);
    await docker.containers.stop({ id: Id, t: 1 });
    const stopped = await docker.containers.inspect({ id: Id });
    expect(stopped.State?.Running).toBe(false);
    await expect(docker.containers.stop({ id: Id })).rejects.toBeInstanceOf(NotModifiedError);
  });

  it('lists only running containers unless asked for all', async () => {
    const { Id: running } = await create('running', 'exec sleep 300');
    const { Id: idle } = await create('idle', 'true');
    await docker.containers.start({ id: running });
    const ids = (await docker.containers.list({ filters: byRun })).map((c) => c.Id);
    expect(ids).toContain(running);
    expect(ids).not.toContain(idle);
    const sized = await docker.containers.list({ all: true, size: true, filters: { ...byRun, id: [idle] } });
    expect(sized).toHaveLength(1);
    expect(sized[0]!.SizeRootFs).toBeGreaterThan(500_000);
    await docker.containers.kill({ id: running });
  });

  it('removes a container and then answers 404 for it', async () => {
    const { Id } = await create('removed', 'true');
    await docker.containers.delete({ id: Id, v: true });
    await expect(docker.containers.inspect({ id: Id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.containers.delete({ id: Id })).rejects.toMatchObject({ status: 404, operation: 'ContainerDelete', apiVersion });
  });

  it('prunes stopped containers matching a label filter, leaving others alone', async () => {
    const { Id: stopped } = await create('prunable', 'true');
    const { Id: running } = await create('kept', 'exec sleep 300');
    await docker.containers.start({ id: stopped });
    await docker.containers.wait({ id: stopped });
    await docker.containers.start({ id: running });
    const pruned = await docker.containers.prune({ filters: byRun });
    expect(pruned.ContainersDeleted).toContain(stopped);
    expect(pruned.ContainersDeleted).not.toContain(running);
    expect(typeof pruned.SpaceReclaimed).toBe('number');
    await expect(docker.containers.inspect({ id: stopped })).rejects.toBeInstanceOf(NotFoundError);
    await docker.containers.kill({ id: running });
  });

  it(`reports a name clash as ConflictError and a malformed name as BadRequestError${podman ? ' (Podman 4.3 answers both with 500: ServerError)' : ''}`, async () => {
    await create('dup', 'true');
    await expect(create('dup', 'true')).rejects.toBeInstanceOf(podman ? ServerError : ConflictError);
    await expect(docker.containers.create({ name: 'bad name!', body: { Image: 'busybox:latest' } })).rejects.toBeInstanceOf(
      podman ? ServerError : BadRequestError,
    );
  });

  it('rejects an unknown wait condition (the engine checks it from 1.42, 20.10 ignores it, Podman 4.3 checks it at 1.41)', async () => {
    const { Id } = await create('cond', 'true');
    const attempt = docker.containers.wait({ id: Id, condition: 'bogus' as 'not-running' });
    if (engine.apiVersion === '1.41' && !podman) {
      await docker.containers.start({ id: Id });
      await expect(attempt).resolves.toMatchObject({ StatusCode: 0 });
    } else {
      await expect(attempt).rejects.toBeInstanceOf(BadRequestError);
    }
  });

  it('refuses, before sending, a parameter newer than the negotiated version', async () => {
    const { Id } = await create('gate', 'exec sleep 300');
    const stop = docker.containers.stop as (params: Record<string, unknown>) => Promise<void>;
    if (apiVersion === '1.41') {
      await expect(stop({ id: Id, signal: 'SIGKILL' })).rejects.toThrow(DockerVersionError);
      await expect(stop({ id: Id, signal: 'SIGKILL' })).rejects.toThrow(/needs API 1\.42 or newer; this connection speaks 1\.41/);
    } else {
      await docker.containers.start({ id: Id });
      await stop({ id: Id, signal: 'SIGKILL', t: 30 });
      expect((await docker.containers.inspect({ id: Id })).State?.ExitCode).toBe(137);
    }
  });
});
