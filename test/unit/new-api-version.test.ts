// "Regenerated against new API versions" proved: a copy of the spec gains API 1.56, with a new query
// parameter on ContainerLogs and on ContainerAttach and a new operation. Generated from it, next to
// an unchanged copy of src/, the operation surface, the helpers (docker.logs, docker.attach) and the
// version gates take them up: the types offer them at 1.56 and not at 1.55, a 1.56 client sends
// them, and a client pinned to 1.55 refuses them before sending. The engine is a fake one on a unix
// socket, because no real engine speaks 1.56 here.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

const root = join(import.meta.dirname, '..', '..');
// Inside the project (so src/ resolves its packages) and ignored by git.
const fixture = join(root, '.fixtures', 'api-1.56');

function insertBefore(text: string, after: string, marker: string, addition: string): string {
  const start = text.indexOf(after);
  const at = text.indexOf(marker, start);
  if (start === -1 || at === -1) throw new Error(`fixture: cannot find ${marker} after ${after}`);
  return text.slice(0, at) + addition + text.slice(at);
}

const queryParameter = (name: string) => `      - name: ${name}
        in: query
        description: A parameter this fixture adds in API 1.56.
        x-api: {since: "1.56"}
        schema: {type: boolean}
`;

const newOperation = `
/containers/{id}/umask:
  get:
    operationId: ContainerUmask
    tags: [Container]
    summary: Read a container's umask (fixture)
    description: An operation this fixture adds in API 1.56.
    x-response: json
    x-api: {since: "1.56"}
    parameters:
      - *containerId
    responses:
      "200":
        description: The umask.
        content:
          application/json:
            schema:
              type: object
              properties:
                Umask: {type: string}
      "404": {$ref: '../components/responses.yaml#/NotFound'}
`;

function makeFixture(): void {
  rmSync(fixture, { recursive: true, force: true });
  mkdirSync(fixture, { recursive: true });
  cpSync(join(root, 'spec'), join(fixture, 'spec'), { recursive: true });
  cpSync(join(root, 'src'), join(fixture, 'src'), { recursive: true });
  const rootDocument = join(fixture, 'spec', 'openapi.yaml');
  writeFileSync(rootDocument, readFileSync(rootDocument, 'utf8').replace('newest: "1.55"', 'newest: "1.56"'));
  const containers = join(fixture, 'spec', 'paths', 'containers.yaml');
  let text = readFileSync(containers, 'utf8');
  text = insertBefore(text, '/containers/{id}/logs:', '      - name: tail', queryParameter('colors'));
  text = insertBefore(text, '/containers/{id}/attach:', '      - name: stdin', queryParameter('keepalive'));
  writeFileSync(containers, text + newOperation);
  execFileSync(process.execPath, [join(root, 'scripts', 'generate.mjs'), '--spec', join(fixture, 'spec'), '--out', join(fixture, 'generated')], {
    stdio: 'pipe',
  });
}

type FixtureModule = typeof import('../../src/index.js');
let library: FixtureModule;
let engine: FakeEngine;

beforeAll(async () => {
  makeFixture();
  library = (await import(join(fixture, 'src', 'index.ts'))) as FixtureModule;
  engine = await fakeEngine(
    (req, res) => {
      if (req.url?.includes('/attach')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ message: 'No such container: c' }));
      }
      if (req.url?.includes('/logs')) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
        return res.end();
      }
      json(res, 200, { Umask: '0022' });
    },
    { apiVersion: '1.56' },
  );
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(fixture, { recursive: true, force: true });
});

// The fixture's client, typed loosely: its types are checked by tsc below.
type LooseClient = {
  logs(id: string, options: Record<string, unknown>): AsyncIterable<unknown>;
  attach(id: string, options: Record<string, unknown>): { attached: Promise<unknown> };
  containers: Record<string, (params: Record<string, unknown>) => Promise<unknown>>;
  close(): Promise<void>;
};
const client = (apiVersion: string) => library.createDocker({ socketPath: engine.socketPath, apiVersion } as never) as unknown as LooseClient;

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

describe('a new API version generated from the spec, with src/ unchanged', () => {
  it('knows the new version', () => {
    expect(library.newestApiVersion).toBe('1.56');
    expect(library.apiVersions).toContain('1.55');
  });

  it('sends the new parameters and operation at 1.56', async () => {
    const docker = client('1.56');
    engine.requests.length = 0;
    await drain(docker.logs('c', { colors: true }));
    await expect(docker.attach('c', { keepalive: true }).attached).rejects.toMatchObject({ status: 404 });
    await expect(docker.containers.umask!({ id: 'c' })).resolves.toEqual({ Umask: '0022' });
    expect(engine.requests.filter((line) => !line.includes('_ping') && !line.includes('/version'))).toEqual([
      'GET /v1.56/containers/c/logs?stdout=1&stderr=1&colors=1',
      'POST /v1.56/containers/c/attach?stream=1&keepalive=1&stdout=1&stderr=1',
      'GET /v1.56/containers/c/umask',
    ]);
    await docker.close();
  });

  it('refuses them before sending at 1.55', async () => {
    const docker = client('1.55');
    engine.requests.length = 0;
    await expect(drain(docker.logs('c', { colors: true }))).rejects.toThrow(
      'ContainerLogs parameter "colors" needs API 1.56 or newer; this connection speaks 1.55',
    );
    await expect(docker.attach('c', { keepalive: true }).attached).rejects.toThrow('ContainerAttach parameter "keepalive" needs API 1.56 or newer');
    await expect(docker.containers.umask!({ id: 'c' })).rejects.toThrow('ContainerUmask needs API 1.56 or newer; this connection speaks 1.55');
    expect(engine.requests.filter((line) => line.includes('/containers/'))).toEqual([]);
    await docker.close();
  });

  it('types the new parameters and operation for 1.56 only', () => {
    writeFileSync(
      join(fixture, 'check.ts'),
      `import { createDocker } from './src/index.js';
const newer = createDocker({ apiVersion: '1.56' });
newer.logs('c', { colors: true });
newer.attach('c', { keepalive: true });
void newer.containers.umask({ id: 'c' });
const older = createDocker({ apiVersion: '1.55' });
// @ts-expect-error colors arrives with API 1.56
older.logs('c', { colors: true });
// @ts-expect-error keepalive arrives with API 1.56
older.attach('c', { keepalive: true });
// @ts-expect-error ContainerUmask arrives with API 1.56
void older.containers.umask({ id: 'c' });
`,
    );
    const config = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    writeFileSync(join(fixture, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...config.compilerOptions, noEmit: true }, files: ['check.ts'] }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // tsc reports any type error, an unused @ts-expect-error included.
    const result = spawnSync(process.execPath, [tsc, '-p', join(fixture, 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);
});
