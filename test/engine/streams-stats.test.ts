// docker.stats() / docker.statsOnce() against the real engines: a stream of samples, single
// samples with and without one-shot, abort, typed errors; every sample is checked against the
// spec of the version spoken (strictly when it is the engine's own).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('stats on $label', ({ docker, conformance, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const name = `streams-stats-${run}`;
  let id = '';

  beforeAll(async () => {
    const created = await docker.containers.create({
      name,
      body: { Image: 'busybox:latest', Labels: { 'test.run': run }, HostConfig: { NetworkMode: 'none' }, Cmd: ['sh', '-c', 'while true; do :; done'] },
    });
    id = created.Id;
    await docker.containers.start({ id });
  });

  afterAll(async () => {
    await docker.containers.delete({ id, force: true }).catch(() => undefined);
  });

  it(`streams a sample about every second until the loop stops${podman ? ' (Podman 4.3 names the container without its leading slash)' : ''}`, async () => {
    const reads: number[] = [];
    for await (const sample of docker.stats(id)) {
      conformance.check('ContainerStats', sample);
      expect(sample.name).toBe(podman ? name : `/${name}`);
      reads.push(Date.parse(sample.read!));
      if (reads.length === 3) break;
    }
    expect(reads[1]! - reads[0]!).toBeGreaterThan(500);
    expect(reads[2]! - reads[1]!).toBeGreaterThan(500);
  });

  it(`takes two readings for a single sample unless asked for one shot${podman ? ' (Podman 4.3 answers both as fast: its one shot saves no time)' : ''}`, async () => {
    let started = Date.now();
    const full = await docker.statsOnce(id);
    const fullTook = Date.now() - started;
    conformance.check('ContainerStats', full);
    // The busy loop has used CPU between the two readings the engine compares.
    expect(full.cpu_stats!.cpu_usage!.total_usage!).toBeGreaterThan(full.precpu_stats!.cpu_usage!.total_usage ?? 0);
    expect(Date.parse(full.read!) - Date.parse(full.preread!)).toBeGreaterThan(500);

    started = Date.now();
    const quick = await docker.statsOnce(id, { oneShot: true });
    const quickTook = Date.now() - started;
    conformance.check('ContainerStats', quick);
    // One shot: no second reading to wait for (and, from Docker 28 on, no name or id either).
    expect(quick.precpu_stats?.system_cpu_usage ?? 0).toBe(0);
    expect(Math.abs(Date.parse(quick.read!) - Date.now())).toBeLessThan(10_000);
    if (!podman) expect(quickTook).toBeLessThan(fullTook);
  });

  it(`ends the stream quietly on abort${podman ? ' (Podman 4.3 sends the ID as Id, not id)' : ''}`, async () => {
    const controller = new AbortController();
    let samples = 0;
    for await (const sample of docker.stats(id, { signal: controller.signal })) {
      expect(podman ? (sample as { Id?: string }).Id : sample.id).toBe(id);
      samples++;
      controller.abort();
    }
    expect(samples).toBe(1);
  });

  it('fails with NotFoundError for a missing container', async () => {
    await expect(docker.statsOnce(`missing-${run}`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.stats(`missing-${run}`).next()).rejects.toBeInstanceOf(NotFoundError);
  });
});
