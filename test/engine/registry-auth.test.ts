// Registry auth for real: Debian's docker-registry (distribution 2.8) on 127.0.0.1:5000 with htpasswd
// (bcrypt) auth, started by this test (scripts/engines/registry.mjs). Each shared engine pushes and
// pulls busybox-derived images with right and wrong credentials given explicitly, found in a config
// file, and handed out by a credential helper program this test writes; a classic build pulls its
// base image from the registry with X-Registry-Config. No error and no log holds the password.
// Podman marks the registry insecure through the registries.conf of scripts/engines/podman.mjs (Docker
// does so by itself for 127.0.0.0/8); it reports every refusal inside the progress stream.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryDown, registryUp, type RegistryEntry } from '../../scripts/engines/registry.mjs';
import { createDocker, DockerError, DockerStreamError, ServerError, UnauthorizedError, type ConnectionOptions, type Docker } from '../../src/index.js';
import type { EngineInfo } from './support/global-setup.js';
import { engines, isPodman } from './support/targets.js';

const USER = 'tester';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const WRONG = `wrong-${randomBytes(12).toString('hex')}`;
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const run = randomUUID().slice(0, 8);
const work = mkdtempSync(join(tmpdir(), 'registry-auth-'));
const seenErrors: unknown[] = [];

function configFolder(name: string, config: unknown): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/** docker-credential-testhelper: knows the test registry's credentials, nothing else. */
function helperFolder(): string {
  const dir = join(work, 'bin');
  mkdirSync(dir, { recursive: true });
  const script = [
    '#!/bin/sh',
    '[ "$1" = get ] || { echo "unsupported action: $1" >&2; exit 1; }',
    'read -r server',
    `[ "$server" = "127.0.0.1:5000" ] || { echo "credentials not found in native keychain"; exit 1; }`,
    `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}\\n' "$server"`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'docker-credential-testhelper'), script);
  chmodSync(join(dir, 'docker-credential-testhelper'), 0o755);
  return dir;
}

async function failureOf(promise: Promise<unknown>): Promise<DockerError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the registry to refuse');
    },
    (caught: unknown) => caught,
  );
  seenErrors.push(error);
  expect(error).toBeInstanceOf(DockerError);
  return error as DockerError;
}

