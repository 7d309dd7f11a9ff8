// ssh:// endpoints without an ssh server: URL parsing, the command line handed to `ssh`, and the
// connector driven through stand-in `ssh` programs this test writes. One stand-in relays its stdio
// to a local fake engine (what `docker system dial-stdio` does on the remote side), so requests and
// half-close run the whole node:http path; others fail the way ssh fails. The real thing, with sshd,
// is test/engine/connection-ssh.test.ts.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/connection/connect.js';
import { resolveEndpoint } from '../../src/connection/endpoint.js';
import { SshSocket } from '../../src/connection/ssh-socket.js';
import { parseSshUrl, sshArguments } from '../../src/connection/ssh-destination.js';
import { createDocker, DockerConnectionError, DockerUsageError } from '../../src/index.js';
import { bodyText } from '../../src/request/answer-body.js';
import { exchange } from '../../src/request/http-exchange.js';
import { liveChildren } from '../support/child-processes.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'fake-ssh-'));

function program(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, 0o755);
  return path;
}

// Relays stdin/stdout to the unix socket in RELAY_SOCKET, passing half-closes on, and records its
// arguments so the test sees the command line.
const relay = program(
  'relay-ssh.mjs',
  `#!${process.execPath}
import { connect } from 'node:net';
import { appendFileSync } from 'node:fs';
appendFileSync(process.env.RELAY_LOG, JSON.stringify(process.argv.slice(2)) + '\\n');
const socket = connect({ path: process.env.RELAY_SOCKET, allowHalfOpen: true });
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
`,
);
const refusing = program('refusing-ssh', '#!/bin/sh\necho "root@127.0.0.1: Permission denied (publickey)." >&2\nexit 255\n');

describe('ssh:// URLs', () => {
  it('parses user, host, port and a remote socket path', () => {
    expect(parseSshUrl('ssh://deploy@build.example:2222')).toEqual({ user: 'deploy', host: 'build.example', port: 2222 });
    expect(parseSshUrl('ssh://build.example')).toEqual({ host: 'build.example' });
    expect(parseSshUrl('ssh://me@[::1]:22/run/user/1000/docker.sock')).toEqual({ user: 'me', host: '::1', port: 22, socketPath: '/run/user/1000/docker.sock' });
  });

  it('builds the CLI command line, with the caller arguments first so they win', () => {
    const args = sshArguments({ user: 'deploy', host: 'build.example', port: 2222 }, { args: ['-i', '/keys/id', '-o', 'BatchMode=no'] });
    expect(args).toEqual([
      '-i',
      '/keys/id',
      '-o',
      'BatchMode=no',
      '-o',
      'ConnectTimeout=30',
      '-o',
      'BatchMode=yes',
      '-T',
      '-l',
      'deploy',
      '-p',
      '2222',
      '--',
      'build.example',
      'docker',
      'system',
      'dial-stdio',
    ]);
    expect(sshArguments({ host: 'h', socketPath: '/var/run/other.sock' })).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-o',
      'BatchMode=yes',
      '-T',
      '--',
      'h',
      'docker',
      '--host',
      'unix:///var/run/other.sock',
      'system',
      'dial-stdio',
    ]);
  });

  it.each([
    ['ssh://user:secret@host', /carries a password/],
    ['ssh://', /not a valid ssh:\/\/ URL|names no host/],
    ['ssh://host/path;rm -rf', /remote socket path may only hold/],
    ['ssh://host?x=1', /query or fragment/],
  ])('rejects %j with a usage error', (host, message) => {
    expect(() => resolveEndpoint({ env: {}, host })).toThrow(DockerUsageError);
    expect(() => resolveEndpoint({ env: {}, host })).toThrow(message);
  });

  it('never echoes a password written into the URL', () => {
    expect(() => resolveEndpoint({ env: {}, host: 'ssh://user:hunter2@host' })).not.toThrow(/hunter2/);
  });

  it('reads ssh:// from DOCKER_HOST', () => {
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'ssh://me@example.org' } })).toMatchObject({ kind: 'ssh', display: 'ssh://me@example.org' });
  });
});

