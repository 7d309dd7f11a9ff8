// Swarm mode end to end, on each engine in turn: every target makes its engine the only manager
// of a fresh single-node swarm (listening on 127.0.0.1 only), runs nodes, secrets, configs, a
// busybox service, its tasks and their logs through it, and ALWAYS leaves the swarm in afterAll.
//
// Not exercisable here: joining a second engine (there is one engine per swarm; joining is only
// checked for its typed errors), unlocking a locked manager (that needs an engine restart), and
// plugin services, cluster volumes and generic resources (nothing on these engines provides them).
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, ServerError, ServiceUnavailableError, compareApiVersions } from '../../src/index.js';
import { forceLeaveSwarm, swarmState, SWARM_MARKER } from './support/swarm-fixtures.js';
import { isPodman, targets } from './support/targets.js';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

interface Frame {
  stream: number;
  payload: Buffer;
}

/** Splits a multiplexed stream: 8-byte header [stream, 0, 0, 0, size uint32 BE], then size bytes. */
function demultiplex(data: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < data.length) {
    expect(data.length - at).toBeGreaterThanOrEqual(8);
    const stream = data[at]!;
    expect([1, 2]).toContain(stream);
    expect([...data.subarray(at + 1, at + 4)]).toEqual([0, 0, 0]);
    const size = data.readUInt32BE(at + 4);
    expect(data.length - at - 8).toBeGreaterThanOrEqual(size);
    frames.push({ stream, payload: data.subarray(at + 8, at + 8 + size) });
    at += 8 + size;
  }
  return frames;
}

const linesOf = (frames: Frame[], stream: number) =>
  Buffer.concat(frames.filter((f) => f.stream === stream).map((f) => f.payload))
    .toString('utf8')
    .split('\n')
    .filter(Boolean);

/** Polls `read` until `done` holds for its result, or fails after `timeoutMs`. */
async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    last = await read();
  }
  return last;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

// Podman has no swarm mode: its targets only check how it says so, typed.
describe.each(targets().filter((target) => isPodman(target.engine)))('swarm on $label (Podman 4.3 has no swarm mode)', ({ docker }) => {
  it('answers swarm, node, service and task routes with 404 NotFoundError, and a join with 503 "Podman does not support service"', async () => {
    for (const call of [() => docker.swarm.inspect(), () => docker.nodes.list(), () => docker.services.list(), () => docker.tasks.list()]) {
      await expect(call()).rejects.toBeInstanceOf(NotFoundError);
    }
    const join = await docker.swarm
      .join({ body: { ListenAddr: '127.0.0.1:2399', RemoteAddrs: ['127.0.0.1:9'], JoinToken: 'SWMTKN-1-bogus' } })
      .catch((caught: unknown) => caught);
    expect(join).toBeInstanceOf(ServiceUnavailableError);
    expect((join as Error).message).toMatch(/Podman does not support service/);
  });
});

