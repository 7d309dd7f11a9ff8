// Registry credentials from real Docker config folders and real credential helper programs (small
// shell scripts this test writes): the CLI's lookup order, host matching, `auth` decoding, identity
// tokens, credsStore/credHelpers, DOCKER_CONFIG, and errors that never carry a secret. The last part
// checks the headers pull, push and build send, against a fake engine that records them (it only
// has to answer; the real transfers are in test/engine/registry-auth.test.ts).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRegistryAuths, registryAuthFor, resolveRegistryAuth } from '../../src/auth/index.js';
import { createDocker, DockerConfigError, DockerCredentialHelperError, DOCKER_HUB_KEY, registryKeyFor } from '../../src/index.js';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

const SECRET = 's3cr3t-Value';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const decodeHeader = (value: unknown) => JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8')) as unknown;

function configFolder(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-auth-'));
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** A folder with `docker-credential-<name>` scripts, for PATH. */
function helpersFolder(helpers: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cred-helpers-'));
  for (const [name, script] of Object.entries(helpers)) {
    const path = join(dir, `docker-credential-${name}`);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  }
  return dir;
}

// A store holding 127.0.0.1:5000 (password) and token.example (identity token); everything else is "not found".
const storeScript = `
action="$1"
if [ "$action" = list ]; then echo '{"127.0.0.1:5000":"alice","token.example":"<token>"}'; exit 0; fi
read -r server
case "$server" in
  127.0.0.1:5000) echo '{"ServerURL":"127.0.0.1:5000","Username":"alice","Secret":"${SECRET}"}' ;;
  token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh-${SECRET}"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac`;

const pathWith = (dir: string) => ({ ...process.env, PATH: `${dir}:${process.env.PATH}` });

describe('registry keys', () => {
  it('maps Docker Hub images to the legacy index URL and others to host[:port]', () => {
    expect(registryKeyFor('busybox')).toBe(DOCKER_HUB_KEY);
    expect(registryKeyFor('docker.io/library/busybox:1')).toBe(DOCKER_HUB_KEY);
    expect(registryKeyFor('index.docker.io/team/app')).toBe(DOCKER_HUB_KEY);
    expect(registryKeyFor('127.0.0.1:5000/team/app:1')).toBe('127.0.0.1:5000');
    expect(registryKeyFor(`localhost/app@sha256:${'a'.repeat(64)}`)).toBe('localhost');
    expect(registryKeyFor('registry.example.com/app')).toBe('registry.example.com');
  });
});

describe('auths in config.json', () => {
  const configDir = configFolder({
    auths: {
      'https://index.docker.io/v1/': { auth: basic('hubuser', SECRET) },
      '127.0.0.1:5000': { username: 'plain', password: SECRET },
      'https://registry.example.com/v2/': { auth: basic('urluser', 'colon:in:password') },
      'token.example': { identitytoken: `refresh-${SECRET}` },
      'empty.example': {},
    },
  });

  it('decodes `auth`, keeps username/password entries, and sends identity tokens', async () => {
    expect(await resolveRegistryAuth('busybox', { configDir })).toEqual({ username: 'hubuser', password: SECRET, serveraddress: DOCKER_HUB_KEY });
    expect(await resolveRegistryAuth('127.0.0.1:5000/app', { configDir })).toEqual({ username: 'plain', password: SECRET, serveraddress: '127.0.0.1:5000' });
    expect(await resolveRegistryAuth('token.example/app', { configDir })).toEqual({ identitytoken: `refresh-${SECRET}`, serveraddress: 'token.example' });
  });

  it('matches keys written as URLs by their host, as the CLI does', async () => {
    expect(await resolveRegistryAuth('registry.example.com/team/app:2', { configDir })).toEqual({
      username: 'urluser',
      password: 'colon:in:password',
      serveraddress: 'https://registry.example.com/v2/',
    });
  });

  it('has nothing for unknown registries or empty entries', async () => {
    expect(await resolveRegistryAuth('other.example/app', { configDir })).toBeUndefined();
    expect(await resolveRegistryAuth('empty.example/app', { configDir })).toBeUndefined();
    expect(await resolveRegistryAuth('busybox', { configDir: mkdtempSync(join(tmpdir(), 'no-config-')) })).toBeUndefined();
  });

  it('honours DOCKER_CONFIG, and configDir over it', async () => {
    expect(await registryAuthFor('127.0.0.1:5000', { env: { DOCKER_CONFIG: configDir } })).toMatchObject({ username: 'plain' });
    const other = configFolder({ auths: { '127.0.0.1:5000': { username: 'other', password: 'x' } } });
    expect(await registryAuthFor('127.0.0.1:5000', { env: { DOCKER_CONFIG: configDir }, configDir: other })).toMatchObject({ username: 'other' });
  });

  it('lists every entry for a build', async () => {
    expect(Object.keys(await allRegistryAuths({ configDir })).sort()).toEqual([
      '127.0.0.1:5000',
      'https://index.docker.io/v1/',
      'https://registry.example.com/v2/',
      'token.example',
    ]);
  });

  it('refuses malformed files without quoting them', async () => {
    const badAuth = configFolder({ auths: { 'r.example': { auth: Buffer.from(`no-colon-${SECRET}`).toString('base64') } } });
    const error = await resolveRegistryAuth('r.example/app', { configDir: badAuth }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConfigError);
    expect(String(error)).toMatch(/not base64 of "user:password"/);
    const notJson = configFolder(`{"auths": {"r.example": {"password": "${SECRET}"}}`);
    const parseError = await resolveRegistryAuth('r.example/app', { configDir: notJson }).catch((caught: unknown) => caught);
    expect(parseError).toBeInstanceOf(DockerConfigError);
    for (const caught of [error, parseError]) expect(`${String(caught)} ${(caught as Error).stack}`).not.toContain(SECRET);
    expect(String(parseError)).not.toContain(Buffer.from(`no-colon-${SECRET}`).toString('base64'));
  });
});

describe('credential helpers', () => {
  const helpers = helpersFolder({
    store: storeScript,
    pinned: `read -r server; echo "{\\"ServerURL\\":\\"$server\\",\\"Username\\":\\"pinned-user\\",\\"Secret\\":\\"pinned-${SECRET}\\"}"`,
    broken: `read -r server; echo "keychain locked for $server" >&2; exit 3`,
    leaky: `read -r server; echo '{"Username":"x","Secret":"${SECRET}"}'; exit 1`,
    garbled: `echo 'not json ${SECRET}'`,
    stdinecho: `cat > "$HELPER_STDIN_LOG"; echo '{"Username":"u","Secret":"p"}'`,
  });
  const env = pathWith(helpers);

  it('asks credHelpers first, then credsStore, and ignores auths once a helper is configured', async () => {
    const configDir = configFolder({
      auths: { '127.0.0.1:5000': { username: 'from-file', password: 'file-password' }, 'file.example': { username: 'f', password: 'f' } },
      credsStore: 'store',
      credHelpers: { 'pinned.example': 'pinned' },
    });
    expect(await resolveRegistryAuth('127.0.0.1:5000/app', { configDir, env })).toEqual({
      username: 'alice',
      password: SECRET,
      serveraddress: '127.0.0.1:5000',
    });
    expect(await resolveRegistryAuth('pinned.example/app', { configDir, env })).toEqual({
      username: 'pinned-user',
      password: `pinned-${SECRET}`,
      serveraddress: 'pinned.example',
    });
    expect(await resolveRegistryAuth('file.example/app', { configDir, env })).toBeUndefined();
  });

  it('treats the <token> username as an identity token', async () => {
    const configDir = configFolder({ credsStore: 'store' });
    expect(await resolveRegistryAuth('token.example/app', { configDir, env })).toEqual({ identitytoken: `refresh-${SECRET}`, serveraddress: 'token.example' });
  });

  it('passes the server address on stdin', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'stdin-')), 'stdin');
    const configDir = configFolder({ credHelpers: { 'registry.example:8443': 'stdinecho' } });
    await resolveRegistryAuth('registry.example:8443/app', { configDir, env: { ...env, HELPER_STDIN_LOG: log } });
    expect(readFileSync(log, 'utf8')).toBe('registry.example:8443');
  });

  it('collects the store list and every credHelpers registry for a build', async () => {
    const configDir = configFolder({ credsStore: 'store', credHelpers: { 'pinned.example': 'pinned', 'broken.example': 'broken' } });
    expect(await allRegistryAuths({ configDir, env })).toEqual({
      '127.0.0.1:5000': { username: 'alice', password: SECRET, serveraddress: '127.0.0.1:5000' },
      'token.example': { identitytoken: `refresh-${SECRET}`, serveraddress: 'token.example' },
      'pinned.example': { username: 'pinned-user', password: `pinned-${SECRET}`, serveraddress: 'pinned.example' },
    });
  });

  it('fails with a typed error naming the helper and its own message, never its secret output', async () => {
    const cases: [string, RegExp][] = [
      ['broken', /docker-credential-broken get for broken\.example failed: it exited with code 3: keychain locked for broken\.example/],
      ['leaky', /docker-credential-leaky get for leaky\.example failed: it exited with code 1$/],
      ['garbled', /docker-credential-garbled get answered with something other than/],
      ['missing', /credential helper docker-credential-missing is not installed \(not found on PATH\)/],
    ];
    for (const [helper, message] of cases) {
      const configDir = configFolder({ credHelpers: { [`${helper}.example`]: helper } });
      const error = await resolveRegistryAuth(`${helper}.example/app`, { configDir, env }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DockerCredentialHelperError);
      expect(error).toMatchObject({ helper: `docker-credential-${helper}`, registry: `${helper}.example` });
      expect((error as Error).message).toMatch(message);
      expect(`${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(SECRET);
    }
  });

  it('refuses helper names that would be paths', async () => {
    const configDir = configFolder({ credsStore: '../../bin/sh' });
    await expect(resolveRegistryAuth('busybox', { configDir, env })).rejects.toBeInstanceOf(DockerConfigError);
  });

  it('stops a hanging helper when the signal aborts', async () => {
    const slow = helpersFolder({ slow: 'sleep 30' });
    const configDir = configFolder({ credsStore: 'slow' });
    const started = Date.now();
    const lookup = resolveRegistryAuth('busybox', { configDir, env: pathWith(slow), signal: AbortSignal.timeout(200) });
    await expect(lookup).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('headers pull, push and build send', () => {
  let engine: FakeEngine;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    engine = await fakeEngine((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => {
        if (req.url?.startsWith('/v1.45/build')) return json(res, 200, { aux: { ID: `sha256:${'b'.repeat(64)}` } });
        json(res, 200, { status: 'done' });
      });
    });
  });

  afterAll(() => engine.close());

  const lastHeaders = () => seen.at(-1)!.headers;

  it('encodes the headers as padded URL-safe base64, which is what the engine (Go base64.URLEncoding) decodes', async () => {
    // 8 bytes of JSON need padding; unpadded, the engine would quietly drop the credentials.
    const docker = createDocker({ socketPath: engine.socketPath, configDir: configFolder({}) });
    await docker.pull('127.0.0.1:5000/a:1', { auth: { username: 'u' } }).done;
    const header = String(lastHeaders()['x-registry-auth']);
    expect(header).toBe(Buffer.from('{"username":"u"}').toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
    expect(header.length % 4).toBe(0);
    await docker.pull('127.0.0.1:5000/a:1', { auth: { username: 'uu' } }).done;
    expect(String(lastHeaders()['x-registry-auth'])).toMatch(/^[A-Za-z0-9_-]+=+$/);
    await docker.close();
  });

  it('looks X-Registry-Auth up for the image registry unless given, and {} means anonymous', async () => {
    const configDir = configFolder({ auths: { '127.0.0.1:5000': { auth: basic('alice', SECRET) } } });
    const docker = createDocker({ socketPath: engine.socketPath, configDir });
    await docker.pull('127.0.0.1:5000/team/app:1').done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toEqual({ username: 'alice', password: SECRET, serveraddress: '127.0.0.1:5000' });
    await docker.push('127.0.0.1:5000/team/app', { tag: '1' }).done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toEqual({ username: 'alice', password: SECRET, serveraddress: '127.0.0.1:5000' });
    await docker.pull('busybox').done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toEqual({});
    await docker.pull('127.0.0.1:5000/team/app:1', { auth: { username: 'bob', password: 'given' } }).done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toEqual({ username: 'bob', password: 'given' });
    await docker.pull('127.0.0.1:5000/team/app:1', { auth: {} }).done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toEqual({});
    await docker.close();
  });

  it('sends every configured credential as X-Registry-Config with a build, unless given', async () => {
    const configDir = configFolder({
      auths: { '127.0.0.1:5000': { auth: basic('alice', SECRET) }, 'https://index.docker.io/v1/': { auth: basic('hub', 'hubpw') } },
    });
    const docker = createDocker({ socketPath: engine.socketPath, configDir });
    const context = () => Readable.from([Buffer.alloc(1024)]);
    await docker.build({ context: context() }).done;
    expect(decodeHeader(lastHeaders()['x-registry-config'])).toEqual({
      '127.0.0.1:5000': { username: 'alice', password: SECRET, serveraddress: '127.0.0.1:5000' },
      'https://index.docker.io/v1/': { username: 'hub', password: 'hubpw', serveraddress: 'https://index.docker.io/v1/' },
    });
    await docker.build({ context: context(), registryAuth: { 'r.example': { username: 'u', password: 'p' } } }).done;
    expect(decodeHeader(lastHeaders()['x-registry-config'])).toEqual({ 'r.example': { username: 'u', password: 'p' } });
    await docker.close();
    const empty = createDocker({ socketPath: engine.socketPath, configDir: mkdtempSync(join(tmpdir(), 'no-config-')) });
    await empty.build({ context: context() }).done;
    expect(lastHeaders()['x-registry-config']).toBeUndefined();
    await empty.close();
  });

  it('reads DOCKER_CONFIG from the client env option', async () => {
    const configDir = configFolder({ auths: { 'env.example': { username: 'from-env', password: SECRET } } });
    const docker = createDocker({ socketPath: engine.socketPath, env: { DOCKER_CONFIG: configDir } });
    await docker.pull('env.example/app:1').done;
    expect(decodeHeader(lastHeaders()['x-registry-auth'])).toMatchObject({ username: 'from-env' });
    await docker.close();
  });
});
