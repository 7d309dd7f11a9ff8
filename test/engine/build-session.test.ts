// BuildKit builds that need a session (src/build/session/), on the real engines: secrets from a
// value, a file and an environment variable, ssh agent forwarding from a key file, and a base
// image pulled from a private registry with credentials the session hands out. The Docker CLI with
// buildx builds the same Dockerfiles as the oracle. A secret must reach the step and nothing else:
// not the image's layers, its history or config, the progress messages or an error.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryDown, registryUp } from '../../scripts/engines/registry.mjs';
import { createDocker, DockerStreamError, DockerUsageError, type Docker } from '../../src/index.js';
import { dockerCli } from './support/docker-cli.js';
import { readAll, tarFiles } from './support/images-fixtures.js';
import { engines } from './support/targets.js';

const run = randomUUID().slice(0, 8);
const SECRET = `value-${randomBytes(12).toString('hex')}`;
const FILE_SECRET = `file-${randomBytes(12).toString('hex')}`;
const ENV_SECRET = `env-${randomBytes(12).toString('hex')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const work = mkdtempSync(join(tmpdir(), 'build-session-'));
const secretFile = join(work, 'secret.txt');
writeFileSync(secretFile, FILE_SECRET);
process.env.BUILD_SESSION_TEST_SECRET = ENV_SECRET;

function folder(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

// Each secret's hash is written into the image; the secret itself must not be. BuildKit leaves
// secrets out of its cache keys, so every build here is made with the cache off: a step cached
// from another run would show that run's secrets.
const secretsContext = folder('secrets', {
  Dockerfile: [
    'FROM busybox:latest',
    'RUN --mount=type=secret,id=token --mount=type=secret,id=file --mount=type=secret,id=env \\',
    '    sha256sum /run/secrets/token /run/secrets/file /run/secrets/env | cut -d" " -f1 > /hashes',
    `LABEL test.run=${run}`,
  ].join('\n'),
});
const missingSecretContext = folder('missing-secret', {
  Dockerfile: ['FROM busybox:latest', 'RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent', `LABEL test.run=${run}`].join('\n'),
});

/** ssh-add and what it links against, so a busybox step can ask the forwarded agent for its keys. */
function sshContext(name: string): string {
  const dir = folder(`ssh-${name}`, {});
  mkdirSync(join(dir, 'tools'));
  const ssh = execFileSync('sh', ['-c', 'command -v ssh-add'], { encoding: 'utf8' }).trim();
  const libraries = execFileSync('ldd', [ssh], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  for (const file of [ssh, ...libraries]) copyFileSync(file, join(dir, 'tools', basename(file)));
  const loader = libraries.map((path) => basename(path)).find((name) => name.startsWith('ld-linux'))!;
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      'FROM busybox:latest',
      'COPY tools /tools',
      `RUN --mount=type=ssh /tools/${loader} --library-path /tools /tools/ssh-add -l > /agent-keys`,
      `LABEL test.run=${run}`,
    ].join('\n'),
  );
  return dir;
}

async function imageFile(docker: Docker, image: string, path: string): Promise<string> {
  const files = await tarFiles(await readAll(await docker.saveImages(image)));
  const layers = [...files.values()].map((content) => content.toString('latin1')).join('');
  expect(layers).not.toContain(SECRET);
  const created = await docker.containers.create({ body: { Image: image } });
  try {
    const archive = await docker.getArchive(created.Id, path);
    const entries = await tarFiles(await readAll(archive.tar));
    return [...entries.values()][0]!.toString('utf8');
  } finally {
    await docker.containers.delete({ id: created.Id, force: true });
  }
}

const dockerEngines = engines().filter((engine) => engine.name !== 'podman');
const podman = engines().find((engine) => engine.name === 'podman');

describe.each(dockerEngines)('BuildKit session on $name (Docker $version)', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });

  afterAll(async () => {
    const images = await docker.images.list({ filters: { label: [`test.run=${run}`] } });
    for (const image of images) await docker.images.delete({ name: image.Id, force: true }).catch(() => undefined);
    await docker.close();
  });

  it('mounts secrets from a value, a file and an environment variable, and none of them lands in the image, its history, the progress or the config', async () => {
    const tag = `session-secrets-${run}:${engine.name}`;
    const stream = docker.build({
      context: secretsContext,
      t: tag,
      nocache: true,
      secrets: { token: { value: SECRET }, file: { file: secretFile }, env: { env: 'BUILD_SESSION_TEST_SECRET' } },
    });
    const messages: unknown[] = [];
    for await (const message of stream) messages.push(message);
    const { imageId } = await stream.done;
    expect(imageId).toMatch(/^sha256:/);
    expect(await imageFile(docker, tag, '/hashes')).toBe([SECRET, FILE_SECRET, ENV_SECRET].map((s) => `${sha256(s)}\n`).join(''));
    const seen = JSON.stringify([messages, await docker.images.inspect({ name: tag }), await docker.images.history({ name: tag })]);
    for (const secret of [SECRET, FILE_SECRET, ENV_SECRET]) expect(seen).not.toContain(secret);
  });

  it('the Docker CLI (buildx) builds the same Dockerfile with the same secrets to the same hashes', async () => {
    const cli = await dockerCli();
    const tag = `session-secrets-cli-${run}:${engine.name}`;
    writeFileSync(join(work, 'token.txt'), SECRET);
    await cli.run(engine.socket, [
      'build',
      '-q',
      '--no-cache',
      '-t',
      tag,
      '--secret',
      `id=token,src=${join(work, 'token.txt')}`,
      '--secret',
      `id=file,src=${secretFile}`,
      '--secret',
      'id=env,env=BUILD_SESSION_TEST_SECRET',
      secretsContext,
    ]);
    expect(await imageFile(docker, tag, '/hashes')).toBe([SECRET, FILE_SECRET, ENV_SECRET].map((s) => `${sha256(s)}\n`).join(''));
  });

  it('a step that needs a secret the build was not given fails with a DockerStreamError naming it, and shows no other secret', async () => {
    const stream = docker.build({ context: missingSecretContext, secrets: { token: { value: SECRET } } });
    const failure = await stream.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DockerStreamError);
    expect(String((failure as Error).message)).toMatch(/absent/);
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toContain(SECRET);
  });

  it('forwards an ssh agent holding a key file: ssh-add -l in the step lists that key, as it does when the Docker CLI (buildx) forwards the same key', async () => {
    const key = join(work, `id_build_${engine.name}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'build-session-test', '-f', key]);
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    const context = sshContext(engine.name);
    const tag = `session-ssh-${run}:${engine.name}`;
    await docker.build({ context, t: tag, ssh: { default: { keys: [key] } }, nocache: true }).done;
    const listed = await imageFile(docker, tag, '/agent-keys');
    expect(listed).toContain(fingerprint);
    const cliTag = `session-ssh-cli-${run}:${engine.name}`;
    await (await dockerCli()).run(engine.socket, ['build', '-q', '--no-cache', '-t', cliTag, '--ssh', `default=${key}`, context]);
    // The same key, size and type; the comment differs: the CLI's agent keeps none, ssh-add keeps the key file's.
    const withoutComment = (line: string) => line.replace(/^(\d+ \S+) .*(\(\w+\))\n?$/, '$1 $2');
    expect(withoutComment(await imageFile(docker, cliTag, '/agent-keys'))).toBe(withoutComment(listed));
    expect(withoutComment(listed)).toBe(`256 ${fingerprint} (ED25519)`);
  });

  it('refuses secrets for the classic builder, which cannot mount them', async () => {
    await expect(docker.build({ context: secretsContext, builder: 'classic', secrets: { token: { value: SECRET } } }).done).rejects.toThrow(
      'secrets, ssh forwarding and outputs need BuildKit; this build uses the classic builder',
    );
  });

  it('refuses a secret whose file cannot be read, before anything is sent', async () => {
    await expect(docker.build({ context: secretsContext, secrets: { token: { file: join(work, 'missing') } } }).done).rejects.toThrow(DockerUsageError);
  });
});

