import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, defaultEndpoint, resolveEndpoint } from '../../src/connection/endpoint.js';
import { createDocker } from '../../src/index.js';
import { DockerUsageError } from '../../src/errors.js';

describe('resolveEndpoint', () => {
  it('uses the default socket when nothing is configured', () => {
    expect(resolveEndpoint({ env: {} })).toEqual({ kind: 'unix', socketPath: DEFAULT_SOCKET, display: `unix://${DEFAULT_SOCKET}` });
  });

  it('reads DOCKER_HOST as unix://', () => {
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } })).toMatchObject({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
    });
  });

  it('reads DOCKER_HOST as tcp:// without TLS, defaulting the port to 2375', () => {
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'tcp://10.0.0.5' } })).toEqual({
      kind: 'tcp',
      origin: 'http://10.0.0.5:2375',
      display: 'tcp://10.0.0.5:2375',
    });
  });

  it('turns on verified TLS from DOCKER_TLS_VERIFY with the files of DOCKER_CERT_PATH, port 2376 by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certs-'));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `${name} content`);
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://docker.example:1234', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } });
    expect(endpoint).toMatchObject({ kind: 'tcp', origin: 'https://docker.example:1234' });
    const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
    expect(tls?.rejectUnauthorized).toBe(true);
    expect(tls?.ca?.toString()).toBe('ca.pem content');
    expect(tls?.cert?.toString()).toBe('cert.pem content');
    expect(tls?.key?.toString()).toBe('key.pem content');
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } })).toMatchObject({ origin: 'https://h:2376' });
  });

  it('fails clearly when DOCKER_TLS_VERIFY is set but the certificates are missing', () => {
    const env = { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent/certs' };
    expect(() => resolveEndpoint({ env })).toThrow(/\/nonexistent\/certs\/ca\.pem cannot be read/);
  });

  it('prefers explicit options over the environment', () => {
    const env = { DOCKER_HOST: 'tcp://ignored:1' };
    expect(resolveEndpoint({ env, socketPath: '/tmp/d.sock' })).toMatchObject({ kind: 'unix', socketPath: '/tmp/d.sock' });
    expect(resolveEndpoint({ env, host: 'https://engine:9999', tls: { ca: 'x' } })).toMatchObject({ origin: 'https://engine:9999', tls: { ca: 'x' } });
  });

  it('never turns TLS verification off by itself', () => {
    const endpoint = resolveEndpoint({ env: {}, host: 'https://engine' });
    expect(endpoint.kind === 'tcp' && endpoint.tls?.rejectUnauthorized).not.toBe(false);
  });

  it('reads npipe:// as a Windows named pipe, with the slashes Windows would read as backslashes turned round', () => {
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'npipe:////./pipe/docker_engine' } })).toEqual({
      kind: 'npipe',
      pipePath: '\\\\.\\pipe\\docker_engine',
      display: 'npipe:////./pipe/docker_engine',
    });
    expect(resolveEndpoint({ env: {}, host: 'npipe://\\\\buildhost\\pipe\\docker_engine_linux' })).toMatchObject({
      pipePath: '\\\\buildhost\\pipe\\docker_engine_linux',
    });
  });

  it('defaults to the docker_engine named pipe on Windows and to the socket elsewhere', () => {
    expect(defaultEndpoint('win32')).toMatchObject({ kind: 'npipe', pipePath: '\\\\.\\pipe\\docker_engine' });
    expect(defaultEndpoint('linux')).toMatchObject({ kind: 'unix', socketPath: DEFAULT_SOCKET });
    expect(defaultEndpoint('darwin')).toMatchObject({ kind: 'unix', socketPath: DEFAULT_SOCKET });
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe when not on Windows, before any request', () => {
    expect(() => createDocker({ host: 'npipe:////./pipe/docker_engine' })).toThrow(/npipe:\/\/\/\/\.\/pipe\/docker_engine: named pipes exist only on Windows/);
  });

  it.each(['localhost:2375', 'ftp://x', 'unix://', 'tcp://[bad', 'npipe://', 'npipe:////./docker_engine', 'npipe:////./pipe/'])(
    'rejects the host %j with a usage error',
    (host) => {
      expect(() => resolveEndpoint({ env: {}, host })).toThrow(DockerUsageError);
    },
  );
});
