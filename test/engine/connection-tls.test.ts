// TLS for real: a third, private dockerd on 127.0.0.1 with --tlsverify and certificates made by
// this test (see support/tls-engine.ts), reached from DOCKER_HOST + DOCKER_TLS_VERIFY +
// DOCKER_CERT_PATH and from explicit options; each way TLS can fail gives a typed error that says
// which side refused; verification is only off when asked for; hijacked attach and exec (with
// stdin half-close) and attach over WebSocket work over TLS.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadRequestError, createDocker, DockerConnectionError, type ConnectionOptions, type Docker } from '../../src/index.js';
import { removeRunContainers } from './support/cleanup.js';
import { readAll } from './support/hijack.js';
import { startTlsEngine, type TlsEngineFixture } from './support/tls-engine.js';

describe('TLS engine', () => {
  const run = randomUUID().slice(0, 8);
  let fixture: TlsEngineFixture;
  let docker: Docker;
  const clients: Docker[] = [];

  const client = (options: ConnectionOptions) => {
    const created = createDocker(options);
    clients.push(created);
    return created;
  };
  const clientFiles = () => ({
    ca: fixture.read(fixture.certs.client.caFile),
    cert: fixture.read(fixture.certs.client.certFile),
    key: fixture.read(fixture.certs.client.keyFile),
  });
  const failure = async (target: Docker) => {
    const error = await target.system.version().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    return error as DockerConnectionError;
  };

  beforeAll(async () => {
    fixture = await startTlsEngine();
    docker = client({ host: fixture.engine.host, tls: clientFiles() });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    if (docker) await removeRunContainers(docker, run);
    await Promise.all(clients.map((c) => c.close()));
    await fixture?.stop();
  });

  it('connects from DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH in the environment', async () => {
    vi.stubEnv('DOCKER_HOST', fixture.engine.host);
    vi.stubEnv('DOCKER_TLS_VERIFY', '1');
    vi.stubEnv('DOCKER_CERT_PATH', fixture.certs.client.dir);
    const fromEnv = client({});
    expect(fromEnv.endpoint).toBe(fixture.engine.host);
    const version = await fromEnv.system.version();
    expect(version.Version).toBe(fixture.engine.version);
    expect(await fromEnv.apiVersion()).toBe(fixture.engine.apiVersion);
  });

  it('connects from explicit options, by IP and by the name in the certificate', async () => {
    expect((await docker.system.version()).Version).toBe(fixture.engine.version);
    const files = clientFiles();
    const byName = client({
      host: `tcp://localhost:${fixture.engine.port}`,
      tls: { ca: files.ca.toString(), cert: files.cert.toString(), key: files.key.toString() },
    });
    expect(await byName.system.ping()).toBe('OK');
  });

  it('fails with "certificate verification failed" when the CA is wrong', async () => {
    const error = await failure(client({ host: fixture.engine.host, tls: { ...clientFiles(), ca: fixture.read(fixture.foreign.caFile) } }));
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(error.endpoint).toBe(fixture.engine.host);
    expect(error.message).toBe(
      `cannot reach the Docker engine at ${fixture.engine.host}: TLS: certificate verification failed: the engine's certificate is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
  });

  it('never turns verification off by itself: without a CA the private certificate is refused', async () => {
    const { cert, key } = clientFiles();
    const error = await failure(client({ host: fixture.engine.host, tls: { cert, key } }));
    expect(error.message).toMatch(/TLS: certificate verification failed/);
  });

  it('fails with "the engine demanded a client certificate" when none is sent', async () => {
    const error = await failure(client({ host: fixture.engine.host, tls: { ca: clientFiles().ca } }));
    expect(error.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(error.message).toBe(
      `cannot reach the Docker engine at ${fixture.engine.host}: TLS: the engine demanded a client certificate and none was sent (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)`,
    );
  });

  it('fails with "the engine rejected the client certificate" for one from another CA', async () => {
    const error = await failure(
      client({
        host: fixture.engine.host,
        tls: { ca: clientFiles().ca, cert: fixture.read(fixture.foreign.certFile), key: fixture.read(fixture.foreign.keyFile) },
      }),
    );
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    expect(error.message).toMatch(/TLS: the engine rejected the client certificate/);
  });

  it('skips verification only when told so explicitly', async () => {
    const { cert, key } = clientFiles();
    const unverified = client({ host: fixture.engine.host, tls: { cert, key, rejectUnauthorized: false } });
    expect(await unverified.system.ping()).toBe('OK');
  });

  it("gets the engine's own answer when plain HTTP is sent to the TLS port", async () => {
    const plain = client({ host: `http://127.0.0.1:${fixture.engine.port}` });
    await expect(plain.system.ping()).rejects.toBeInstanceOf(BadRequestError);
  });

  it('runs execs over TLS: stdin half-closed, MiBs intact, several at once', async () => {
    const { Id: id } = await docker.containers.create({
      body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'test.run': run }, HostConfig: { NetworkMode: 'none' } },
    });
    await docker.containers.start({ id });
    expect(await docker.exec.run(id, ['sh', '-c', 'cat; echo after-eof; exit 4'], { stdin: 'over tls ' })).toEqual({
      stdout: 'over tls after-eof\n',
      stderr: '',
      exitCode: 4,
    });
    const input = randomBytes(2 * 1024 * 1024 + 5);
    const big = await docker.exec.run(id, ['sh', '-c', 'md5sum | cut -d" " -f1'], { stdin: input });
    expect(big).toEqual({ stdout: `${createHash('md5').update(input).digest('hex')}\n`, stderr: '', exitCode: 0 });
    const parallel = await Promise.all([1, 2, 3, 4].map((i) => docker.exec.run(id, ['sh', '-c', `echo ${i}; echo e${i} >&2`])));
    expect(parallel).toEqual([1, 2, 3, 4].map((i) => ({ stdout: `${i}\n`, stderr: `e${i}\n`, exitCode: 0 })));
    await docker.containers.delete({ id, force: true });
  });

  it('attaches over TLS before start and half-closes stdin', async () => {
    const { Id: id } = await docker.containers.create({
      body: {
        Image: 'busybox:latest',
        Cmd: ['sh', '-c', 'cat; echo after-eof; echo err >&2'],
        OpenStdin: true,
        StdinOnce: true,
        Labels: { 'test.run': run },
        HostConfig: { NetworkMode: 'none' },
      },
    });
    const session = docker.attach(id, { stdin: true });
    expect(await session.attached).toEqual({ tty: false });
    await docker.containers.start({ id });
    session.stdin.end('through tls\n');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'through tls\nafter-eof\n', stderr: 'err\n' });
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
    await docker.containers.delete({ id, force: true });
  });

  it('attaches over WebSocket through TLS, stdin ended by a close frame', async () => {
    const { Id: id } = await docker.containers.create({
      body: {
        Image: 'busybox:latest',
        Cmd: ['sh', '-c', 'cat; echo after-eof'],
        OpenStdin: true,
        StdinOnce: true,
        Labels: { 'test.run': run },
        HostConfig: { NetworkMode: 'none' },
      },
    });
    const session = docker.attachWebSocket(id, { stdin: true });
    await session.attached;
    await docker.containers.start({ id });
    session.stdin.end('websocket over tls\n');
    const [stdout] = await Promise.all([readAll(session.stdout), session.done]);
    expect(stdout.toString()).toBe('websocket over tls\nafter-eof\n');
    await docker.containers.delete({ id, force: true });
  });
});