describe.each(dockerEngines)('BuildKit pulls a private base image with credentials from the session on $name', (engine) => {
  const USER = 'builder';
  const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
  const docker = createDocker({ socketPath: engine.socket });
  let image: string;

  beforeAll(async () => {
    const registry = await registryUp({ users: { [USER]: PASSWORD } });
    image = `${registry.address}/session-base-${run}`;
    await docker.images.tag({ name: 'busybox:latest', repo: image, tag: engine.name });
    await docker.push(image, { tag: engine.name, auth: { username: USER, password: PASSWORD } }).done;
    await docker.images.delete({ name: `${image}:${engine.name}` });
  });

  afterAll(async () => {
    await registryDown();
    await docker.close();
  });

  it('builds FROM the private image with registryAuth, and fails without it', async () => {
    const context = folder(`private-from-${engine.name}`, {
      Dockerfile: [`FROM ${image}:${engine.name}`, 'RUN echo built > /built', `LABEL test.run=${run}`].join('\n'),
    });
    const anonymous = await docker.build({ context, registryAuth: {} }).done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(anonymous).toBeInstanceOf(DockerStreamError);
    const built = await docker.build({ context, registryAuth: { [image.split('/')[0]!]: { username: USER, password: PASSWORD } } }).done;
    expect(built.imageId).toMatch(/^sha256:/);
  });
});

describe.runIf(podman)('Podman 4.3 has no BuildKit session', () => {
  it('a build with secrets is refused with a DockerUsageError saying they need BuildKit (Podman serves no /session)', async () => {
    const docker = createDocker({ socketPath: podman!.socket });
    try {
      const refused = docker.build({ context: secretsContext, secrets: { token: { value: SECRET } } }).done;
      await expect(refused).rejects.toThrow(DockerUsageError);
      await expect(refused).rejects.toThrow('this build needs a BuildKit session (for secrets), and this engine serves none (POST /session answered 404)');
    } finally {
      await docker.close();
    }
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));