/** What the registry holds for a repository, asked over HTTP with the right credentials. */
async function registryTags(repository: string): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/tags/list`, { headers: { authorization: `Basic ${basic(USER, PASSWORD)}` } });
  if (response.status === 404) return [];
  return ((await response.json()) as { tags: string[] | null }).tags ?? [];
}

let registry: RegistryEntry;
const configs = {
  file: '',
  wrong: '',
  helper: '',
};
let helperPath = '';

beforeAll(async () => {
  registry = await registryUp({ users: { [USER]: PASSWORD } });
  configs.file = configFolder('file', { auths: { '127.0.0.1:5000': { auth: basic(USER, PASSWORD) } } });
  configs.wrong = configFolder('wrong', { auths: { 'http://127.0.0.1:5000/v2/': { username: USER, password: WRONG } } });
  configs.helper = configFolder('helper', { auths: { '127.0.0.1:5000': { auth: basic(USER, WRONG) } }, credHelpers: { '127.0.0.1:5000': 'testhelper' } });
  helperPath = helperFolder();
});

afterAll(async () => {
  await registryDown();
  rmSync(work, { recursive: true, force: true });
});

describe.each(engines())('registry auth on $name $version', (engine: EngineInfo) => {
  const podman = isPodman(engine);
  const repository = `test-${run}/${engine.name}`;
  const image = `127.0.0.1:5000/${repository}`;
  const clients: Docker[] = [];
  const client = (options: Omit<ConnectionOptions, 'socketPath'> = {}) => {
    const created = createDocker({ socketPath: engine.socket, ...options });
    clients.push(created);
    return created;
  };
  let plain: Docker;

  const removeLocal = async (reference: string) => {
    await plain.images.delete({ name: reference, force: true }).catch(() => undefined);
  };

  beforeAll(async () => {
    // No config folder of its own: an empty one, so the machine's ~/.docker cannot take part.
    plain = client({ configDir: configFolder(`empty-${engine.name}`, {}) });
    for (const tag of ['explicit', 'file', 'wrong', 'helper']) await plain.images.tag({ name: 'busybox:latest', repo: image, tag });
  });

  afterAll(async () => {
    const leftovers = await plain.images.list({ filters: { reference: [`${image}*`] } }).catch(() => []);
    // Podman 4.3 lists every name of a matching image, busybox's own among them: remove only this test's.
    for (const leftover of leftovers) for (const tag of leftover.RepoTags ?? []) if (tag.startsWith(image)) await removeLocal(tag);
    for (const tag of ['built', 'built-wrong']) await removeLocal(`${repository}:${tag}`);
    await Promise.all(clients.map((c) => c.close()));
  });

  // Podman 4.3 names what it was doing when the registry refused, and refuses missing credentials as it refuses wrong ones.
  const blob = 'sha256:[0-9a-f]{64}';
  const refusedPush = new RegExp(
    `^trying to reuse blob ${blob} at destination: checking whether a blob ${blob} exists in ${image.replaceAll('.', '\\.')}: unauthorized: authentication required$`,
  );
  const refusedPull = (tag: string) =>
    `initializing source docker://${image}:${tag}: reading manifest ${tag} in ${image}: unauthorized: authentication required`;

  it(`pushes with explicit credentials, and refuses wrong or missing ones with a typed error${podman ? " (Podman 4.3 says which blob it was checking, and 'unauthorized' for missing credentials too)" : ''}`, async () => {
    const summary = await plain.push(image, { tag: 'explicit', auth: { username: USER, password: PASSWORD, serveraddress: '127.0.0.1:5000' } }).done;
    expect(summary).toMatchObject({ tag: 'explicit', digest: expect.stringMatching(/^sha256:/) });
    expect(await registryTags(repository)).toContain('explicit');

    // A push answers 200 and reports the refusal inside its progress stream.
    const wrong = await failureOf(plain.push(image, { tag: 'wrong', auth: { username: USER, password: WRONG } }).done);
    expect(wrong).toBeInstanceOf(DockerStreamError);
    if (podman) expect(wrong.message).toMatch(refusedPush);
    else expect(wrong.message).toBe('unauthorized: authentication required');
    const anonymous = await failureOf(plain.push(image, { tag: 'wrong' }).done);
    expect(anonymous).toBeInstanceOf(DockerStreamError);
    expect(anonymous.message).toMatch(podman ? refusedPush : /no basic auth credentials$/);
    expect(await registryTags(repository)).not.toContain('wrong');
  });

  it('pushes and pulls with the credentials of a config file', async () => {
    const docker = client({ configDir: configs.file });
    await docker.push(image, { tag: 'file' }).done;
    expect(await registryTags(repository)).toContain('file');
    await removeLocal(`${image}:file`);
    await docker.pull(`${image}:file`).done;
    expect((await plain.images.inspect({ name: `${image}:file` })).RepoTags).toContain(`${image}:file`);
  });

  it(`refuses a pull with the wrong credentials of a config file, typed${podman ? " (Podman 4.3 answers 200 and refuses inside the stream, DockerStreamError, 'unauthorized' for missing credentials too)" : ''}`, async () => {
    await removeLocal(`${image}:explicit`);
    const docker = client({ configDir: configs.wrong });
    const error = await failureOf(docker.pull(`${image}:explicit`).done);
    const anonymous = await failureOf(docker.pull(`${image}:explicit`, { auth: {} }).done);
    if (podman) {
      for (const refusal of [error, anonymous]) {
        expect(refusal).toBeInstanceOf(DockerStreamError);
        expect(refusal.message).toBe(refusedPull('explicit'));
      }
      return;
    }
    // Docker answers before streaming: 20.10 with 500, newer engines with 401.
    expect(error).toBeInstanceOf(engine.name === 'legacy' ? ServerError : UnauthorizedError);
    expect(error.message).toBe('unauthorized: authentication required');
    expect(anonymous).toBeInstanceOf(ServerError);
    expect(anonymous.message).toMatch(/no basic auth credentials$/);
  });

  it('pushes and pulls with credentials from a credential helper program on PATH', async () => {
    const docker = client({ configDir: configs.helper, env: { ...process.env, PATH: `${helperPath}:${process.env.PATH}` } });
    await docker.push(image, { tag: 'helper' }).done;
    expect(await registryTags(repository)).toContain('helper');
    await removeLocal(`${image}:explicit`);
    await docker.pull(`${image}:explicit`).done;
    expect((await plain.images.inspect({ name: `${image}:explicit` })).RepoTags).toContain(`${image}:explicit`);
  });

  it('builds FROM an image of the registry with the config file credentials (X-Registry-Config, classic builder)', async () => {
    const base = `${image}:file`;
    const context = async () => Readable.from([await dockerfileTar(`FROM ${base}\nRUN echo built-from-registry > /proof\nLABEL test.run=${run}\n`)]);
    await removeLocal(base);
    const failed = await failureOf(client({ configDir: configs.wrong }).build({ context: await context(), version: '1', t: `${repository}:built-wrong` }).done);
    expect(failed).toBeInstanceOf(DockerStreamError);
    expect(failed.message).toMatch(/unauthorized: authentication required/);

    const summary = await client({ configDir: configs.file }).build({ context: await context(), version: '1', t: `${repository}:built` }).done;
    expect(summary.imageId).toMatch(/^sha256:/);
    const probe = await plain.containers.create({
      body: { Image: `${repository}:built`, Cmd: ['sh', '-c', 'test "$(cat /proof)" = built-from-registry'], Labels: { 'test.run': run } },
    });
    await plain.containers.start({ id: probe.Id });
    expect((await plain.containers.wait({ id: probe.Id })).StatusCode).toBe(0);
    await plain.containers.delete({ id: probe.Id, force: true });
  });

  it('never lets the password reach an error or a log', () => {
    expect(seenErrors.length).toBeGreaterThan(0);
    for (const error of seenErrors) {
      const text = `${String(error)}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
      for (const secret of [PASSWORD, WRONG, basic(USER, PASSWORD), basic(USER, WRONG)]) expect(text).not.toContain(secret);
    }
    for (const file of [registry.logFile, engine.logFile]) {
      const log = readFileSync(file, 'utf8');
      for (const secret of [PASSWORD, WRONG, basic(USER, PASSWORD), basic(USER, WRONG)]) expect(log).not.toContain(secret);
    }
  });
});

async function dockerfileTar(dockerfile: string): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: 'Dockerfile' }, dockerfile);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
