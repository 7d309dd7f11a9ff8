// Where the client connects, with real files in a temporary Docker config folder: explicit options,
// DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext and the default socket, in the Docker
// CLI's order; contexts' meta.json and TLS material; and the errors for what is missing or broken.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, resolveEndpoint } from '../../src/connection/endpoint.js';
import { contextDirectoryName } from '../../src/connection/docker-context.js';
import { DockerConfigError, DockerUsageError } from '../../src/errors.js';

interface ContextSpec {
  host: string;
  skipTlsVerify?: boolean;
  tls?: Partial<Record<'ca.pem' | 'cert.pem' | 'key.pem', string>>;
}

function configFolder(options: { currentContext?: string; contexts?: Record<string, ContextSpec> } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  if (options.currentContext) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: options.currentContext }));
  for (const [name, spec] of Object.entries(options.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex');
    const metaDir = join(dir, 'contexts', 'meta', id);
    mkdirSync(metaDir, { recursive: true });
    const meta = { Name: name, Metadata: {}, Endpoints: { docker: { Host: spec.host, SkipTLSVerify: spec.skipTlsVerify ?? false } } };
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify(meta));
    if (spec.tls) {
      const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
      mkdirSync(tlsDir, { recursive: true });
      for (const [file, content] of Object.entries(spec.tls)) writeFileSync(join(tlsDir, file), content);
    }
  }
  return dir;
}

const contexts = {
  remote: { host: 'tcp://remote.example:2376', tls: { 'ca.pem': 'remote ca', 'cert.pem': 'remote cert', 'key.pem': 'remote key' } },
  plain: { host: 'unix:///run/plain/docker.sock' },
  insecure: { host: 'tcp://insecure.example:2376', skipTlsVerify: true },
  caOnly: { host: 'tcp://ca-only.example:2376', tls: { 'ca.pem': 'only ca' } },
  overSsh: { host: 'ssh://deploy@build.example:2222' },
};

