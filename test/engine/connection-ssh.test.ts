// ssh:// for real: Debian's OpenSSH server started privately on 127.0.0.1 (scripts/engines/sshd.mjs)
// with a host key and a client key pair made here, whose sessions get DOCKER_HOST pointing at the
// newest shared Docker engine, then at Podman's socket (sshd_config SetEnv; one sshd at a time). The
// client runs the system `ssh … docker system dial-stdio` per connection, with a known_hosts file of
// this test and strict host key checking. dial-stdio only relays bytes to the socket, so Podman's
// API is served through it as it is locally, with Podman's own answers (see the tests' names).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSshKeyPair, sshdDown, sshdUp, type SshdEntry } from '../../scripts/engines/sshd.mjs';
import { createDocker, DockerConnectionError, NotFoundError, type ConnectionOptions, type Docker } from '../../src/index.js';
import { liveChildren } from '../support/child-processes.js';
import { removeRunContainers } from './support/cleanup.js';
import { readAll } from './support/hijack.js';
import type { EngineInfo } from './support/global-setup.js';
import { engines, isPodman } from './support/targets.js';

const all = engines();
const remoteEngines = all.filter((engine) => engine.name === 'newest' || isPodman(engine));

describe.each(remoteEngines)('ssh to the $name engine', (engine: EngineInfo) => {
  const podman = isPodman(engine);
  // The engine a socket path in the URL reaches instead of the session's DOCKER_HOST.
  const other = all.find((candidate) => candidate.name === 'legacy') ?? all.find((candidate) => candidate.name !== engine.name);
  const run = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'ssh-test-'));
  const knownHosts = join(dir, 'known_hosts');
  const clients: Docker[] = [];
  let sshd: SshdEntry;
  let keyFile: string;
  let docker: Docker;
  let url: string;

  const sshArgs = (known = knownHosts, key = keyFile) => [
    // No ~/.ssh/config of the machine: only what the test says counts.
    '-F',
    '/dev/null',
    '-i',
    key,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${known}`,
    '-o',
    'StrictHostKeyChecking=yes',
  ];
  const client = (options: ConnectionOptions) => {
    const created = createDocker(options);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    const key = await makeSshKeyPair(join(dir, 'client'));
    keyFile = key.keyFile;
    sshd = await sshdUp({ authorizedKeys: [key.publicKey], environment: { DOCKER_HOST: `unix://${engine.socket}` } });
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    url = `ssh://root@127.0.0.1:${sshd.port}`;
    docker = client({ host: url, ssh: { args: sshArgs() } });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    if (docker) await removeRunContainers(docker, run);
    await Promise.all(clients.map((c) => c.close()));
    await sshdDown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the engine the remote DOCKER_HOST names, from DOCKER_HOST=ssh://… in the environment', async () => {
    vi.stubEnv('DOCKER_HOST', url);
    const fromEnv = client({ ssh: { args: sshArgs() } });
    expect(fromEnv.endpoint).toBe(url);
    const started = Date.now();
    expect(await fromEnv.apiVersion()).toBe(engine.apiVersion);
    console.log(`ssh: first answer after ${Date.now() - started} ms (ssh handshake + dial-stdio)`);
    expect((await fromEnv.system.version()).Version).toBe(engine.version);
  });

  const otherName = other
    ? `reaches another engine (${other.name}) through a socket path in the URL (docker --host on the remote side)`
    : 'reaches another engine through a socket path in the URL (skipped: this run has no second engine)';
  it.runIf(other)(otherName, async () => {
    const elsewhere = client({ host: `${url}${other!.socket}`, ssh: { args: sshArgs() } });
    expect((await elsewhere.system.version()).Version).toBe(other!.version);
  });

  it('attaches before start and half-closes stdin over ssh', async () => {
    const { Id: id } = await docker.containers.create({
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', 'cat; echo after-eof; echo err >&2'], OpenStdin: true, StdinOnce: true, Labels: { 'test.run': run } },
    });
    const session = docker.attach(id, { stdin: true });
    expect(await session.attached).toEqual({ tty: false });
    await docker.containers.start({ id });
    session.stdin.end('through ssh\n');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'through ssh\nafter-eof\n', stderr: 'err\n' });
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
    await docker.containers.delete({ id, force: true });
  });

  it(`attaches over WebSocket through ssh, stdin ended by a close frame${podman ? ' (Podman 4.3 has no /attach/ws: NotFoundError)' : ''}`, async () => {
    const { Id: id } = await docker.containers.create({
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', 'cat; echo after-eof'], OpenStdin: true, StdinOnce: true, Labels: { 'test.run': run } },
    });
    const session = docker.attachWebSocket(id, { stdin: true });
    if (podman) {
      await expect(session.attached).rejects.toBeInstanceOf(NotFoundError);
      await expect(session.done).rejects.toBeInstanceOf(NotFoundError);
      await docker.containers.delete({ id, force: true });
      return;
    }
    await session.attached;
    await docker.containers.start({ id });
    session.stdin.end('websocket over ssh\n');
    const [stdout] = await Promise.all([readAll(session.stdout), session.done]);
    expect(stdout.toString()).toBe('websocket over ssh\nafter-eof\n');
    await docker.containers.delete({ id, force: true });
  });

  it('runs execs with stdin, exit codes and a TTY over ssh', async () => {
    const { Id: id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'test.run': run } } });
    await docker.containers.start({ id });
    expect(await docker.exec.run(id, ['sh', '-c', 'cat; echo; exit 7'], { stdin: 'piped' })).toEqual({ stdout: 'piped\n', stderr: '', exitCode: 7 });
    const parallel = await Promise.all([1, 2, 3].map((i) => docker.exec.run(id, ['sh', '-c', `echo ${i}`])));
    expect(parallel.map((result) => result.stdout)).toEqual(['1\n', '2\n', '3\n']);
    const tty = await docker.exec.run(id, ['sh', '-c', 'tty >/dev/null && echo is-a-tty'], { tty: true });
    expect(tty).toMatchObject({ stdout: 'is-a-tty\r\n', exitCode: 0 });
    await docker.containers.delete({ id, force: true });
  });

  // Podman reports a container's removal as `remove`, where Docker says `destroy`.
  const removed = podman ? 'remove' : 'destroy';

  it(`streams events over ssh${podman ? ' (Podman 4.3 says remove, not destroy)' : ''}`, async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of docker.events({ since, filters: { label: [`test.run=${run}-events`] }, signal: controller.signal })) {
        seen.push(`${event.Type} ${event.Action}`);
        if (event.Action === removed) controller.abort();
      }
    })();
    const { Id: id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: ['true'], Labels: { 'test.run': `${run}-events` } } });
    await docker.containers.start({ id });
    await docker.containers.wait({ id });
    await docker.containers.delete({ id });
    await reading;
    expect(seen).toEqual(expect.arrayContaining(['container create', 'container start', 'container die', `container ${removed}`]));
    expect(seen.at(-1)).toBe(`container ${removed}`);
  });

  it("fails with ssh's reason for an unknown host key, never connecting unverified", async () => {
    const emptyKnownHosts = join(dir, 'empty_known_hosts');
    writeFileSync(emptyKnownHosts, '');
    const stranger = client({ host: url, ssh: { args: sshArgs(emptyKnownHosts) } });
    const error = await stranger.system.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect(error).toMatchObject({ endpoint: url, code: 'ERR_SSH_EXITED' });
    expect((error as Error).message).toMatch(
      /^cannot reach the Docker engine at ssh:\/\/root@127\.0\.0\.1:\d+: ssh exited with code 255: .*Host key verification failed\./s,
    );
    expect(readFileSync(emptyKnownHosts, 'utf8')).toBe('');
  });

  it("fails with ssh's reason for a key the server does not accept", async () => {
    const other = await makeSshKeyPair(join(dir, 'other'));
    const refused = client({ host: url, ssh: { args: sshArgs(knownHosts, other.keyFile) } });
    const error = await refused.system.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect((error as Error).message).toMatch(/ssh exited with code 255: .*Permission denied \(publickey\)/s);
  });

  it('leaves no ssh process behind once the client is closed', async () => {
    const counted = client({ host: url, ssh: { args: sshArgs() } });
    await Promise.all([1, 2, 3].map(() => counted.system.ping()));
    expect(sshChildren().length).toBeGreaterThan(0);
    await Promise.all(clients.map((c) => c.close()));
    clients.length = 0;
    const deadline = Date.now() + 5_000;
    while (sshChildren().length > 0 && Date.now() < deadline) await sleep(50);
    expect(sshChildren()).toEqual([]);
    docker = client({ host: url, ssh: { args: sshArgs() } });
  });
});

/** Live `ssh` processes started by this test process. */
function sshChildren(): number[] {
  return liveChildren((_pid, stat) => stat.includes('(ssh)'));
}
