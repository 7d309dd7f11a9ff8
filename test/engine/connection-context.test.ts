// Docker contexts for real: a config folder made here, with contexts for the shared engines' unix
// sockets and for a private TLS engine (its TLS material stored the way `docker context create`
// stores it), chosen by DOCKER_CONTEXT, by config.json's currentContext and by the `context` option.
// The Docker CLI reads the same folder and must reach the same engines: it is the oracle here.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker, DockerConnectionError, type ConnectionOptions, type Docker } from '../../src/index.js';
import { engines } from './support/targets.js';
import { startTlsEngine, type TlsEngineFixture } from './support/tls-engine.js';

const exec = promisify(execFile);
const cli = ['/usr/local/bin/docker', '/usr/bin/docker'].find((path) => existsSync(path));

describe('contexts', () => {
  const configDir = mkdtempSync(join(tmpdir(), 'context-config-'));
  const clients: Docker[] = [];
  let fixture: TlsEngineFixture;

  const client = (options: ConnectionOptions) => {
    const created = createDocker(options);
    clients.push(created);
    return created;
  };

  function writeContext(name: string, host: string, options: { skipTlsVerify?: boolean; tlsFiles?: Record<string, string> } = {}) {
    const id = createHash('sha256').update(name).digest('hex');
    const metaDir = join(configDir, 'contexts', 'meta', id);
    mkdirSync(metaDir, { recursive: true });
    const meta = {
      Name: name,
      Metadata: { Description: 'made by connection-context.test.ts' },
      Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } },
    };
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify(meta));
    if (!options.tlsFiles) return;
    const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
    mkdirSync(tlsDir, { recursive: true });
    for (const [file, source] of Object.entries(options.tlsFiles)) copyFileSync(source, join(tlsDir, file));
  }

  const setCurrentContext = (name: string) => writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: name }));

  beforeAll(async () => {
    fixture = await startTlsEngine();
    for (const engine of engines()) writeContext(`${engine.name}-unix`, `unix://${engine.socket}`);
    const { caFile, certFile, keyFile } = fixture.certs.client;
    writeContext('tls-verified', fixture.engine.host, { tlsFiles: { 'ca.pem': caFile, 'cert.pem': certFile, 'key.pem': keyFile } });
    writeContext('tls-skip-verify', fixture.engine.host, { skipTlsVerify: true, tlsFiles: { 'cert.pem': certFile, 'key.pem': keyFile } });
    writeContext('tls-wrong-ca', fixture.engine.host, { tlsFiles: { 'ca.pem': fixture.foreign.caFile, 'cert.pem': certFile, 'key.pem': keyFile } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await fixture?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it.each(engines())('reaches the $name engine through a unix context, by DOCKER_CONTEXT and by currentContext', async (engine) => {
    const byEnv = client({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: `${engine.name}-unix` } });
    expect(byEnv.endpoint).toBe(`unix://${engine.socket}`);
    expect((await byEnv.system.version()).Version).toBe(engine.version);
    setCurrentContext(`${engine.name}-unix`);
    const byConfig = client({ env: { DOCKER_CONFIG: configDir } });
    expect((await byConfig.system.version()).Version).toBe(engine.version);
  });

  it('reaches the TLS engine through a context holding its TLS material, and runs an exec there', async () => {
    setCurrentContext('tls-verified');
    const docker = client({ env: { DOCKER_CONFIG: configDir } });
    expect(docker.endpoint).toBe(fixture.engine.host);
    expect((await docker.system.version()).Version).toBe(fixture.engine.version);
    const { Id: id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none' } } });
    try {
      await docker.containers.start({ id });
      expect(await docker.exec.run(id, ['sh', '-c', 'cat; echo !'], { stdin: 'via context' })).toEqual({ stdout: 'via context!\n', stderr: '', exitCode: 0 });
    } finally {
      await docker.containers.delete({ id, force: true });
    }
  });

  it("honours a context's SkipTLSVerify, and verifies otherwise", async () => {
    const skipping = client({ configDir, context: 'tls-skip-verify', env: {} });
    expect(await skipping.system.ping()).toBe('OK');
    const wrongCa = client({ configDir, context: 'tls-wrong-ca', env: {} });
    const error = await wrongCa.system.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect((error as Error).message).toMatch(/TLS: certificate verification failed/);
  });

  it('lets DOCKER_HOST win over DOCKER_CONTEXT and currentContext, and the context option over both', async () => {
    const [first, second] = engines();
    setCurrentContext('tls-wrong-ca');
    const env = { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'tls-wrong-ca', DOCKER_HOST: `unix://${first!.socket}` };
    expect((await client({ env }).system.version()).Version).toBe(first!.version);
    const chosen = second ?? first!;
    expect((await client({ env, context: `${chosen.name}-unix` }).system.version()).Version).toBe(chosen.version);
  });

  it('agrees with the Docker CLI on which engine each context reaches', async () => {
    if (!cli) throw new Error('no Docker CLI on this machine (the legacy engine installs /usr/bin/docker)');
    const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, ...cliEnv } = process.env;
    for (const name of [...engines().map((engine) => `${engine.name}-unix`), 'tls-verified']) {
      const { stdout } = await exec(cli!, ['--context', name, 'version', '--format', '{{.Server.Version}}'], { env: { ...cliEnv, DOCKER_CONFIG: configDir } });
      const ours = await client({ configDir, context: name, env: {} }).system.version();
      expect(ours.Version).toBe(stdout.trim());
    }
  });
});
