// The client end to end against a fake engine on a unix socket (see support/fake-engine.ts):
// what goes on the wire, how odd answers are reported. Real behaviour is covered in test/engine.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDocker,
  DockerConnectionError,
  DockerResponseError,
  DockerUsageError,
  DockerVersionError,
  NotFoundError,
  NotModifiedError,
} from '../../src/index.js';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('client against a fake engine', () => {
  it('negotiates the engine version once and prefixes every request with it', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []), { apiVersion: '1.44' });
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.containers.list();
    await docker.containers.list({ all: false, filters: { label: ['a=b'], status: ['exited'] } });
    expect(await docker.apiVersion()).toBe('1.44');
    expect(engine.requests).toEqual([
      'GET /_ping',
      'GET /v1.44/containers/json',
      `GET /v1.44/containers/json?all=0&filters=${encodeURIComponent('{"label":["a=b"],"status":["exited"]}')}`,
    ]);
    await docker.close();
  });

  it('checks a pinned version against the engine minimum before sending anything else', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []), { apiVersion: '1.52', minApiVersion: '1.44' });
    const docker = createDocker({ socketPath: engine.socketPath, apiVersion: '1.41' });
    await expect(docker.containers.list()).rejects.toThrow(DockerVersionError);
    expect(engine.requests).toEqual(['GET /_ping', 'GET /version']);
    await docker.close();
  });

  it('refuses a parameter newer than the negotiated version without sending the call', async () => {
    engine = await fakeEngine((req, res) => res.writeHead(204).end(), { apiVersion: '1.41' });
    const docker = createDocker({ socketPath: engine.socketPath });
    const stop = docker.containers.stop as (params: Record<string, unknown>) => Promise<void>;
    await expect(stop({ id: 'c1', signal: 'SIGINT' })).rejects.toThrow(
      /ContainerStop parameter "signal" needs API 1\.42 or newer; this connection speaks 1\.41/,
    );
    await stop({ id: 'c1', t: 0 });
    expect(engine.requests).toEqual(['GET /_ping', 'POST /v1.41/containers/c1/stop?t=0']);
    await docker.close();
  });

  it('rejects a misspelt parameter instead of dropping it', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []));
    const docker = createDocker({ socketPath: engine.socketPath });
    const list = docker.containers.list as (params: Record<string, unknown>) => Promise<unknown>;
    await expect(list({ Al: true })).rejects.toThrow(DockerUsageError);
    expect(engine.requests).toEqual(['GET /_ping']);
    await docker.close();
  });

  it('refuses an upgrading call without sending it, but runs a detached exec start', async () => {
    engine = await fakeEngine((req, res) => res.writeHead(200).end());
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.containers.attach({ id: 'c1', stream: true })).rejects.toThrow(/ContainerAttach upgrades the connection; use the attach helper/);
    await expect(docker.exec.start({ id: 'e1', body: { Detach: true } })).resolves.toBeUndefined();
    await expect(docker.exec.start({ id: 'e1', body: { Detach: false } })).rejects.toThrow(DockerUsageError);
    expect(engine.requests).toEqual(['GET /_ping', 'POST /v1.45/exec/e1/start']);
    await docker.close();
  });

  it('maps error statuses to typed errors with the engine message', async () => {
    engine = await fakeEngine((req, res) => {
      if (req.url?.includes('/stop')) res.writeHead(304).end();
      else json(res, 404, { message: 'No such container: nope' });
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const notFound = await docker.containers.inspect({ id: 'nope' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({
      status: 404,
      message: 'No such container: nope',
      operation: 'ContainerInspect',
      apiVersion: '1.45',
      path: '/v1.45/containers/nope/json',
    });
    await expect(docker.containers.stop({ id: 'x' })).rejects.toBeInstanceOf(NotModifiedError);
    await docker.close();
  });

  it('reports a 2xx answer that is not JSON as DockerResponseError (no engine sends this)', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[{"Id": "truncated');
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.containers.list()).rejects.toThrow(DockerResponseError);
    await expect(docker.containers.list()).rejects.toThrow(/not valid JSON: "\[\{\\"Id\\": \\"truncated"/);
    await docker.close();
  });

  it('asks /version when /_ping has no Api-Version header (a proxy stripped it; no real engine omits it)', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []), { apiVersion: null, versionAnswer: { ApiVersion: '1.43', MinAPIVersion: '1.24' } });
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.containers.list()).resolves.toEqual([]);
    expect(engine.requests).toEqual(['GET /_ping', 'GET /version', 'GET /v1.43/containers/json']);
    await docker.close();
  });

  it('says what it tried when neither /_ping nor /version names a version (no real engine does this)', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []), { apiVersion: null, versionAnswer: { Version: 'compatible' } });
    const docker = createDocker({ socketPath: engine.socketPath });
    const error = await docker.containers.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toBe(
      'cannot tell which API versions the engine speaks: its /_ping answer carries no usable Api-Version header (got undefined) and its /version answer no usable ApiVersion (got undefined)',
    );
    await docker.close();
  });

  it('refuses a string where an array parameter belongs (a plain JavaScript caller), without sending it', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []));
    const docker = createDocker({ socketPath: engine.socketPath });
    const error = await docker.images.getAll({ names: 'app:1' as unknown as string[] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerUsageError);
    expect((error as Error).message).toBe('ImageGetAll parameter "names" takes an array, not string');
    expect(engine.requests.some((line) => line.includes('/images/get'))).toBe(false);
    await docker.close();
  });

  it('closes twice without complaint, and fails later calls with a typed error', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []));
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.containers.list();
    await docker.close();
    await expect(docker.close()).resolves.toBeUndefined();
    await expect(docker.containers.list()).rejects.toMatchObject({ name: 'DockerConnectionError', code: 'ERR_CLIENT_CLOSED' });
  });

  it('names the endpoint when the socket does not exist', async () => {
    const docker = createDocker({ socketPath: '/nonexistent/docker.sock' });
    const error = await docker.containers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect((error as DockerConnectionError).message).toBe('cannot reach the Docker engine at unix:///nonexistent/docker.sock: no such socket (ENOENT)');
    expect((error as DockerConnectionError).code).toBe('ENOENT');
    await docker.close();
  });

  it('retries negotiation after a failure instead of remembering it', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, []), { failingPings: 1 });
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.containers.list()).rejects.toMatchObject({ status: 500, message: 'starting up', operation: 'SystemPing' });
    await expect(docker.containers.list()).resolves.toEqual([]);
    expect(engine.requests).toEqual(['GET /_ping', 'GET /_ping', 'GET /v1.45/containers/json']);
    await docker.close();
  });

  it('ends a call at the caller deadline when the engine never answers', async () => {
    engine = await fakeEngine(() => {
      // Accepts the request and stays silent.
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.apiVersion();
    const started = Date.now();
    const signal = AbortSignal.timeout(200);
    await expect(docker.containers.list({}, { signal })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5000);
    await docker.close();
  });
});