describe.each(targets().filter((target) => !isPodman(target.engine)))('swarm on $label', ({ docker, engine, apiVersion }) => {
  const run = randomUUID().slice(0, 8);
  // Each engine gets its own port, so the two engines could even be managers at the same time.
  const port = engine.name === 'legacy' ? 2377 : 2387;
  const listen = `127.0.0.1:${port}`;
  const legacyEngine = engine.apiVersion === '1.41';
  const label = { 'test.run': run };
  const secretName = `swarm-secret-${run}`;
  const configName = `swarm-config-${run}`;
  const serviceName = `swarm-svc-${run}`;

  let nodeId = '';
  let secretId = '';
  let configId = '';
  let serviceId = '';

  beforeAll(async () => {
    // A swarm left behind by an interrupted run of this file carries our marker label and is
    // removed; any other swarm belongs to someone else, so the suite stops rather than break it.
    const state = await swarmState(engine.socket);
    if (state.LocalNodeState !== 'inactive') {
      if (state.marker !== SWARM_MARKER) {
        throw new Error(`${engine.name} is already in a swarm (${state.LocalNodeState}) that these tests did not create; not touching it`);
      }
      await forceLeaveSwarm(engine.socket);
    }
  });

  afterAll(async () => {
    // Always leave the swarm, whatever happened above; leaving also drops the ingress network.
    if (serviceId) await docker.services.delete({ id: serviceId }).catch(() => undefined);
    for (const id of [secretId]) if (id) await docker.secrets.delete({ id }).catch(() => undefined);
    for (const id of [configId]) if (id) await docker.configs.delete({ id }).catch(() => undefined);
    await forceLeaveSwarm(engine.socket);
    expect((await swarmState(engine.socket)).LocalNodeState).toBe('inactive');
    // Task containers go away with the swarm; remove any straggler of our service all the same.
    if (serviceId) {
      const left = await docker.containers.list({ all: true, filters: { label: [`com.docker.swarm.service.id=${serviceId}`] } });
      for (const container of left) await docker.containers.delete({ id: container.Id, force: true }).catch(() => undefined);
    }
  });

  it('answers 503 for swarm operations while the engine is in no swarm', async () => {
    await expect(docker.swarm.inspect()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(docker.nodes.list()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(docker.services.list()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(docker.swarm.unlockkey()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(docker.swarm.leave()).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/not part of a swarm/) });
  });

  it('reports joining with a malformed token or an unreachable manager as typed errors (no second engine to join here)', async () => {
    // A malformed token is refused before any connection is tried.
    await expect(docker.swarm.join({ body: { ListenAddr: listen, RemoteAddrs: ['127.0.0.1:9'], JoinToken: 'SWMTKN-1-bogus' } })).rejects.toSatisfy(
      (error: unknown) => error instanceof ServerError && /invalid join token/.test(error.message),
    );
    // A well-formed token for a manager that does not exist (nothing listens on port 9).
    const token = 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx';
    await expect(docker.swarm.join({ body: { ListenAddr: listen, RemoteAddrs: ['127.0.0.1:9'], JoinToken: token } })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect((await docker.system.info()).Swarm?.LocalNodeState).toBe('inactive');
  });

  it('creates a single-node swarm and shows it in inspect and /info; a second init or a join is refused', async () => {
    nodeId = await docker.swarm.init({
      body: { ListenAddr: listen, AdvertiseAddr: listen, Spec: { Labels: { ...label, 'test.suite': SWARM_MARKER } } },
    });
    expect(nodeId).toMatch(/^[0-9a-z]{25}$/);

    const swarm = await docker.swarm.inspect();
    expect(swarm.ID).toMatch(/^[0-9a-z]{25}$/);
    expect(swarm.JoinTokens.Worker).toMatch(/^SWMTKN-1-/);
    expect(swarm.JoinTokens.Manager).toMatch(/^SWMTKN-1-/);
    expect(swarm.JoinTokens.Worker).not.toBe(swarm.JoinTokens.Manager);
    expect(swarm.Spec.Name).toBe('default');
    expect(swarm.Spec.Labels).toMatchObject(label);
    expect(swarm.Spec.Raft.ElectionTick).toBeGreaterThan(swarm.Spec.Raft.HeartbeatTick);
    expect(swarm.Spec.EncryptionConfig.AutoLockManagers).toBe(false);
    expect(swarm.DataPathPort).toBe(4789);
    expect(swarm.TLSInfo.TrustRoot).toContain('BEGIN CERTIFICATE');

    const info = await docker.system.info();
    expect(info.Swarm?.LocalNodeState).toBe('active');
    expect(info.Swarm?.ControlAvailable).toBe(true);
    expect(info.Swarm?.NodeID).toBe(nodeId);
    expect(info.Swarm?.Cluster?.ID).toBe(swarm.ID);
    expect(info.Swarm?.RemoteManagers).toEqual([{ NodeID: nodeId, Addr: listen }]);

    await expect(docker.swarm.init({ body: { ListenAddr: listen, AdvertiseAddr: listen } })).rejects.toMatchObject({
      status: 503,
      message: expect.stringMatching(/already part of a swarm/),
    });
    await expect(docker.swarm.join({ body: { ListenAddr: listen, RemoteAddrs: [listen], JoinToken: swarm.JoinTokens.Worker } })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it('changes the swarm settings, rotates the worker token and refuses a stale version', async () => {
    const before = await docker.swarm.inspect();
    const spec = structuredClone(before.Spec);
    spec.Raft.SnapshotInterval = 5000;
    spec.Orchestration.TaskHistoryRetentionLimit = 3;
    spec.Labels = { ...spec.Labels, 'test.changed': 'yes' };
    await docker.swarm.update({ version: before.Version.Index!, rotateWorkerToken: true, body: spec });

    const after = await docker.swarm.inspect();
    expect(after.Version.Index).toBeGreaterThan(before.Version.Index!);
    expect(after.Spec.Raft.SnapshotInterval).toBe(5000);
    expect(after.Spec.Orchestration.TaskHistoryRetentionLimit).toBe(3);
    expect(after.Spec.Labels).toMatchObject({ ...label, 'test.changed': 'yes' });
    expect(after.JoinTokens.Worker).not.toBe(before.JoinTokens.Worker);
    expect(after.JoinTokens.Manager).toBe(before.JoinTokens.Manager);

    await expect(docker.swarm.update({ version: before.Version.Index!, body: spec })).rejects.toSatisfy(
      (error: unknown) => error instanceof ServerError && /out of sequence/.test(error.message),
    );

    await docker.swarm.update({ version: after.Version.Index!, rotateManagerToken: true, body: after.Spec });
    const rotated = await docker.swarm.inspect();
    expect(rotated.JoinTokens.Manager).not.toBe(after.JoinTokens.Manager);
    expect(rotated.JoinTokens.Worker).toBe(after.JoinTokens.Worker);
  });

  it('turns auto-lock on, reads and rotates the unlock key, and turns it off again', async () => {
    expect(await docker.swarm.unlockkey()).toEqual({ UnlockKey: '' });
    const plain = await docker.swarm.inspect();
    await docker.swarm.update({
      version: plain.Version.Index!,
      body: { ...plain.Spec, EncryptionConfig: { AutoLockManagers: true } },
    });
    const locked = await docker.swarm.inspect();
    expect(locked.Spec.EncryptionConfig.AutoLockManagers).toBe(true);
    const { UnlockKey: key } = await docker.swarm.unlockkey();
    expect(key).toMatch(/^SWMKEY-1-/);

    await docker.swarm.update({ version: locked.Version.Index!, rotateManagerUnlockKey: true, body: locked.Spec });
    const { UnlockKey: rotated } = await docker.swarm.unlockkey();
    expect(rotated).toMatch(/^SWMKEY-1-/);
    expect(rotated).not.toBe(key);

    // The running manager is not locked (locking only happens on restart): nothing to unlock.
    await expect(docker.swarm.unlock({ body: { UnlockKey: rotated } })).rejects.toBeInstanceOf(ConflictError);

    const again = await docker.swarm.inspect();
    await docker.swarm.update({ version: again.Version.Index!, body: { ...again.Spec, EncryptionConfig: { AutoLockManagers: false } } });
    expect((await docker.swarm.inspect()).Spec.EncryptionConfig.AutoLockManagers).toBe(false);
    expect(await docker.swarm.unlockkey()).toEqual({ UnlockKey: '' });
  });

  it('lists, inspects and updates the node, and refuses to remove the only manager', async () => {
    const nodes = await docker.nodes.list();
    expect(nodes.map((node) => node.ID)).toEqual([nodeId]);
    const [node] = nodes;
    expect(node!.Spec.Role).toBe('manager');
    expect(node!.Spec.Availability).toBe('active');
    expect(node!.Status.State).toBe('ready');
    expect(node!.ManagerStatus).toMatchObject({ Leader: true, Reachability: 'reachable', Addr: listen });
    expect(node!.Description.Engine.EngineVersion).toBe(engine.version);
    expect(node!.Description.Resources.NanoCPUs).toBeGreaterThan(0);

    expect((await docker.nodes.list({ filters: { role: ['manager'] } })).map((n) => n.ID)).toEqual([nodeId]);
    expect(await docker.nodes.list({ filters: { role: ['worker'] } })).toEqual([]);
    await expect(docker.nodes.list({ filters: { bogus: ['x'] } as never })).rejects.toBeInstanceOf(BadRequestError);

    // By ID and by host name.
    expect((await docker.nodes.inspect({ id: nodeId })).ID).toBe(nodeId);
    expect((await docker.nodes.inspect({ id: node!.Description.Hostname! })).ID).toBe(nodeId);
    await expect(docker.nodes.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);

    // The manager updates its own node record now and then (status, description), which moves its
    // version on: an update is sent with the version just read, and sent again if it lost that race.
    const updateNode = async (spec: (current: typeof node) => NonNullable<typeof node>['Spec']) => {
      for (let attempt = 1; ; attempt++) {
        const current = await docker.nodes.inspect({ id: nodeId });
        const sent = current.Version.Index!;
        const failure = await docker.nodes.update({ id: nodeId, version: sent, body: spec(current) }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (failure === undefined) return sent;
        if (attempt === 5 || !(failure instanceof ServerError && /out of sequence/.test(failure.message))) throw failure;
      }
    };
    const version = await updateNode(() => ({ Role: 'manager', Availability: 'pause', Labels: { zone: run } }));
    const paused = await docker.nodes.inspect({ id: nodeId });
    expect(paused.Version.Index).toBeGreaterThan(version);
    expect(paused.Spec).toMatchObject({ Role: 'manager', Availability: 'pause', Labels: { zone: run } });
    expect((await docker.nodes.list({ filters: { 'node.label': [`zone=${run}`] } })).map((n) => n.ID)).toEqual([nodeId]);
    await expect(docker.nodes.update({ id: nodeId, version, body: { Role: 'manager', Availability: 'active' } })).rejects.toSatisfy(
      (error: unknown) => error instanceof ServerError && /out of sequence/.test(error.message),
    );
    await updateNode((current) => ({ ...current!.Spec, Availability: 'active' }));
    expect((await docker.nodes.inspect({ id: nodeId })).Spec.Availability).toBe('active');

    // A manager must be demoted before removal, and the only manager cannot be.
    await expect(docker.nodes.delete({ id: nodeId })).rejects.toBeInstanceOf(BadRequestError);
    await expect(docker.nodes.delete({ id: nodeId, force: true })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('creates, lists, inspects and relabels a secret; its content never comes back', async () => {
    ({ ID: secretId } = await docker.secrets.create({ body: { Name: secretName, Labels: label, Data: base64(`hush-${run}`) } }));
    expect(secretId).toMatch(/^[0-9a-z]{25}$/);
    await expect(docker.secrets.create({ body: { Name: secretName, Data: base64('again') } })).rejects.toBeInstanceOf(ConflictError);
    await expect(docker.secrets.create({ body: { Name: `empty-${run}` } })).rejects.toBeInstanceOf(BadRequestError);

    const inspected = await docker.secrets.inspect({ id: secretId });
    expect(inspected.Spec.Name).toBe(secretName);
    expect(inspected.Spec.Labels).toEqual(label);
    expect(inspected.Spec.Data).toBeUndefined();
    expect((await docker.secrets.inspect({ id: secretName })).ID).toBe(secretId);

    const byLabel = await docker.secrets.list({ filters: { label: [`test.run=${run}`] } });
    expect(byLabel.map((s) => s.ID)).toEqual([secretId]);
    expect((await docker.secrets.list({ filters: { names: [secretName] } })).map((s) => s.ID)).toEqual([secretId]);
    expect((await docker.secrets.list({ filters: { name: [secretName.slice(0, -2)] } })).map((s) => s.ID)).toEqual([secretId]);

    const version = inspected.Version.Index!;
    await docker.secrets.update({ id: secretId, version, body: { ...inspected.Spec, Labels: { ...label, extra: 'yes' } } });
    const relabelled = await docker.secrets.inspect({ id: secretId });
    expect(relabelled.Version.Index).toBeGreaterThan(version);
    expect(relabelled.Spec.Labels).toEqual({ ...label, extra: 'yes' });
    // Only labels may change.
    await expect(
      docker.secrets.update({ id: secretId, version: relabelled.Version.Index!, body: { ...relabelled.Spec, Data: base64('other') } }),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(docker.secrets.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates, lists, inspects and relabels a config, whose content is returned', async () => {
    const content = 'service={{.Service.Name}}';
    ({ ID: configId } = await docker.configs.create({ body: { Name: configName, Labels: label, Data: base64(content), Templating: { Name: 'golang' } } }));
    expect(configId).toMatch(/^[0-9a-z]{25}$/);
    await expect(docker.configs.create({ body: { Name: configName, Data: base64('again') } })).rejects.toBeInstanceOf(ConflictError);
    await expect(docker.configs.create({ body: { Name: `empty-${run}` } })).rejects.toBeInstanceOf(BadRequestError);

    const inspected = await docker.configs.inspect({ id: configId });
    expect(inspected.Spec).toMatchObject({ Name: configName, Labels: label, Templating: { Name: 'golang' } });
    expect(Buffer.from(inspected.Spec.Data!, 'base64').toString('utf8')).toBe(content);

    expect((await docker.configs.list({ filters: { label: [`test.run=${run}`] } })).map((c) => c.ID)).toEqual([configId]);
    expect((await docker.configs.list({ filters: { name: [configName] } })).map((c) => c.ID)).toEqual([configId]);
    // The reference lists a `names` filter for configs, but the engine refuses it.
    await expect(docker.configs.list({ filters: { names: [configName] } as never })).rejects.toBeInstanceOf(BadRequestError);

    const version = inspected.Version.Index!;
    await docker.configs.update({ id: configId, version, body: { ...inspected.Spec, Labels: { ...label, extra: 'yes' } } });
    const relabelled = await docker.configs.inspect({ id: configId });
    expect(relabelled.Version.Index).toBeGreaterThan(version);
    expect(relabelled.Spec.Labels).toEqual({ ...label, extra: 'yes' });
    await expect(
      docker.configs.update({ id: configId, version: relabelled.Version.Index!, body: { ...relabelled.Spec, Data: base64('other') } }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('runs a busybox service with the secret and config, and reports it and its task', async () => {
    const created = await docker.services.create({
      body: {
        Name: serviceName,
        Labels: label,
        TaskTemplate: {
          ContainerSpec: {
            Image: 'busybox:latest',
            Command: ['sh', '-c'],
            Args: [
              // The engine copies stdout and stderr to the log in separate goroutines, so the log's
              // order across the two streams is not the order of writing; the pause keeps `oops`
              // ahead of the lines after it, which the `tail` check below counts on.
              `echo line-1; echo line-2; echo oops >&2; sleep 1; cat /run/secrets/${secretName}; echo; cat /etc/app.conf; echo; exec sleep 300`,
            ],
            Env: ['STAGE=one'],
            Labels: label,
            StopGracePeriod: 1_000_000_000,
            Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1_000_000_000, Retries: 3 },
            Secrets: [{ SecretID: secretId, SecretName: secretName, File: { Name: secretName, UID: '0', GID: '0', Mode: 0o400 } }],
            Configs: [{ ConfigID: configId, ConfigName: configName, File: { Name: '/etc/app.conf', UID: '0', GID: '0', Mode: 0o444 } }],
          },
          // The host network needs no bridge: the legacy engine's docker0 is not always there.
          Networks: [{ Target: 'host' }],
          RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
          Resources: { Limits: { MemoryBytes: 64 * 1024 * 1024 } },
        },
        Mode: { Replicated: { Replicas: 1 } },
        UpdateConfig: { Parallelism: 1, Monitor: 1_000_000_000, Order: 'stop-first', FailureAction: 'pause' },
      },
    });
    serviceId = created.ID;
    expect(serviceId).toMatch(/^[0-9a-z]{25}$/);
    if (legacyEngine) expect(created.Warnings).toBeUndefined();
    else expect(created.Warnings === null || Array.isArray(created.Warnings)).toBe(true);

    // A second service of the same name is refused.
    await expect(docker.services.create({ body: { Name: serviceName, TaskTemplate: { ContainerSpec: { Image: 'busybox:latest' } } } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(docker.services.create({ body: { Name: `noimage-${run}`, TaskTemplate: { ContainerSpec: {} } } })).rejects.toBeInstanceOf(BadRequestError);
    // An unknown network: 404 for a predefined one without a swarm counterpart, 500 for any other name.
    const onNetwork = (Target: string) =>
      docker.services.create({ body: { Name: `nonet-${run}`, TaskTemplate: { ContainerSpec: { Image: 'busybox:latest' }, Networks: [{ Target }] } } });
    await expect(onNetwork('none')).rejects.toBeInstanceOf(NotFoundError);
    await expect(onNetwork(`missing-${run}`)).rejects.toSatisfy((error: unknown) => error instanceof ServerError && /not found/.test(error.message));
    // A network of the engine's own (local scope) cannot carry services.
    const local = await docker.networks.create({ body: { Name: `local-${run}`, Driver: 'bridge' } });
    try {
      await expect(onNetwork(`local-${run}`)).rejects.toBeInstanceOf(ForbiddenError);
    } finally {
      await docker.networks.delete({ id: local.Id });
    }

    const tasks = await waitFor(
      'the service task to run',
      () => docker.tasks.list({ filters: { service: [serviceId], 'desired-state': ['running'] } }),
      (list) => list.some((task) => task.Status.State === 'running'),
      90_000,
    );
    const task = tasks.find((t) => t.Status.State === 'running')!;
    expect(task.ServiceID).toBe(serviceId);
    expect(task.NodeID).toBe(nodeId);
    expect(task.Slot).toBe(1);
    expect(task.DesiredState).toBe('running');
    expect(task.Spec.ContainerSpec?.Image).toMatch(/^busybox:latest/);
    expect(task.Spec.ContainerSpec?.Healthcheck?.Test).toEqual(['CMD-SHELL', 'true']);
    expect(task.Status.ContainerStatus?.ContainerID).toMatch(/^[0-9a-f]{64}$/);
    // The swarm's own record of the network it is attached to (not a GET /networks answer).
    expect(task.NetworksAttachments?.[0]?.Network.Spec).toMatchObject({ Name: 'host', Scope: 'swarm', DriverConfiguration: { Name: 'host' } });

    const inspectedTask = await docker.tasks.inspect({ id: task.ID });
    expect(inspectedTask.ID).toBe(task.ID);
    expect(inspectedTask.Status.ContainerStatus?.ContainerID).toBe(task.Status.ContainerStatus?.ContainerID);
    // Tasks are named <service>.<slot>.<task ID>; the name filter matches prefixes of that.
    expect((await docker.tasks.list({ filters: { name: [`${serviceName}.1`] } })).map((t) => t.ID)).toContain(task.ID);
    expect(await docker.tasks.list({ filters: { node: [nodeId], label: [`missing-${run}`] } })).toEqual([]);
    await expect(docker.tasks.list({ filters: { service: [`missing-${run}`] } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.tasks.list({ filters: { bogus: ['x'] } as never })).rejects.toBeInstanceOf(BadRequestError);
    await expect(docker.tasks.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);

    // The container the task runs is a real container on this engine.
    const container = await docker.containers.inspect({ id: task.Status.ContainerStatus!.ContainerID! });
    expect(container.Config?.Labels?.['com.docker.swarm.task.id']).toBe(task.ID);

    const listed = await docker.services.list({ status: true, filters: { label: [`test.run=${run}`] } });
    expect(listed.map((s) => s.ID)).toEqual([serviceId]);
    expect(listed[0]!.ServiceStatus).toMatchObject({ RunningTasks: 1, DesiredTasks: 1 });
    expect((await docker.services.list()).find((s) => s.ID === serviceId)?.ServiceStatus).toBeUndefined();
    expect((await docker.services.list({ filters: { mode: ['replicated'], name: [serviceName] } })).map((s) => s.ID)).toEqual([serviceId]);
    expect(await docker.services.list({ filters: { mode: ['global'], name: [serviceName] } })).toEqual([]);
    await expect(docker.services.list({ filters: { bogus: ['x'] } as never })).rejects.toBeInstanceOf(BadRequestError);

    const service = await docker.services.inspect({ id: serviceName });
    expect(service.ID).toBe(serviceId);
    expect(service.Spec.Name).toBe(serviceName);
    expect(service.Spec.Labels).toEqual(label);
    expect(service.Spec.Mode?.Replicated?.Replicas).toBe(1);
    expect(service.Spec.TaskTemplate.ContainerSpec?.Secrets?.[0]?.SecretID).toBe(secretId);
    expect(service.PreviousSpec).toBeUndefined();
    expect(service.UpdateStatus).toBeUndefined();
    const withDefaults = await docker.services.inspect({ id: serviceId, insertDefaults: true });
    expect(withDefaults.Spec.TaskTemplate.Runtime).toBe('container');
    expect(withDefaults.Spec.RollbackConfig?.Order).toBe('stop-first');
    await expect(docker.services.inspect({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads service and task logs as multiplexed frames', async () => {
    const expectedContentType =
      compareApiVersions(apiVersion, '1.42') >= 0
        ? 'application/vnd.docker.multiplexed-stream'
        : legacyEngine
          ? undefined
          : 'application/vnd.docker.raw-stream';

    // The service's output, with timestamps and the task context before each line.
    const frames = await waitFor(
      'the service output',
      async () => {
        const answer = await docker.services.logs({ id: serviceId, stdout: true, stderr: true, timestamps: true, details: true });
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe(expectedContentType);
        return demultiplex(await readAll(answer.body));
      },
      (got) => linesOf(got, 1).some((line) => line.endsWith(`service=${serviceName}`)) && linesOf(got, 2).length > 0,
    );
    const out = linesOf(frames, 1);
    for (const line of out) {
      expect(line).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z com\.docker\.swarm\.node\.id=[0-9a-z]+,com\.docker\.swarm\.service\.id=[0-9a-z]+,com\.docker\.swarm\.task\.id=[0-9a-z]+ /,
      );
      expect(line).toContain(`com.docker.swarm.service.id=${serviceId}`);
    }
    const text = out.map((line) => line.split(' ').slice(2).join(' '));
    expect(text).toEqual(expect.arrayContaining(['line-1', 'line-2', `hush-${run}`, `service=${serviceName}`]));
    expect(linesOf(frames, 2).map((line) => line.split(' ').slice(2).join(' '))).toContain('oops');

    // stdout only, no extras: just the printed lines of the one task.
    const plain = demultiplex(await readAll((await docker.services.logs({ id: serviceId, stdout: true })).body));
    expect(plain.every((frame) => frame.stream === 1)).toBe(true);
    expect(linesOf(plain, 1)).toEqual(['line-1', 'line-2', `hush-${run}`, `service=${serviceName}`]);

    const [task] = await docker.tasks.list({ filters: { service: [serviceId], 'desired-state': ['running'] } });
    const taskAnswer = await docker.tasks.logs({ id: task!.ID, stdout: true, stderr: true });
    expect(taskAnswer.headers['content-type']).toBe(expectedContentType);
    const taskFrames = demultiplex(await readAll(taskAnswer.body));
    expect(linesOf(taskFrames, 1)).toEqual(['line-1', 'line-2', `hush-${run}`, `service=${serviceName}`]);
    expect(linesOf(taskFrames, 2)).toEqual(['oops']);
    // `tail` counts the lines of both streams together: the last two were written to stdout.
    const tailFrames = demultiplex(await readAll((await docker.tasks.logs({ id: task!.ID, stdout: true, stderr: true, tail: 2 })).body));
    expect(linesOf(tailFrames, 1)).toEqual([`hush-${run}`, `service=${serviceName}`]);
    expect(linesOf(tailFrames, 2)).toEqual([]);

    // The logs helper decodes the same stream.
    const helperLines: string[] = [];
    for await (const frame of docker.taskLogs(task!.ID, { stderr: false })) helperLines.push(...frame.text.split('\n').filter(Boolean));
    expect(helperLines).toEqual(['line-1', 'line-2', `hush-${run}`, `service=${serviceName}`]);

    // Without a stream to read the engine answers 500, not 400.
    await expect(docker.services.logs({ id: serviceId })).rejects.toBeInstanceOf(ServerError);
    await expect(docker.tasks.logs({ id: task!.ID })).rejects.toBeInstanceOf(ServerError);
    await expect(docker.services.logs({ id: `missing-${run}`, stdout: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates the service (environment and replicas), bumping its version and rolling it out, then rolls back', async () => {
    const before = await docker.services.inspect({ id: serviceId });
    const spec = structuredClone(before.Spec);
    spec.TaskTemplate.ContainerSpec!.Env = ['STAGE=two'];
    spec.Mode = { Replicated: { Replicas: 2 } };
    const answer = await docker.services.update({ id: serviceId, version: before.Version.Index!, body: spec });
    expect(answer.Warnings === null || Array.isArray(answer.Warnings)).toBe(true);

    const updating = await docker.services.inspect({ id: serviceId });
    expect(updating.Version.Index).toBeGreaterThan(before.Version.Index!);
    expect(updating.Spec.TaskTemplate.ContainerSpec?.Env).toEqual(['STAGE=two']);
    expect(updating.Spec.Mode?.Replicated?.Replicas).toBe(2);
    expect(updating.PreviousSpec?.TaskTemplate.ContainerSpec?.Env).toEqual(['STAGE=one']);
    // The rollout status appears once the orchestrator has picked the change up.
    expect([undefined, 'updating', 'completed']).toContain(updating.UpdateStatus?.State);

    // A write based on the old version is refused.
    await expect(docker.services.update({ id: serviceId, version: before.Version.Index!, body: spec })).rejects.toSatisfy(
      (error: unknown) => error instanceof ServerError && /out of sequence/.test(error.message),
    );

    const done = await waitFor(
      'the rolling update to complete',
      () => docker.services.inspect({ id: serviceId }),
      (service) => service.UpdateStatus?.State === 'completed',
      150_000,
    );
    expect(done.UpdateStatus?.StartedAt).toBeDefined();
    expect(done.UpdateStatus?.CompletedAt).toBeDefined();
    const running = await waitFor(
      'two tasks with the new environment',
      () => docker.tasks.list({ filters: { service: [serviceId], 'desired-state': ['running'] } }),
      (tasks) => tasks.length === 2 && tasks.every((t) => t.Status.State === 'running' && t.Spec.ContainerSpec?.Env?.includes('STAGE=two')),
    );
    expect(running.map((t) => t.Slot).sort()).toEqual([1, 2]);
    expect((await docker.services.list({ status: true, filters: { id: [serviceId] } }))[0]!.ServiceStatus).toMatchObject({ RunningTasks: 2, DesiredTasks: 2 });

    // A server-side rollback returns to the previous specification; its states are the
    // rollback_* values the reference does not list.
    await docker.services.update({ id: serviceId, version: done.Version.Index!, rollback: 'previous', body: done.Spec });
    const rolledBack = await waitFor(
      'the rollback to complete',
      () => docker.services.inspect({ id: serviceId }),
      (service) => service.UpdateStatus?.State === 'rollback_completed',
      150_000,
    );
    expect(rolledBack.Spec.TaskTemplate.ContainerSpec?.Env).toEqual(['STAGE=one']);
    expect(rolledBack.Spec.Mode?.Replicated?.Replicas).toBe(1);
  }, 360_000);

  it('refuses to remove a secret or config in use, then removes the service, secret and config', async () => {
    await expect(docker.secrets.delete({ id: secretId })).rejects.toBeInstanceOf(BadRequestError);
    await expect(docker.configs.delete({ id: configId })).rejects.toBeInstanceOf(BadRequestError);

    await docker.services.delete({ id: serviceId });
    await expect(docker.services.inspect({ id: serviceId })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.services.delete({ id: serviceId })).rejects.toBeInstanceOf(NotFoundError);

    await docker.secrets.delete({ id: secretId });
    await expect(docker.secrets.inspect({ id: secretId })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.secrets.delete({ id: secretId })).rejects.toBeInstanceOf(NotFoundError);
    secretId = '';
    await docker.configs.delete({ id: configId });
    await expect(docker.configs.inspect({ id: configId })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.configs.delete({ id: configId })).rejects.toBeInstanceOf(NotFoundError);
    configId = '';

    // The only manager leaves only with `force` (the afterAll hook does that).
    await expect(docker.swarm.leave()).rejects.toSatisfy((error: unknown) => error instanceof ServiceUnavailableError && /--force/.test(error.message));

    // The task containers go away once the orchestrator has shut the tasks down.
    await waitFor(
      'the task containers to be removed',
      () => docker.containers.list({ all: true, filters: { label: [`com.docker.swarm.service.id=${serviceId}`] } }),
      (left) => left.length === 0,
    );
  });
});
