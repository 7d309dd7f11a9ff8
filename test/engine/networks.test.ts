// Networks on the real engines: create with labels, IPAM and flags, list with filters, inspect,
// connect a running container with an alias and a fixed address, disconnect, remove, prune by
// label, and the engines' conflict and not-found answers.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, type DockerApiError, ForbiddenError, NotFoundError, ServerError, compareApiVersions } from '../../src/index.js';
import { targets } from './support/targets.js';

describe.each(targets())('networks on $label', ({ docker, apiVersion, engine }) => {
  const run = randomUUID().slice(0, 8);
  const label = { 'test.run': run };
  const byRun = { label: [`test.run=${run}`] };
  const networks: string[] = [];
  const containers: string[] = [];
  // Each test gets its own /24 (10.21x.<octet>.0/24, the octet picked per run) so that networks
  // of one test never overlap those of another, and leftovers of an aborted run rarely collide.
  const octet = 1 + Math.floor(Math.random() * 250);
  const net = (n: number) => `10.${210 + n}.${octet}`;
  const legacyEngine = engine.apiVersion === '1.41';
  const atLeast = (version: string) => compareApiVersions(apiVersion, version) >= 0;

  const createNetwork = async (name: string, body: Record<string, unknown> = {}) => {
    const answer = await docker.networks.create({ body: { Name: `${name}-${run}`, Labels: label, ...body } });
    networks.push(answer.Id);
    return answer;
  };
  // Containers start on a network of this run rather than the default bridge, so the tests do
  // not depend on the engine's docker0 (and show that a container can sit on several networks).
  let home: Promise<string> | undefined;
  const runContainer = async (name: string) => {
    home ??= createNetwork('home', { IPAM: { Config: [{ Subnet: `${net(5)}.0/24` }] } }).then(() => `home-${run}`);
    const { Id } = await docker.containers.create({
      name: `${name}-${run}`,
      body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: label, HostConfig: { NetworkMode: await home } },
    });
    containers.push(Id);
    await docker.containers.start({ id: Id });
    return Id;
  };

  afterAll(async () => {
    for (const id of containers) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    for (const id of networks) await docker.networks.delete({ id }).catch(() => undefined);
  });

  it('creates a labelled internal, attachable network with its own subnet, and lists and inspects it', async () => {
    const pool = { Subnet: `${net(0)}.0/24`, IPRange: `${net(0)}.128/25`, Gateway: `${net(0)}.1`, AuxiliaryAddresses: { reserved: `${net(0)}.5` } };
    const created = await createNetwork('net', {
      Internal: true,
      Attachable: true,
      Options: { 'com.docker.network.driver.mtu': '1400' },
      IPAM: { Driver: 'default', Config: [pool] },
    });
    expect(created.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(created.Warning).toBe('');

    const listed = await docker.networks.list({ filters: { ...byRun, driver: ['bridge'], type: ['custom'] } });
    expect(listed.map((n) => n.Id)).toEqual([created.Id]);
    const summary = listed[0]!;
    expect(summary.Name).toBe(`net-${run}`);
    expect(summary.Scope).toBe('local');
    expect(summary.Labels).toEqual(label);
    expect(summary.Internal).toBe(true);
    expect(summary.Attachable).toBe(true);
    expect(summary.IPAM?.Config).toEqual([pool]);
    // Name and ID filters match parts; the builtin type excludes user-defined networks.
    expect((await docker.networks.list({ filters: { name: [`net-${run}`] } })).map((n) => n.Id)).toEqual([created.Id]);
    expect((await docker.networks.list({ filters: { id: [created.Id.slice(0, 16)] } })).map((n) => n.Id)).toEqual([created.Id]);
    expect((await docker.networks.list({ filters: { ...byRun, type: ['builtin'] } })).length).toBe(0);
    expect((await docker.networks.list({ filters: { ...byRun, dangling: ['true'] } })).map((n) => n.Id)).toEqual([created.Id]);

    for (const id of [created.Id, `net-${run}`, created.Id.slice(0, 12)]) {
      const inspected = await docker.networks.inspect({ id, verbose: true, scope: 'local' });
      expect(inspected.Id).toBe(created.Id);
      expect(inspected.Containers).toEqual({});
      expect(inspected.Options).toEqual({ 'com.docker.network.driver.mtu': '1400' });
      expect(inspected.IPAM?.Driver).toBe('default');
      expect(inspected.ConfigFrom).toEqual({ Network: '' });
      // Services only appear for swarm networks in verbose mode.
      expect('Services' in inspected).toBe(false);
      if (atLeast('1.47')) expect((inspected as { EnableIPv4?: boolean }).EnableIPv4).toBe(true);
    }
    // A local network is not found when only swarm networks are asked for.
    await expect(docker.networks.inspect({ id: created.Id, scope: 'swarm' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists every network of the engine (swarm ones too, if any) within the spec', async () => {
    const all = await docker.networks.list();
    expect(all.map((n) => n.Name)).toEqual(expect.arrayContaining(['bridge', 'host', 'none']));
    expect(all.find((n) => n.Name === 'bridge')?.Driver).toBe('bridge');
  });

  it('connects a running container with an alias and a fixed address, and disconnects it', async () => {
    const { Id: network } = await createNetwork('wire', { IPAM: { Config: [{ Subnet: `${net(1)}.0/24` }] } });
    const container = await runContainer('wired');
    const address = `${net(1)}.50`;

    await docker.networks.connect({ id: network, body: { Container: container, EndpointConfig: { Aliases: ['web'], IPAMConfig: { IPv4Address: address } } } });

    const endpoint = (await docker.containers.inspect({ id: container })).NetworkSettings?.Networks?.[`wire-${run}`];
    expect(endpoint?.NetworkID).toBe(network);
    expect(endpoint?.IPAddress).toBe(address);
    expect(endpoint?.IPPrefixLen).toBe(24);
    expect(endpoint?.IPAMConfig?.IPv4Address).toBe(address);
    expect(endpoint?.Aliases).toContain('web');
    if (atLeast('1.44')) expect((endpoint as { DNSNames?: string[] }).DNSNames).toEqual(expect.arrayContaining([`wired-${run}`, 'web']));

    const inspected = await docker.networks.inspect({ id: network });
    expect(Object.keys(inspected.Containers ?? {})).toEqual([container]);
    expect(inspected.Containers?.[container]).toMatchObject({ Name: `wired-${run}`, IPv4Address: `${address}/24`, EndpointID: endpoint?.EndpointID });
    // The engines judge `dangling` by the list items' (always empty) Containers: a used network
    // still counts as dangling, and `dangling=false` yields only the predefined networks.
    expect((await docker.networks.list({ filters: { ...byRun, dangling: ['true'] } })).map((n) => n.Id)).toContain(network);
    expect((await docker.networks.list({ filters: { dangling: ['false'] } })).map((n) => n.Name).sort()).toEqual(['bridge', 'host', 'none']);

    // Already connected: 403. Unknown network or container: 404. In use: cannot be removed (403).
    await expect(docker.networks.connect({ id: network, body: { Container: container } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(docker.networks.connect({ id: `missing-${run}`, body: { Container: container } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.networks.connect({ id: network, body: { Container: `missing-${run}` } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.networks.delete({ id: network })).rejects.toBeInstanceOf(ForbiddenError);

    await docker.networks.disconnect({ id: network, body: { Container: container } });
    expect((await docker.networks.inspect({ id: network })).Containers).toEqual({});
    expect((await docker.containers.inspect({ id: container })).NetworkSettings?.Networks?.[`wire-${run}`]).toBeUndefined();
    // Disconnecting again is answered with 500 by 20.10 and 28.5 alike.
    await expect(docker.networks.disconnect({ id: network, body: { Container: container } })).rejects.toBeInstanceOf(ServerError);

    await docker.networks.delete({ id: network });
    await expect(docker.networks.inspect({ id: network })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.networks.delete({ id: network })).rejects.toMatchObject({ status: 404, operation: 'NetworkDelete', apiVersion });
  });

  it('rejects a bad endpoint address (400 from Docker 25 on, 500 before)', async () => {
    const { Id: network } = await createNetwork('badip', { IPAM: { Config: [{ Subnet: `${net(2)}.0/24` }] } });
    const container = await runContainer('badip');
    const error = await docker.networks
      .connect({ id: network, body: { Container: container, EndpointConfig: { IPAMConfig: { IPv4Address: 'not-an-address' } } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(legacyEngine ? ServerError : BadRequestError);
  });

  it('answers duplicate names, predefined names, overlapping subnets and unknown drivers with typed errors', async () => {
    const subnet = `${net(3)}.0/24`;
    await createNetwork('dup', { IPAM: { Config: [{ Subnet: subnet }] } });
    if (legacyEngine) {
      // Docker 20.10 creates a second network of the same name unless CheckDuplicate is set...
      const second = await createNetwork('dup');
      expect(second.Warning).toContain('already exists');
      // ...and inspecting by that name is then ambiguous (400).
      await expect(docker.networks.inspect({ id: `dup-${run}` })).rejects.toBeInstanceOf(BadRequestError);
      await expect(createNetwork('dup', { CheckDuplicate: true })).rejects.toBeInstanceOf(ConflictError);
    } else {
      // From Docker 25 the check is always on, whatever the API version.
      await expect(createNetwork('dup')).rejects.toBeInstanceOf(ConflictError);
      if (!atLeast('1.46')) await expect(createNetwork('dup', { CheckDuplicate: false })).rejects.toBeInstanceOf(ConflictError);
    }
    await expect(createNetwork('overlap', { IPAM: { Config: [{ Subnet: subnet }] } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createNetwork('nodriver', { Driver: `nodriver-${run}` })).rejects.toBeInstanceOf(NotFoundError);
    // No name: 400 from Docker 23 on, 500 on 20.10.
    await expect(docker.networks.create({ body: { Name: '' } })).rejects.toBeInstanceOf(legacyEngine ? ServerError : BadRequestError);
    // Predefined networks cannot be removed.
    await expect(docker.networks.delete({ id: 'bridge' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(docker.networks.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates a network from a config-only network', async () => {
    const subnet = `${net(4)}.0/24`;
    const { Id: source } = await createNetwork('cfg', { ConfigOnly: true, IPAM: { Config: [{ Subnet: subnet }] } });
    const sourceInfo = await docker.networks.inspect({ id: source });
    expect(sourceInfo.ConfigOnly).toBe(true);
    expect(sourceInfo.Driver).toBe('null');
    // The dependent network takes IPAM and labels from the config-only one and may not add its own.
    await expect(createNetwork('from-cfg', { ConfigFrom: { Network: `cfg-${run}` } })).rejects.toBeInstanceOf(ForbiddenError);
    const { Id } = await docker.networks.create({ body: { Name: `from-cfg-${run}`, ConfigFrom: { Network: `cfg-${run}` } } });
    networks.unshift(Id);
    const derived = await docker.networks.inspect({ id: Id });
    expect(derived.ConfigFrom).toEqual({ Network: `cfg-${run}` });
    expect(derived.IPAM?.Config).toEqual([{ Subnet: subnet }]);
    expect(derived.Labels).toEqual(label);
    // A config-only network in use by another one cannot be removed.
    await expect(docker.networks.delete({ id: source })).rejects.toBeInstanceOf(ForbiddenError);
    await docker.networks.delete({ id: Id });
  });

  it('prunes unused networks matching a label filter, keeping used and config-only ones', async () => {
    // A label of its own, so networks of the other tests of this run are not pruned here.
    const pruneLabels = { ...label, 'test.prune': run };
    const byPrune = { label: [`test.prune=${run}`] };
    const { Id: unused } = await createNetwork('prune-unused', { Labels: pruneLabels });
    const { Id: used } = await createNetwork('prune-used', { Labels: pruneLabels });
    const { Id: configOnly } = await createNetwork('prune-cfg', { Labels: pruneLabels, ConfigOnly: true });
    const container = await runContainer('prune-user');
    await docker.networks.connect({ id: used, body: { Container: container } });

    const pruned = await docker.networks.prune({ filters: byPrune });
    expect(pruned.NetworksDeleted).toEqual([`prune-unused-${run}`]);
    await expect(docker.networks.inspect({ id: unused })).rejects.toBeInstanceOf(NotFoundError);
    expect((await docker.networks.inspect({ id: used })).Id).toBe(used);
    expect((await docker.networks.inspect({ id: configOnly })).Id).toBe(configOnly);

    // `until` keeps networks created within the last hour; nothing is removed, answered as null.
    expect((await docker.networks.prune({ filters: { ...byRun, until: ['1h'] } })).NetworksDeleted).toBeNull();
    // An unknown filter name is refused (the label filter keeps the call harmless even if it were not).
    const bogus = await docker.networks.prune({ filters: { ...byRun, bogus: ['x'] } as never }).catch((e: unknown) => e);
    expect(bogus).toBeInstanceOf(BadRequestError);
    expect((bogus as DockerApiError).status).toBe(400);
  });
});