describe('the ssh connector with stand-in ssh programs', () => {
  let engine: FakeEngine;
  const log = join(dir, 'relay.log');

  beforeAll(async () => {
    engine = await fakeEngine((req, res) => {
      if (req.url === '/echo-body') {
        // Reads the request body to its end before answering: the request's end has to arrive.
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => res.end(JSON.stringify({ received: body })));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no route ${req.url}` }));
    });
  });

  afterAll(async () => {
    await engine.close();
  });

  const relayEnv = () => ({ ...process.env, RELAY_SOCKET: engine.socketPath, RELAY_LOG: log });

  it('sends requests through one ssh process per connection and stops them on close', async () => {
    const docker = createDocker({ host: 'ssh://tester@remote.example:2200', ssh: { command: relay, args: ['-i', '/keys/test'] }, env: relayEnv() });
    expect(docker.endpoint).toBe('ssh://tester@remote.example:2200');
    expect(await docker.apiVersion()).toBe('1.45');
    const connection = connect(resolveEndpoint({ host: 'ssh://tester@remote.example:2200', ssh: { command: relay }, env: relayEnv() }));
    const body = 'x'.repeat(1_000_000);
    const answers = await Promise.all(
      [1, 2, 3].map(async () => {
        const request = { method: 'POST', path: '/echo-body', headers: {}, body, context: {} };
        const answer = await exchange(connection, request);
        if (answer.kind !== 'answer') throw new Error('the fake engine upgraded the connection');
        return JSON.parse(await bodyText(answer.body, { connection, request })) as { received: string };
      }),
    );
    expect(answers.map((answer) => answer.received.length)).toEqual([body.length, body.length, body.length]);
    // Three requests at once need three connections: one relay for the client, three for these.
    expect((await childPids()).length).toBe(4);
    await docker.close();
    connection.close();
    await waitUntil(async () => (await childPids()).length === 0);
    const first = JSON.parse(readFileSync(log, 'utf8').split('\n')[0]!) as string[];
    expect(first).toEqual([
      '-i',
      '/keys/test',
      '-o',
      'ConnectTimeout=30',
      '-o',
      'BatchMode=yes',
      '-T',
      '-l',
      'tester',
      '-p',
      '2200',
      '--',
      'remote.example',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it("reports ssh's own reason when ssh fails", async () => {
    const docker = createDocker({ host: 'ssh://root@127.0.0.1:1', ssh: { command: refusing } });
    const error = await docker.system.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect(error).toMatchObject({ endpoint: 'ssh://root@127.0.0.1:1', code: 'ERR_SSH_EXITED' });
    expect((error as Error).message).toBe(
      'cannot reach the Docker engine at ssh://root@127.0.0.1:1: ssh exited with code 255: root@127.0.0.1: Permission denied (publickey).',
    );
    await docker.close();
  });

  it('reports a missing ssh program clearly', async () => {
    const docker = createDocker({ host: 'ssh://root@127.0.0.1', ssh: { command: join(dir, 'no-such-ssh') } });
    const error = await docker.system.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect(error).toMatchObject({ code: 'ERR_SSH_NOT_FOUND' });
    expect((error as Error).message).toMatch(/cannot run `.*no-such-ssh`: spawn .* ENOENT/);
    await docker.close();
  });
});

describe('SshSocket', () => {
  it('closes once ssh has exited and its output is read, even with our side still open', async () => {
    const child = spawn('sh', ['-c', 'printf "last words"'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const socket = new SshSocket(child);
    const closed = new Promise<void>((resolve) => socket.once('close', resolve));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    await closed;
    expect(text).toBe('last words');
  });

  it("passes our end() on as the end of ssh's stdin, and still reads what follows", async () => {
    const child = spawn('sh', ['-c', 'cat; echo " and after"'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const socket = new SshSocket(child);
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', resolve));
    socket.end('before');
    await closed;
    expect(text).toBe('before and after\n');
  });
});

/** Pids of live processes started from the relay program by this test process. */
async function childPids(): Promise<number[]> {
  return liveChildren((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(relay));
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}