describe('contexts', () => {
  it('names a context folder by the sha256 of its name, as the CLI does', () => {
    expect(contextDirectoryName('default')).toBe('37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f');
  });

  it('uses DOCKER_CONTEXT with its TLS material, verification on', () => {
    const configDir = configFolder({ contexts });
    const endpoint = resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'remote' } });
    expect(endpoint).toMatchObject({ kind: 'tcp', origin: 'https://remote.example:2376', display: 'tcp://remote.example:2376' });
    const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
    expect({ ca: tls?.ca?.toString(), cert: tls?.cert?.toString(), key: tls?.key?.toString(), verify: tls?.rejectUnauthorized }).toEqual({
      ca: 'remote ca',
      cert: 'remote cert',
      key: 'remote key',
      verify: true,
    });
  });

  it("uses config.json's currentContext when DOCKER_CONTEXT is unset", () => {
    const configDir = configFolder({ currentContext: 'plain', contexts });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir } })).toEqual({
      kind: 'unix',
      socketPath: '/run/plain/docker.sock',
      display: 'unix:///run/plain/docker.sock',
    });
  });

  it('finds ~/.docker through HOME when DOCKER_CONFIG is unset', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    const configDir = join(home, '.docker');
    mkdirSync(configDir);
    const source = configFolder({ currentContext: 'plain', contexts });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'overSsh' }));
    const id = createHash('sha256').update('overSsh').digest('hex');
    mkdirSync(join(configDir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      join(configDir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({ Name: 'overSsh', Endpoints: { docker: { Host: contexts.overSsh.host } } }),
    );
    expect(resolveEndpoint({ env: { HOME: home } })).toMatchObject({
      kind: 'ssh',
      display: 'ssh://deploy@build.example:2222',
      destination: { user: 'deploy', host: 'build.example', port: 2222 },
    });
    expect(resolveEndpoint({ env: { HOME: home }, configDir: source })).toMatchObject({ kind: 'unix', socketPath: '/run/plain/docker.sock' });
  });

  it('follows the CLI order: explicit options, DOCKER_HOST, DOCKER_CONTEXT, currentContext, default socket', () => {
    const configDir = configFolder({ currentContext: 'plain', contexts });
    const env = { DOCKER_CONFIG: configDir, DOCKER_HOST: 'unix:///from/env.sock', DOCKER_CONTEXT: 'remote' };
    expect(resolveEndpoint({ env, host: 'unix:///explicit.sock' })).toMatchObject({ socketPath: '/explicit.sock' });
    expect(resolveEndpoint({ env, context: 'caOnly' })).toMatchObject({ origin: 'https://ca-only.example:2376' });
    expect(resolveEndpoint({ env })).toMatchObject({ socketPath: '/from/env.sock' });
    expect(resolveEndpoint({ env: { ...env, DOCKER_HOST: '' } })).toMatchObject({ origin: 'https://remote.example:2376' });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir } })).toMatchObject({ socketPath: '/run/plain/docker.sock' });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configFolder() } })).toMatchObject({ socketPath: DEFAULT_SOCKET });
  });

  it('treats the context named "default" as DOCKER_HOST or the default socket', () => {
    const configDir = configFolder({ currentContext: 'default', contexts });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir } })).toMatchObject({ socketPath: DEFAULT_SOCKET });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'default' } })).toMatchObject({ socketPath: DEFAULT_SOCKET });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://h:1' }, context: 'default' })).toMatchObject({ origin: 'http://h:1' });
  });

  it('turns verification off only when the context itself says SkipTLSVerify', () => {
    const configDir = configFolder({ contexts });
    const insecure = resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'insecure' } });
    expect(insecure).toMatchObject({ kind: 'tcp', origin: 'https://insecure.example:2376', tls: { rejectUnauthorized: false } });
    const caOnly = resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'caOnly' } });
    expect(caOnly.kind === 'tcp' && caOnly.tls).toEqual({ ca: Buffer.from('only ca'), rejectUnauthorized: true });
  });

  it('uses plain tcp for a context without TLS material', () => {
    const configDir = configFolder({ contexts: { bare: { host: 'tcp://bare.example:2375' } } });
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'bare' } })).toEqual({
      kind: 'tcp',
      origin: 'http://bare.example:2375',
      display: 'tcp://bare.example:2375',
    });
  });

  it('fails clearly for a context that does not exist', () => {
    const configDir = configFolder({ contexts });
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'nowhere' } })).toThrow(DockerUsageError);
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'nowhere' } })).toThrow(/Docker context "nowhere" does not exist/);
  });

  it('refuses a context together with a host, as the CLI does', () => {
    expect(() => resolveEndpoint({ env: {}, context: 'remote', host: 'unix:///x.sock' })).toThrow(/either `context` or `host`/);
  });

  it('reports malformed files with their path and without their content', () => {
    const configDir = configFolder();
    writeFileSync(join(configDir, 'config.json'), '{"currentContext": "x", "auths": {"r": {"auth": "c2VjcmV0"}} oops');
    const attempt = () => resolveEndpoint({ env: { DOCKER_CONFIG: configDir } });
    expect(attempt).toThrow(DockerConfigError);
    expect(attempt).toThrow(/not valid JSON \(.*config\.json\)/);
    expect(() => attempt()).not.toThrow(/c2VjcmV0/);

    const broken = configFolder({ contexts: { halfTls: { host: 'tcp://h:2376', tls: { 'cert.pem': 'cert without key' } } } });
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: broken, DOCKER_CONTEXT: 'halfTls' } })).toThrow(/client certificate without its key/);
    const noHost = configFolder({ contexts: { empty: { host: '' } } });
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: noHost, DOCKER_CONTEXT: 'empty' } })).toThrow(/has no docker endpoint host/);
  });

  it('does not read config.json at all when DOCKER_HOST decides', () => {
    const configDir = configFolder();
    writeFileSync(join(configDir, 'config.json'), 'not json');
    expect(resolveEndpoint({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'unix:///d.sock' } })).toMatchObject({ socketPath: '/d.sock' });
  });
});
