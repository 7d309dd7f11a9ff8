// Networks on the real engines: create with labels, IPAM and flags, list with filters, inspect,
// connect a running container with an alias and a fixed address, disconnect, remove, prune by
// label, and the engines' conflict and not-found answers. Podman 4.3 serves the same operations
// with its own answers in places (each test's name says where); it has no config-only networks.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, type DockerApiError, ForbiddenError, NotFoundError, ServerError, compareApiVersions } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

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
  const podman = isPodman(engine);
  const legacyEngine = engine.apiVersion === '1.41' && !podman;
  const atLeast = (version: string) => compareApiVersions(apiVersion, version) >= 0;

  /** Podman 4.3 answers most refusals with 500; its message says which one it is. */
  const podmanRefuses = async (call: Promise<unknown>, message: RegExp) => {
    const error = await call.then(
      () => new Error('expected Podman to refuse'),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toMatch(message);
  };

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

  const endpointOf = async (container: string, networkName: string) =>
    (await docker.containers.inspect({ id: container })).NetworkSettings?.Networks?.[networkName];

  afterAll(async () => {
    for (const id of containers) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    for (const id of networks) await docker.networks.delete({ id }).catch(() => undefined);
  });

  it(`creates a labelled internal, attachable network with its own subnet, and lists and inspects it${
    podman
      ? ' (Podman 4.3 refuses the type filter with 500, keeps neither Attachable nor AuxiliaryAddresses, leaves IPRange out of its answers though it allocates from it, names the MTU option mtu, and finds a local network when asked for swarm scope)'
      : ''
  }`, async () => {
    const pool = { Subnet: `${net(0)}.0/24`, IPRange: `${net(0)}.128/25`, Gateway: `${net(0)}.1`, AuxiliaryAddresses: { reserved: `${net(0)}.5` } };
    const created = await createNetwork('net', {
      Internal: true,
      Attachable: true,
      Options: { 'com.docker.network.driver.mtu': '1400' },
      IPAM: { Driver: 'default', Config: [pool] },
    });
    expect(created.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(created.Warning).toBe('');

    const byType = docker.networks.list({ filters: { ...byRun, driver: ['bridge'], type: ['custom'] } });
    if (podman) await podmanRefuses(byType, /^invalid filter "type"$/);
    const listed = podman ? await docker.networks.list({ filters: { ...byRun, driver: ['bridge'] } }) : await byType;
    expect(listed.map((n) => n.Id)).toEqual([created.Id]);
    const summary = listed[0]!;
    expect(summary.Name).toBe(`net-${run}`);
    expect(summary.Scope).toBe('local');
    expect(summary.Labels).toEqual(label);
    expect(summary.Internal).toBe(true);
    expect(summary.Attachable).toBe(!podman);
    expect(summary.IPAM?.Config).toEqual(podman ? [{ Subnet: pool.Subnet, Gateway: pool.Gateway }] : [pool]);
    // Name and ID filters match parts; the builtin type excludes user-defined networks.
    expect((await docker.networks.list({ filters: { name: [`net-${run}`] } })).map((n) => n.Id)).toEqual([created.Id]);
    expect((await docker.networks.list({ filters: { id: [created.Id.slice(0, 16)] } })).map((n) => n.Id)).toEqual([created.Id]);
    if (!podman) expect((await docker.networks.list({ filters: { ...byRun, type: ['builtin'] } })).length).toBe(0);
    expect((await docker.networks.list({ filters: { ...byRun, dangling: ['true'] } })).map((n) => n.Id)).toEqual([created.Id]);

    for (const id of [created.Id, `net-${run}`, created.Id.slice(0, 12)]) {
      const inspected = await docker.networks.inspect({ id, verbose: true, scope: 'local' });
      expect(inspected.Id).toBe(created.Id);
      expect(inspected.Containers).toEqual({});
      expect(inspected.Options).toEqual(podman ? { mtu: '1400' } : { 'com.docker.network.driver.mtu': '1400' });
      expect(inspected.IPAM?.Driver).toBe('default');
      expect(inspected.ConfigFrom).toEqual({ Network: '' });
      // Services only appear for swarm networks in verbose mode.
      expect('Services' in inspected).toBe(false);
      if (atLeast('1.47')) expect((inspected as { EnableIPv4?: boolean }).EnableIPv4).toBe(true);
    }
    // A local network is not found when only swarm networks are asked for (Podman ignores the scope).
    const inSwarmScope = docker.networks.inspect({ id: created.Id, scope: 'swarm' });
    if (podman) expect((await inSwarmScope).Id).toBe(created.Id);
    else await expect(inSwarmScope).rejects.toBeInstanceOf(NotFoundError);

    if (podman) {
      // Its answers leave IPRange out, yet Podman hands out addresses from it (the upper half only).
      const container = await runContainer('ranged');
      await docker.networks.connect({ id: created.Id, body: { Container: container } });
      const address = (await endpointOf(container, `net-${run}`))?.IPAddress ?? '';
      expect(address.startsWith(`${net(0)}.`)).toBe(true);
      expect(Number(address.split('.')[3])).toBeGreaterThanOrEqual(128);
      await docker.networks.disconnect({ id: created.Id, body: { Container: container } });
    }
  });

  it(`lists every network of the engine (swarm ones too, if any) within the spec${podman ? ' (Podman 4.3 has no host or none network)' : ''}`, async () => {
    const all = await docker.networks.list();
    const names = all.map((n) => n.Name);
    if (podman) {
      expect(names).toContain('bridge');
      expect(names).not.toContain('host');
      expect(names).not.toContain('none');
    } else expect(names).toEqual(expect.arrayContaining(['bridge', 'host', 'none']));
    expect(all.find((n) => n.Name === 'bridge')?.Driver).toBe('bridge');
  });

  it(`connects a running container with an alias and a fixed address, and disconnects it${
    podman
      ? ' (Podman 4.3: the endpoint names the network by name and has no IPAMConfig or EndpointID, dangling means unused, a second connect or removing a used network by name answers 500)'
      : ''
  }`, async () => {
    const { Id: network } = await createNetwork('wire', { IPAM: { Config: [{ Subnet: `${net(1)}.0/24` }] } });
    const container = await runContainer('wired');
    const address = `${net(1)}.50`;

    await docker.networks.connect({ id: network, body: { Container: container, EndpointConfig: { Aliases: ['web'], IPAMConfig: { IPv4Address: address } } } });

    const endpoint = await endpointOf(container, `wire-${run}`);
    expect(endpoint?.NetworkID).toBe(podman ? `wire-${run}` : network);
    expect(endpoint?.IPAddress).toBe(address);
    expect(endpoint?.IPPrefixLen).toBe(24);
    if (podman) {
      expect(endpoint?.IPAMConfig).toBeNull();
      expect(endpoint?.EndpointID).toBe('');
    } else expect(endpoint?.IPAMConfig?.IPv4Address).toBe(address);
    expect(endpoint?.Aliases).toContain('web');
    if (atLeast('1.44')) expect((endpoint as { DNSNames?: string[] }).DNSNames).toEqual(expect.arrayContaining([`wired-${run}`, 'web']));

    const inspected = await docker.networks.inspect({ id: network });
    expect(Object.keys(inspected.Containers ?? {})).toEqual([container]);
    expect(inspected.Containers?.[container]).toMatchObject({ Name: `wired-${run}`, IPv4Address: `${address}/24`, EndpointID: endpoint?.EndpointID });
    if (podman) {
      // Podman judges `dangling` by the containers really attached: this run's used networks are the
      // home network and this one (the first test's network no longer has a container).
      expect((await docker.networks.list({ filters: { ...byRun, dangling: ['true'] } })).map((n) => n.Id)).not.toContain(network);
      expect((await docker.networks.list({ filters: { ...byRun, dangling: ['false'] } })).map((n) => n.Name).sort()).toEqual([`home-${run}`, `wire-${run}`]);
    } else {
      // The engines judge `dangling` by the list items' (always empty) Containers: a used network
      // still counts as dangling, and `dangling=false` yields only the predefined networks.
      expect((await docker.networks.list({ filters: { ...byRun, dangling: ['true'] } })).map((n) => n.Id)).toContain(network);
      expect((await docker.networks.list({ filters: { dangling: ['false'] } })).map((n) => n.Name).sort()).toEqual(['bridge', 'host', 'none']);
    }

    // Already connected: 403 (Podman: 500). Unknown network or container: 404. In use: cannot be
    // removed (403; Podman: 500, and only when named by name, see the Podman-only test below).
    const again = docker.networks.connect({ id: network, body: { Container: container } });
    if (podman) await podmanRefuses(again, /is already connected to network "wire-\w+": network is already connected$/);
    else await expect(again).rejects.toBeInstanceOf(ForbiddenError);
    await expect(docker.networks.connect({ id: `missing-${run}`, body: { Container: container } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.networks.connect({ id: network, body: { Container: `missing-${run}` } })).rejects.toBeInstanceOf(NotFoundError);
    if (podman)
      await podmanRefuses(docker.networks.delete({ id: `wire-${run}` }), /^"wire-\w+" has associated containers with it\. .*: network is being used$/);
    else await expect(docker.networks.delete({ id: network })).rejects.toBeInstanceOf(ForbiddenError);

    await docker.networks.disconnect({ id: network, body: { Container: container } });
    expect((await docker.networks.inspect({ id: network })).Containers).toEqual({});
    expect(await endpointOf(container, `wire-${run}`)).toBeUndefined();
    // Disconnecting again is answered with 500 by 20.10, 28.5 and Podman alike.
    await expect(docker.networks.disconnect({ id: network, body: { Container: container } })).rejects.toBeInstanceOf(ServerError);

    await docker.networks.delete({ id: network });
    await expect(docker.networks.inspect({ id: network })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.networks.delete({ id: network })).rejects.toMatchObject({ status: 404, operation: 'NetworkDelete', apiVersion });
  });

  it.runIf(podman)(
    'on Podman 4.3 removes a network a running container uses when it is named by ID (by name: 500), and the container still lists it',
    async () => {
      const { Id: network } = await createNetwork('used-by-id', { IPAM: { Config: [{ Subnet: `${net(6)}.0/24` }] } });
      const container = await runContainer('user-by-id');
      await docker.networks.connect({ id: network, body: { Container: container } });
      await podmanRefuses(docker.networks.delete({ id: `used-by-id-${run}` }), /network is being used$/);
      await docker.networks.delete({ id: network });
      await expect(docker.networks.inspect({ id: network })).rejects.toBeInstanceOf(NotFoundError);
      expect((await docker.containers.inspect({ id: container })).State?.Running).toBe(true);
      expect((await endpointOf(container, `used-by-id-${run}`))?.NetworkID).toBe(`used-by-id-${run}`);
    },
  );

  it(`rejects a bad endpoint address (400 from Docker 25 on, 500 before${podman ? '; Podman 4.3: 500' : ''})`, async () => {
    const { Id: network } = await createNetwork('badip', { IPAM: { Config: [{ Subnet: `${net(2)}.0/24` }] } });
    const container = await runContainer('badip');
    const error = await docker.networks
      .connect({ id: network, body: { Container: container, EndpointConfig: { IPAMConfig: { IPv4Address: 'not-an-address' } } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(legacyEngine || podman ? ServerError : BadRequestError);
  });

  it(`answers duplicate names, predefined names, overlapping subnets and unknown drivers with typed errors${
    podman ? ' (Podman 4.3 answers each with 500, and makes a network without a name, calling it cni-podmanN)' : ''
  }`, async () => {
    const subnet = `${net(3)}.0/24`;
    await createNetwork('dup', { IPAM: { Config: [{ Subnet: subnet }] } });
    if (podman) {
      await podmanRefuses(createNetwork('dup'), /^network name dup-\w+ already used: network already exists$/);
      await podmanRefuses(createNetwork('dup', { CheckDuplicate: false }), /already used: network already exists$/);
      await podmanRefuses(
        createNetwork('overlap', { IPAM: { Config: [{ Subnet: subnet }] } }),
        /^subnet [\d./]+ is already used on the host or by another config$/,
      );
      await podmanRefuses(createNetwork('nodriver', { Driver: `nodriver-${run}` }), /^unsupported driver nodriver-\w+: invalid argument$/);
      const unnamed = await docker.networks.create({ body: { Name: '', Labels: label } });
      networks.push(unnamed.Id);
      expect((await docker.networks.inspect({ id: unnamed.Id })).Name).toMatch(/^cni-podman\d+$/);
      // Its predefined network is `podman`, served as `bridge`; refused as the default, or as in use.
      await podmanRefuses(docker.networks.delete({ id: 'bridge' }), /^default network podman cannot be removed$|"podman" has associated containers with it/);
    } else if (legacyEngine) {
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
    if (!podman) {
      await expect(createNetwork('overlap', { IPAM: { Config: [{ Subnet: subnet }] } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(createNetwork('nodriver', { Driver: `nodriver-${run}` })).rejects.toBeInstanceOf(NotFoundError);
      // No name: 400 from Docker 23 on, 500 on 20.10.
      await expect(docker.networks.create({ body: { Name: '' } })).rejects.toBeInstanceOf(legacyEngine ? ServerError : BadRequestError);
      // Predefined networks cannot be removed.
      await expect(docker.networks.delete({ id: 'bridge' })).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(docker.networks.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it(`creates a network from a config-only network${
    podman
      ? ' (Podman 4.3 ignores ConfigOnly and ConfigFrom: both are ordinary bridge networks, the second with a subnet of its own, and either can be removed)'
      : ''
  }`, async () => {
    const subnet = `${net(4)}.0/24`;
    if (podman) {
      const { Id: source } = await createNetwork('cfg', { ConfigOnly: true, IPAM: { Config: [{ Subnet: subnet }] } });
      expect(await docker.networks.inspect({ id: source })).toMatchObject({
        ConfigOnly: false,
        Driver: 'bridge',
        IPAM: { Config: [{ Subnet: subnet, Gateway: `${net(4)}.1` }] },
      });
      // Where Docker refuses a dependent network that brings labels of its own, Podman makes it.
      const { Id } = await createNetwork('from-cfg', { ConfigFrom: { Network: `cfg-${run}` } });
      const derived = await docker.networks.inspect({ id: Id });
      expect(derived).toMatchObject({ ConfigFrom: { Network: '' }, ConfigOnly: false, Driver: 'bridge', Labels: label });
      expect(derived.IPAM?.Config).toHaveLength(1);
      expect(derived.IPAM?.Config?.[0]?.Subnet).not.toBe(subnet);
      await docker.networks.delete({ id: `cfg-${run}` });
      await docker.networks.delete({ id: `from-cfg-${run}` });
      return;
    }
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

  it(`prunes unused networks matching a label filter, keeping used and config-only ones${
    podman ? ' (Podman 4.3 prunes the would-be config-only one too, answers an empty list rather than null, and refuses an unknown filter with 500)' : ''
  }`, async () => {
    // A label of its own, so networks of the other tests of this run are not pruned here.
    const pruneLabels = { ...label, 'test.prune': run };
    const byPrune = { label: [`test.prune=${run}`] };
    const { Id: unused } = await createNetwork('prune-unused', { Labels: pruneLabels });
    const { Id: used } = await createNetwork('prune-used', { Labels: pruneLabels });
    const { Id: configOnly } = await createNetwork('prune-cfg', { Labels: pruneLabels, ConfigOnly: true });
    const container = await runContainer('prune-user');
    await docker.networks.connect({ id: used, body: { Container: container } });

    const pruned = await docker.networks.prune({ filters: byPrune });
    expect(pruned.NetworksDeleted?.toSorted()).toEqual(podman ? [`prune-cfg-${run}`, `prune-unused-${run}`] : [`prune-unused-${run}`]);
    await expect(docker.networks.inspect({ id: unused })).rejects.toBeInstanceOf(NotFoundError);
    expect((await docker.networks.inspect({ id: used })).Id).toBe(used);
    if (podman) await expect(docker.networks.inspect({ id: configOnly })).rejects.toBeInstanceOf(NotFoundError);
    else expect((await docker.networks.inspect({ id: configOnly })).Id).toBe(configOnly);

    // `until` keeps networks created within the last hour; nothing is removed, answered as null (Podman: []).
    const keptYoung = (await docker.networks.prune({ filters: { ...byRun, until: ['1h'] } })).NetworksDeleted;
    if (podman) expect(keptYoung).toEqual([]);
    else expect(keptYoung).toBeNull();
    // An unknown filter name is refused (the label filter keeps the call harmless even if it were not).
    const bogus = await docker.networks.prune({ filters: { ...byRun, bogus: ['x'] } as never }).catch((e: unknown) => e);
    expect(bogus).toBeInstanceOf(podman ? ServerError : BadRequestError);
    expect((bogus as DockerApiError).status).toBe(podman ? 500 : 400);
    if (podman) expect((bogus as DockerApiError).message).toBe('invalid filter "bogus"');
  });
});
