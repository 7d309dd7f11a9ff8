// The openapi-fetch client against a fake engine (support/fake-engine.ts): the version prefix, the
// engine's query encoding and the auth header encoding are applied to raw calls too.
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerVersionError } from '../../src/index.js';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('raw client', () => {
  it('adds the negotiated version and encodes filters as JSON and booleans as 1/0', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, [{ Id: 'c1' }]), { apiVersion: '1.43' });
    const docker = createDocker({ socketPath: engine.socketPath });
    const { data, response } = await docker.raw.GET('/containers/json', {
      params: { query: { all: false, filters: { label: ['a=b'] } } },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual([{ Id: 'c1' }]);
    expect(engine.requests.at(-1)).toBe(`GET /v1.43/containers/json?all=0&filters=${encodeURIComponent('{"label":["a=b"]}')}`);
    await docker.close();
  });

  it('percent-encodes path parameters and returns error bodies untouched', async () => {
    engine = await fakeEngine((req, res) => json(res, 404, { message: 'No such image' }));
    const docker = createDocker({ socketPath: engine.socketPath });
    const { error, response } = await docker.raw.GET('/images/{name}/json', { params: { path: { name: 'localhost:5000/a/b:1' } } });
    expect(response.status).toBe(404);
    expect(error).toEqual({ message: 'No such image' });
    expect(engine.requests.at(-1)).toBe('GET /v1.45/images/localhost%3A5000%2Fa%2Fb%3A1/json');
    await docker.close();
  });

  it('sends the X-Registry-Auth header as URL-safe base64 JSON', async () => {
    let header: string | undefined;
    engine = await fakeEngine((req, res) => {
      header = req.headers['x-registry-auth'] as string;
      json(res, 200, []);
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.raw.GET('/images/search', {
      params: { query: { term: 'x' }, header: { 'X-Registry-Auth': { username: 'u', password: 'p?>' } } },
    });
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ username: 'u', password: 'p?>' });
    await docker.close();
  });

  it('refuses an operation the negotiated version does not have, before sending it', async () => {
    engine = await fakeEngine((req, res) => json(res, 200, {}), { apiVersion: '1.41' });
    const docker = createDocker({ socketPath: engine.socketPath });
    const raw = docker.raw as unknown as { PUT(path: string, init: object): Promise<unknown> };
    await expect(raw.PUT('/volumes/{name}', { params: { path: { name: 'v' }, query: { version: 1 } }, body: {} })).rejects.toThrow(DockerVersionError);
    expect(engine.requests).toEqual(['GET /_ping']);
    await docker.close();
  });
});
