// Volumes on the real engines: create with labels and driver options, list with filters,
// inspect, share data between two containers, removal while in use, prune (anonymous-only from
// API 1.42, everything unused before), and the cluster-volume update an engine without a swarm
// cannot do.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  DockerApiError,
  DockerVersionError,
  NotFoundError,
  ServerError,
  ServiceUnavailableError,
  compareApiVersions,
} from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

const ANONYMOUS = 'com.docker.volume.anonymous';
const SIZED_TMPFS = { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' };
// Podman 4.3 reads a size in `o` as an XFS project quota, even for tmpfs: its volumes take another option.
const PODMAN_TMPFS = { type: 'tmpfs', device: 'tmpfs', o: 'nodev' };

describe.each(targets())('volumes on $label', ({ docker, apiVersion, engine }) => {
  const run = randomUUID().slice(0, 8);
  const label = { 'test.run': run };
  const byRun = { label: [`test.run=${run}`] };
  const volumes: string[] = [];
  const containers: string[] = [];
  const legacyEngine = engine.apiVersion === '1.41';
  const podman = isPodman(engine);
  const TMPFS = podman ? PODMAN_TMPFS : SIZED_TMPFS;
  const atLeast = (version: string) => compareApiVersions(apiVersion, version) >= 0;

  const createVolume = async (body: Record<string, unknown>) => {
    const volume = await docker.volumes.create({ body: { Labels: label, ...body } });
    volumes.push(volume.Name);
    return volume;
  };
  // Runs a command with the volume mounted at /data, without networking, and returns its exit code.
  const runWith = async (name: string, volume: string, script: string) => {
    const { Id } = await docker.containers.create({
      name: `${name}-${run}`,
      body: {
        Image: 'busybox:latest',
        Cmd: ['sh', '-c', script],
        Labels: label,
        HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: '/data' }] },
      },
    });
    containers.push(Id);
    const waiting = docker.containers.wait({ id: Id, condition: 'next-exit' });
    await docker.containers.start({ id: Id });
    return { id: Id, exitCode: (await waiting).StatusCode };
  };

  afterAll(async () => {
    for (const id of containers) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    for (const name of volumes) await docker.volumes.delete({ name }).catch(() => undefined);
  });

  const names = async (filters: Record<string, string[]>) => (await docker.volumes.list({ filters })).Volumes.map((v) => v.Name);

  const listDifferences = podman ? ' (Podman 4.3: a size in o is an XFS project quota, 500 here; filters are joined with OR, all of them; Warnings is [])' : '';
  it(`creates a volume with labels and driver options, lists it by filter and inspects it${listDifferences}`, async () => {
    const name = `vol-${run}`;
    if (podman) {
      const sized = docker.volumes.create({ body: { Name: `sized-${run}`, DriverOpts: SIZED_TMPFS, Labels: label } });
      await expect(sized).rejects.toBeInstanceOf(ServerError);
      await expect(sized).rejects.toThrow(/does not support Project Quota/);
    }
    const created = await createVolume({ Name: name, Driver: 'local', DriverOpts: TMPFS, Labels: { ...label, role: 'scratch' } });
    expect(created).toMatchObject({ Name: name, Driver: 'local', Scope: 'local', Options: TMPFS, Labels: { ...label, role: 'scratch' } });
    expect(created.Mountpoint.endsWith(`/volumes/${name}/_data`)).toBe(true);
    expect(Date.parse(created.CreatedAt ?? '')).not.toBeNaN();

    if (podman) {
      // Each filter alone selects as Docker's does; together they add up: a volume passes if any one of them matches.
      const { Name: other } = await createVolume({ Name: `other-${run}` });
      const list = await docker.volumes.list({ filters: { name: [name] } });
      expect(list.Volumes.map((v) => v.Name)).toEqual([name]);
      expect(list.Warnings).toEqual([]);
      expect((await names(byRun)).sort()).toEqual([name, other].sort());
      expect(await names({ label: ['role=scratch'] })).not.toContain(other);
      expect(await names({ label: [`test.run=${run}`, 'role=scratch'] })).toEqual(expect.arrayContaining([name, other]));
      expect(await names({ name: [name], ...byRun })).toEqual(expect.arrayContaining([name, other]));
      expect(await names({ dangling: ['true'] })).toEqual(expect.arrayContaining([name, other]));
      expect(await names({ dangling: ['false'] })).not.toContain(name);
      expect(await names({ ...byRun, dangling: ['false'] })).toEqual(expect.arrayContaining([name, other]));
    } else {
      const list = await docker.volumes.list({ filters: { ...byRun, name: [name], driver: ['local'] } });
      expect(list.Volumes.map((v) => v.Name)).toEqual([name]);
      expect(list.Warnings).toBeNull();
      expect((await docker.volumes.list({ filters: { label: [`test.run=${run}`, 'role=scratch'] } })).Volumes.map((v) => v.Name)).toEqual([name]);
      expect((await docker.volumes.list({ filters: { ...byRun, dangling: ['true'] } })).Volumes.map((v) => v.Name)).toContain(name);
      expect((await docker.volumes.list({ filters: { ...byRun, dangling: ['false'] } })).Volumes).toEqual([]);
    }
    expect((await docker.volumes.list({ filters: { name: [`nothing-${run}`] } })).Volumes).toEqual([]);

    const inspected = await docker.volumes.inspect({ name });
    expect(inspected).toEqual(created);
    // The engine runs on this machine: the mount point is a real directory.
    expect(existsSync(inspected.Mountpoint)).toBe(true);

    // Creating the same name again is not an error: the existing volume comes back unchanged.
    const again = await docker.volumes.create({ body: { Name: name, Labels: { other: 'labels' } } });
    expect(again.Labels).toEqual({ ...label, role: 'scratch' });
  });

  it('shares data between two containers through a volume, and refuses to remove it while in use', async () => {
    const { Name: name, Mountpoint } = await createVolume({ Name: `shared-${run}` });
    expect((await runWith('writer', name, 'echo "hello from $HOSTNAME" > /data/greeting')).exitCode).toBe(0);
    expect(readFileSync(join(Mountpoint, 'greeting'), 'utf8')).toMatch(/^hello from [0-9a-f]{12}\n$/);
    // A second container sees the file (exit 0) and a check for other content fails (exit 1).
    expect((await runWith('reader', name, 'grep -q "^hello from " /data/greeting')).exitCode).toBe(0);
    expect((await runWith('reader-neg', name, 'grep -q "^goodbye" /data/greeting')).exitCode).toBe(1);

    if (podman) {
      // Podman joins filters with OR (see above): the dangling filter alone tells the volume in use from one unused.
      const inUse = await names({ dangling: ['false'] });
      expect(inUse).toContain(name);
      expect(inUse).not.toContain(`vol-${run}`);
    } else {
      expect((await docker.volumes.list({ filters: { ...byRun, dangling: ['false'] } })).Volumes.map((v) => v.Name)).toEqual([name]);
    }
    expect((await docker.containers.list({ all: true, filters: { ...byRun, volume: [name] } })).length).toBe(3);

    // Stopped containers still hold the volume: 409, with or without force.
    await expect(docker.volumes.delete({ name })).rejects.toBeInstanceOf(ConflictError);
    await expect(docker.volumes.delete({ name, force: true })).rejects.toBeInstanceOf(ConflictError);

    for (const id of containers.splice(0)) await docker.containers.delete({ id });
    await docker.volumes.delete({ name });
    await expect(docker.volumes.inspect({ name })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.volumes.delete({ name })).rejects.toMatchObject({ status: 404, operation: 'VolumeDelete', apiVersion });
    // With force, a missing volume is not an error.
    await docker.volumes.delete({ name, force: true });
  });

  const refusals = podman
    ? 'answers a bad name and an unknown driver with 500 (ServerError), takes a one-letter name, and answers an unknown volume with 404 (Podman 4.3; Docker: 400, 404, and 400 for the short name)'
    : 'answers a bad name with 400 and an unknown driver or volume with 404';
  it(refusals, async () => {
    if (podman) {
      const badName = docker.volumes.create({ body: { Name: 'bad name!' } });
      await expect(badName).rejects.toBeInstanceOf(ServerError);
      await expect(badName).rejects.toThrow(/names must match/);
      expect((await createVolume({ Name: 'x' })).Name).toBe('x');
      const noDriver = docker.volumes.create({ body: { Name: `nodriver-${run}`, Driver: `nodriver-${run}` } });
      await expect(noDriver).rejects.toBeInstanceOf(ServerError);
      await expect(noDriver).rejects.toThrow(/no volume plugin with name nodriver-/);
    } else {
      await expect(docker.volumes.create({ body: { Name: 'bad name!' } })).rejects.toBeInstanceOf(BadRequestError);
      await expect(docker.volumes.create({ body: { Name: 'x' } })).rejects.toBeInstanceOf(BadRequestError);
      await expect(docker.volumes.create({ body: { Name: `nodriver-${run}`, Driver: `nodriver-${run}` } })).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(docker.volumes.inspect({ name: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it(
    atLeast('1.42')
      ? 'prunes only anonymous volumes by default and named ones with all=true (API 1.42+)'
      : `prunes named and anonymous volumes alike (API 1.41 semantics)${podman ? ', and those with driver options too (Podman 4.3, which also refuses the all filter and an unknown one with 500)' : ''}`,
    async () => {
      const pruneLabels = { ...label, 'test.prune': run };
      const byPrune = { label: [`test.prune=${run}`] };
      const named = await createVolume({ Name: `named-${run}`, Labels: pruneLabels });
      const anonymous = await createVolume({ Labels: pruneLabels });
      const withOptions = await createVolume({ Name: `tmpfs-${run}`, DriverOpts: TMPFS, Labels: pruneLabels });
      expect(anonymous.Name).toMatch(/^[0-9a-f]{64}$/);
      // Docker 23 and later mark volumes created without a name; 20.10 does not.
      expect(ANONYMOUS in (anonymous.Labels ?? {})).toBe(!legacyEngine);

      if (podman) {
        const pruned = await docker.volumes.prune({ filters: byPrune });
        expect(pruned.VolumesDeleted?.slice().sort()).toEqual([anonymous.Name, named.Name, withOptions.Name].sort());
        await expect(docker.volumes.inspect({ name: withOptions.Name })).rejects.toBeInstanceOf(NotFoundError);
        // Refused while the filters are read, before anything is pruned.
        for (const filter of ['all', 'bogus']) {
          const refused = docker.volumes.prune({ filters: { ...byPrune, [filter]: ['true'] } as never });
          await expect(refused).rejects.toBeInstanceOf(ServerError);
          await expect(refused).rejects.toThrow(new RegExp(`"${filter}" is an invalid volume filter`));
        }
        return;
      }
      if (atLeast('1.42')) {
        const first = await docker.volumes.prune({ filters: byPrune });
        expect(first.VolumesDeleted).toEqual([anonymous.Name]);
        expect(first.SpaceReclaimed).toBeGreaterThanOrEqual(0);
        const second = await docker.volumes.prune({ filters: { ...byPrune, all: ['true'] } as never });
        expect(second.VolumesDeleted).toEqual([named.Name]);
      } else {
        const pruned = await docker.volumes.prune({ filters: byPrune });
        expect(pruned.VolumesDeleted?.slice().sort()).toEqual([anonymous.Name, named.Name].sort());
        // `all` is a 1.42 filter: Docker 20.10 refuses it; newer engines spoken to at 1.41 accept it.
        const withAll = docker.volumes.prune({ filters: { ...byPrune, all: ['true'] } as never });
        if (legacyEngine) await expect(withAll).rejects.toBeInstanceOf(BadRequestError);
        else expect((await withAll).VolumesDeleted).toEqual([]);
      }
      // Volumes with driver options are never pruned.
      expect((await docker.volumes.inspect({ name: withOptions.Name })).Name).toBe(withOptions.Name);
      expect((await docker.volumes.list({ filters: byPrune })).Volumes.map((v) => v.Name)).toEqual([withOptions.Name]);
      // An unknown filter name is refused (the label filter keeps the call harmless even if it were not).
      const bogus = await docker.volumes.prune({ filters: { ...byPrune, until: ['1h'] } as never }).catch((e: unknown) => e);
      expect(bogus).toBeInstanceOf(BadRequestError);
    },
  );

  it(
    atLeast('1.42')
      ? 'refuses to update a local volume: 503 without a swarm, 404 on a swarm manager (only cluster volumes can change)'
      : 'refuses a volume update before sending it: PUT /volumes/{name} needs API 1.42',
    async () => {
      const { Name: name } = await createVolume({ Name: `upd-${run}` });
      // Typed for 1.41, the client has no `update`; the method exists at run time and checks the version.
      const { update } = docker.volumes as unknown as { update: (params: Record<string, unknown>) => Promise<void> };
      const attempt = update({ name, version: 1, body: { Spec: { Availability: 'drain' } } });
      if (!atLeast('1.42')) {
        await expect(attempt).rejects.toThrow(DockerVersionError);
        await expect(attempt).rejects.toThrow(/needs API 1\.42 or newer; this connection speaks 1\.41/);
        return;
      }
      // Volume updates exist for swarm cluster (CSI) volumes only. Outside a swarm the engine
      // answers 503 ("swarm is unavailable"); a swarm manager looks the name up among cluster
      // volumes and answers 404. Whether this engine is in a swarm depends on other tests sharing
      // it, so both answers are accepted, each with its own reason.
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DockerApiError);
      if (error instanceof ServiceUnavailableError) {
        expect(error.message).toMatch(/swarm is unavailable/);
      } else {
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as Error).message).toMatch(/not found/);
      }
      // Either way the local volume is untouched.
      expect((await docker.volumes.inspect({ name })).Name).toBe(name);
    },
  );
});
