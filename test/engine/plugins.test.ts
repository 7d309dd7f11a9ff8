// Managed plugins on real engines, without a registry: the plugin is built here from the root file
// system of a busybox container and a config.json (PluginCreate), then listed, inspected, set,
// enabled, disabled, pushed and removed. The registry operations (privileges, pull, upgrade, push)
// can only fail here: no registry is reachable, and 127.0.0.1:9 refuses connections at once.
// Every JSON answer is validated against the spec of the API version in use (see targets.ts), and
// so is every progress message of push.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError, ServerError } from '../../src/index.js';
import {
  busyboxRootfs,
  engineRequest,
  eventually,
  PluginSocketServer,
  pluginContext,
  pluginSocketsUnavailable,
  readJsonRecords,
  volumePluginConfig,
} from './support/plugin-fixtures.js';
import { isPodman, targets } from './support/targets.js';

const socketsUnavailable = pluginSocketsUnavailable();
const enableNote = socketsUnavailable
  ? `: skipped, ${socketsUnavailable}`
  : ' (the engine starts the busybox process and connects to its socket, which the test serves from the host side of the ' +
    "plugin's socket folder because busybox here has no unix-socket listener)";

// Podman has no plugin API: its targets only check that it says so.
describe.each(targets().filter((target) => isPodman(target.engine)))('plugins on $label (Podman 4.3 has no plugin API)', ({ docker }) => {
  it('answers every plugin route with 404 NotFoundError, "not supported"', async () => {
    await expect(docker.plugins.list()).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/is not supported/) });
    await expect(docker.plugins.list()).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.plugins.inspect({ name: 'any' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe.each(targets().filter((target) => !isPodman(target.engine)))('plugins on $label', ({ docker, engine, apiVersion, conformance }) => {
  const run = randomUUID().slice(0, 8);
  // The registry part of the name is unreachable, so push fails fast instead of trying Docker Hub.
  const registry = '127.0.0.1:9';
  const name = `${registry}/engine-tests/volume-${run}:1.0`;
  const socketName = 'engine-test.sock';
  const since = (Date.now() / 1000).toFixed(3);
  let id = '';
  let server: PluginSocketServer | undefined;

  const serve = async () => {
    server = new PluginSocketServer(id, socketName);
    await server.listen();
    return server;
  };
  const stopServing = async () => {
    await server?.close();
    server = undefined;
  };

  afterAll(async () => {
    await docker.plugins.delete({ name, force: true }).catch(() => undefined);
    await stopServing();
  });

  it('creates a plugin (PluginCreate) from a tar of a busybox root file system and config.json; 409 for the same name again', async () => {
    const rootfs = await busyboxRootfs(engine.socket, { 'test.run': run });
    const context = await pluginContext(rootfs, volumePluginConfig(socketName));
    await expect(docker.plugins.create({ name, body: context })).resolves.toBeUndefined();
    await expect(docker.plugins.create({ name, body: context })).rejects.toBeInstanceOf(ConflictError);
  });

  it('lists it, also through the capability and enabled filters, and inspects it by name, ID and short ID', async () => {
    const listed = await docker.plugins.list();
    const plugin = listed.find((p) => p.Name === name);
    expect(plugin).toBeDefined();
    id = plugin!.Id;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(plugin!.Enabled).toBe(false);
    // Plain strings on the wire, not the objects the reference shows up to 1.51.
    expect(plugin!.Config.Interface.Types).toEqual(['docker.volumedriver/1.0']);
    expect(plugin!.Config.Interface.Socket).toBe(socketName);
    expect(plugin!.Config.Entrypoint?.[0]).toBe('/bin/sh');
    expect(plugin!.Config.Env).toEqual([{ Name: 'DEBUG', Description: 'Debug level of the test plugin', Settable: ['value'], Value: '0' }]);
    expect(plugin!.Config.rootfs?.type).toBe('layers');
    expect(plugin!.Config.rootfs?.diff_ids).toHaveLength(1);
    expect(plugin!.Settings).toEqual({ Mounts: [], Env: ['DEBUG=0'], Args: [], Devices: [] });

    const ids = async (filters: Parameters<typeof docker.plugins.list>[0]) => (await docker.plugins.list(filters)).map((p) => p.Id);
    expect(await ids({ filters: { capability: ['volumedriver'], enabled: ['false'] } })).toContain(id);
    expect(await ids({ filters: { capability: ['networkdriver'] } })).not.toContain(id);
    expect(await ids({ filters: { enabled: ['true'] } })).not.toContain(id);
    // The reference calls the filter `enable`; the engine only knows `enabled`.
    await expect(docker.plugins.list({ filters: { enable: ['true'] } as never })).rejects.toBeInstanceOf(BadRequestError);

    const inspected = await docker.plugins.inspect({ name });
    expect(inspected).toEqual(plugin);
    expect((await docker.plugins.inspect({ name: id })).Name).toBe(name);
    expect((await docker.plugins.inspect({ name: id.slice(0, 12) })).Name).toBe(name);
    await expect(docker.plugins.inspect({ name: `${registry}/engine-tests/absent-${run}:1.0` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('changes a setting while disabled (PluginSet) and sees it in inspect; an undeclared setting is refused with 500', async () => {
    await expect(docker.plugins.set({ name, body: ['DEBUG=1'] })).resolves.toBeUndefined();
    expect((await docker.plugins.inspect({ name })).Settings.Env).toEqual(['DEBUG=1']);
    await expect(docker.plugins.set({ name, body: [`UNDECLARED_${run}=1`] })).rejects.toBeInstanceOf(ServerError);
    await expect(docker.plugins.set({ name: `${registry}/engine-tests/absent-${run}:1.0`, body: ['DEBUG=1'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers 500 to PluginEnable without `timeout` (engines parse it unconditionally; the spec marks it required)', async () => {
    const answer = await engineRequest(engine.socket, 'POST', `/v${apiVersion}/plugins/${encodeURIComponent(name)}/enable`);
    expect(answer.status).toBe(500);
    expect(answer.body.toString()).toContain('strconv.Atoi');
    expect((await docker.plugins.inspect({ name })).Enabled).toBe(false);
  });

  it.skipIf(socketsUnavailable !== undefined)(`enables and disables it for real${enableNote}; 409s while enabled`, async () => {
    const socket = await serve();
    await expect(docker.plugins.enable({ name, timeout: 0 })).resolves.toBeUndefined();
    expect((await docker.plugins.inspect({ name })).Enabled).toBe(true);
    // The busybox process started, with the setting changed above in its environment.
    expect(await eventually(() => socket.marker())).toBe('started DEBUG=1');
    expect((await docker.plugins.list({ filters: { enabled: ['true'] } })).map((p) => p.Id)).toContain(id);

    // Registered as a volume driver: every volume list now asks the plugin for its volumes.
    const volumes = await engineRequest(engine.socket, 'GET', '/volumes');
    expect(volumes.status).toBe(200);
    expect(socket.calls).toContain('/VolumeDriver.List');

    await expect(docker.plugins.enable({ name, timeout: 0 })).rejects.toBeInstanceOf(ConflictError);
    await expect(docker.plugins.set({ name, body: ['DEBUG=2'] })).rejects.toBeInstanceOf(ServerError);
    await expect(docker.plugins.delete({ name })).rejects.toBeInstanceOf(ConflictError);
    // Refused before the engine contacts any registry.
    await expect(docker.plugins.upgrade({ name, remote: `${registry}/engine-tests/volume-${run}:2.0`, body: [] })).rejects.toBeInstanceOf(ConflictError);

    await expect(docker.plugins.disable({ name })).resolves.toBeUndefined();
    expect((await docker.plugins.inspect({ name })).Enabled).toBe(false);
    await expect(docker.plugins.disable({ name })).rejects.toBeInstanceOf(ConflictError);
    await stopServing();
  });

  it('lists no privileges for a plugin on an unreachable registry (no registry here: engines answer 200 with an empty list, not an error)', async () => {
    expect(await docker.plugins.privileges({ remote: `${registry}/engine-tests/absent-${run}:1.0` })).toEqual([]);
  });

  it('fails PluginPull with a typed ServerError (no registry here: 127.0.0.1:9 refuses connections) and installs nothing', async () => {
    const local = `engine-tests/pulled-${run}:1.0`;
    const error = await docker.plugins.pull({ remote: `${registry}/engine-tests/absent-${run}:1.0`, name: local, body: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toContain(registry);
    await expect(docker.plugins.inspect({ name: local })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses PluginPull into a name already taken with BadRequestError, before contacting any registry', async () => {
    await expect(docker.plugins.pull({ remote: `${registry}/engine-tests/absent-${run}:1.0`, name, body: [] })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('fails PluginUpgrade of the disabled plugin with a typed ServerError (no registry here) and keeps the plugin as it was', async () => {
    const error = await docker.plugins.upgrade({ name, remote: `${registry}/engine-tests/volume-${run}:2.0`, body: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toContain(registry);
    const kept = await docker.plugins.inspect({ name });
    expect(kept.Id).toBe(id);
    expect(kept.Settings.Env).toEqual(['DEBUG=1']);
    await expect(
      docker.plugins.upgrade({ name: `${registry}/engine-tests/absent-${run}:1.0`, remote: `${registry}/engine-tests/absent-${run}:2.0`, body: [] }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pushes to an unreachable registry (no registry here): status 200, then the failure in-band as errorDetail', async () => {
    const answer = await docker.plugins.push({ name });
    expect(answer.status).toBe(200);
    const messages = await readJsonRecords(answer.body);
    for (const message of messages) conformance.check('PluginPush', message);
    const failure = messages.at(-1) as { errorDetail?: { message?: string } };
    expect(failure.errorDetail?.message).toContain(registry);
    await expect(docker.plugins.push({ name: `${registry}/engine-tests/absent-${run}:1.0` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes it (PluginDelete answers with no body), forcing it out while enabled where plugins can be enabled here; then 404', async () => {
    if (socketsUnavailable === undefined) {
      await serve();
      await docker.plugins.enable({ name, timeout: 0 });
      await expect(docker.plugins.delete({ name, force: true })).resolves.toBeUndefined();
      await stopServing();
    } else {
      await expect(docker.plugins.delete({ name })).resolves.toBeUndefined();
    }
    await expect(docker.plugins.inspect({ name })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.plugins.delete({ name })).rejects.toBeInstanceOf(NotFoundError);
    expect((await docker.plugins.list()).map((p) => p.Id)).not.toContain(id);
  });

  it('reported its life as plugin events (create, enable, disable, enable, remove: no disable event on a forced removal)', async () => {
    const until = (Date.now() / 1000 + 1).toFixed(3);
    const answer = await docker.system.events({ since, until, filters: { type: ['plugin'], plugin: [id] } });
    const events = await readJsonRecords(answer.body);
    for (const event of events) conformance.check('SystemEvents', event);
    const actions = events.map((event) => event.Action);
    // A forced removal stops an enabled plugin without a `disable` event.
    const expected = socketsUnavailable === undefined ? ['create', 'enable', 'disable', 'enable', 'remove'] : ['create', 'remove'];
    expect(actions).toEqual(expected);
    expect(events.every((event) => (event.Actor as { ID: string }).ID === id)).toBe(true);
  });
});
