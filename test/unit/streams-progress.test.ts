// Progress streams (pull, push, plugin install) against a fake engine on a unix socket
// (support/fake-engine.ts): no registry is reachable from the test machines, so pull-like layer
// progress and in-stream failures are served here. Real engines' progress streams (load, import,
// a push that fails in the stream) are covered in test/engine/streams-progress.test.ts.
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerStreamError, DockerVersionError, type ProgressMessage } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

// An empty Docker CLI configuration: whatever the machine's ~/.docker holds takes no part.
const configDir = mkdtempSync(join(tmpdir(), 'streams-progress-config-'));
const client = (fake: FakeEngine) => createDocker({ socketPath: fake.socketPath, configDir });

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const pullMessages: ProgressMessage[] = [
  { status: 'Pulling from library/app', id: 'latest' },
  { status: 'Pulling fs layer', id: 'aaa' },
  { status: 'Pulling fs layer', id: 'bbb' },
  { status: 'Downloading', id: 'aaa', progressDetail: { current: 100, total: 1000 } },
  { status: 'Downloading', id: 'bbb', progressDetail: { current: 500, total: 2000 } },
  { status: 'Download complete', id: 'aaa' },
  { status: 'Extracting', id: 'aaa', progressDetail: { current: 10, total: 1000 } },
  { status: 'Pull complete', id: 'aaa' },
  { status: 'Downloading', id: 'bbb', progressDetail: { current: 2000, total: 2000 } },
  { status: 'Pull complete', id: 'bbb' },
  { status: 'Digest: sha256:0123' },
  { status: 'Status: Downloaded newer image for app:latest' },
];

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Serves `messages` one by one with a pause between them, as an engine does; records what was asked. */
function progressServer(messages: Array<ProgressMessage | string>, seen: Seen[] = []) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ url: req.url!, headers: req.headers, body });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const message of messages) {
      if (res.destroyed) return;
      res.write(typeof message === 'string' ? message : `${JSON.stringify(message)}\r\n`);
      await sleep(2);
    }
    res.end();
  };
}

describe('docker.pull against a fake engine', () => {
  it('yields each message, aggregates layer progress for a bar, and resolves done with the digest', async () => {
    const seen: Seen[] = [];
    engine = await fakeEngine(progressServer(pullMessages, seen));
    const docker = client(engine);
    const pull = docker.pull('app');
    const bars: Array<[number, number]> = [];
    const received: ProgressMessage[] = [];
    for await (const message of pull) {
      received.push(message);
      bars.push([pull.progress.current, pull.progress.total]);
    }
    expect(received).toEqual(pullMessages);
    expect(bars).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [100, 1000],
      [600, 3000],
      [1500, 3000], // aaa's download is complete: it counts in full
      [1500, 3000], // extraction does not move the bar backwards
      [1500, 3000],
      [3000, 3000],
      [3000, 3000],
      [3000, 3000],
      [3000, 3000],
    ]);
    expect(pull.progress.fraction).toBe(1);
    expect([...pull.progress.items.values()]).toEqual([
      { id: 'latest', status: 'Pulling from library/app', current: 0, total: undefined, complete: false },
      { id: 'aaa', status: 'Pull complete', current: 100, total: 1000, complete: true },
      { id: 'bbb', status: 'Pull complete', current: 2000, total: 2000, complete: true },
    ]);
    expect(await pull.done).toEqual({ digest: 'sha256:0123', status: 'Status: Downloaded newer image for app:latest' });
    expect(seen[0]!.url).toBe('/v1.45/images/create?fromImage=app&tag=latest');
    expect(seen[0]!.headers['x-registry-auth']).toBe('e30='); // "{}": the engine wants the header even empty
    await docker.close();
  });

  it('keeps a tag or digest the reference names, and sends credentials', async () => {
    const seen: Seen[] = [];
    engine = await fakeEngine(progressServer([], seen));
    const docker = client(engine);
    await docker.pull('registry.local:5000/team/app:1.2', { auth: { username: 'u', password: 'p' }, platform: 'linux/arm64' }).done;
    await docker.pull('app@sha256:abc').done;
    expect(seen.map((s) => s.url)).toEqual([
      '/v1.45/images/create?fromImage=registry.local%3A5000%2Fteam%2Fapp%3A1.2&platform=linux%2Farm64',
      '/v1.45/images/create?fromImage=app%40sha256%3Aabc',
    ]);
    expect(JSON.parse(Buffer.from(seen[0]!.headers['x-registry-auth'] as string, 'base64url').toString())).toEqual({ username: 'u', password: 'p' });
    await docker.close();
  });

  it('rejects done and throws from the loop with the error the engine streams', async () => {
    const failing = [pullMessages[1]!, { errorDetail: { code: 7, message: 'manifest unknown' }, error: 'manifest unknown' }, pullMessages[2]!];
    engine = await fakeEngine(progressServer(failing));
    const docker = client(engine);
    const pull = docker.pull('app');
    const received: ProgressMessage[] = [];
    const thrown = await (async () => {
      for await (const message of pull) received.push(message);
    })().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(DockerStreamError);
    expect(thrown).toMatchObject({ message: 'manifest unknown', code: 7, operation: 'ImageCreate', apiVersion: '1.45' });
    expect(received).toEqual([pullMessages[1]]);
    await expect(pull.done).rejects.toBe(thrown);
    await docker.close();
  });

  it('takes the message of a bare `error` (no errorDetail) as the failure', async () => {
    engine = await fakeEngine(progressServer([{ error: 'plain failure' }]));
    const docker = client(engine);
    await expect(docker.pull('app').done).rejects.toMatchObject({ name: 'DockerStreamError', message: 'plain failure' });
    await docker.close();
  });

  it('reads the stream itself when only done is awaited', async () => {
    engine = await fakeEngine(progressServer(pullMessages));
    const docker = client(engine);
    const pull = docker.pull('app');
    expect(await pull.done).toEqual({ digest: 'sha256:0123', status: 'Status: Downloaded newer image for app:latest' });
    expect(pull.progress.current).toBe(3000);
    expect(() => pull[Symbol.asyncIterator]()).toThrow(/read only once/);
    await docker.close();
  });

  it('lets the caller iterate after asking for done in the same tick', async () => {
    engine = await fakeEngine(progressServer(pullMessages));
    const docker = client(engine);
    const pull = docker.pull('app');
    const done = pull.done;
    let count = 0;
    for await (const message of pull) count += message ? 1 : 0;
    expect(count).toBe(pullMessages.length);
    await expect(done).resolves.toMatchObject({ digest: 'sha256:0123' });
    await docker.close();
  });

  it('rejects done with an AbortError when the loop stops early', async () => {
    engine = await fakeEngine(progressServer(pullMessages));
    const docker = client(engine);
    const pull = docker.pull('app');
    for await (const message of pull) if (message.status === 'Pulling fs layer') break;
    await expect(pull.done).rejects.toMatchObject({ name: 'AbortError' });
    await docker.close();
  });

  it('ends the loop quietly on abort and rejects done with the reason', async () => {
    let closed = false;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify(pullMessages[1])}\n`);
      res.on('close', () => (closed = true));
    });
    const docker = client(engine);
    const controller = new AbortController();
    const pull = docker.pull('app', { signal: controller.signal });
    let count = 0;
    for await (const message of pull) {
      count += message ? 1 : 0;
      controller.abort(new Error('user gave up'));
    }
    expect(count).toBe(1);
    await expect(pull.done).rejects.toThrow('user gave up');
    await sleep(50);
    expect(closed).toBe(true);
    await docker.close();
  });

  it('hands out nothing more after an abort, not even an error message that came in the same chunk', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify(pullMessages[0])}\n${JSON.stringify({ errorDetail: { message: 'registry refused' }, error: 'registry refused' })}\n`);
    });
    const docker = client(engine);
    const controller = new AbortController();
    const pull = docker.pull('app', { signal: controller.signal });
    const seen: ProgressMessage[] = [];
    for await (const message of pull) {
      seen.push(message);
      controller.abort(new Error('user gave up'));
    }
    expect(seen).toEqual([pullMessages[0]]);
    await expect(pull.done).rejects.toThrow('user gave up');
    await docker.close();
  });

  it('hands out nothing more after an abort, not even an error message that arrived in a later chunk before it', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify(pullMessages[0])}\n`);
      setTimeout(() => res.end(`${JSON.stringify({ errorDetail: { message: 'registry refused' }, error: 'registry refused' })}\n`), 20);
    });
    const docker = client(engine);
    const controller = new AbortController();
    const pull = docker.pull('app', { signal: controller.signal });
    const seen: ProgressMessage[] = [];
    for await (const message of pull) {
      seen.push(message);
      // Long enough for the error's chunk to arrive and wait in the read-ahead.
      await sleep(150);
      controller.abort(new Error('user gave up'));
    }
    expect(seen).toEqual([pullMessages[0]]);
    await expect(pull.done).rejects.toThrow('user gave up');
    await docker.close();
  });

  it('fails on an invalid message like any stream error', async () => {
    engine = await fakeEngine(progressServer([pullMessages[0]!, '{"status": "Down\n']));
    const docker = client(engine);
    await expect(docker.pull('app').done).rejects.toThrow(/streamed invalid JSON/);
    await docker.close();
  });
});

describe('docker.push and plugin installs against a fake engine', () => {
  it('pushes with the digest from the aux record', async () => {
    const seen: Seen[] = [];
    const messages = [
      { status: 'The push refers to repository [registry.local/app]' },
      { status: 'Preparing', id: 'l1' },
      { status: 'Pushing', id: 'l1', progressDetail: { current: 512, total: 1024 } },
      { status: 'Pushed', id: 'l1' },
      { status: 'v1: digest: sha256:feed size: 528' },
      { progressDetail: {}, aux: { Tag: 'v1', Digest: 'sha256:feed', Size: 528 } },
    ];
    engine = await fakeEngine(progressServer(messages, seen), { apiVersion: '1.46' });
    const docker = client(engine);
    const push = docker.push('registry.local/app', { tag: 'v1', platform: { os: 'linux', architecture: 'amd64' } });
    expect(await push.done).toEqual({ tag: 'v1', digest: 'sha256:feed', size: 528 });
    expect(push.progress.items.get('l1')).toMatchObject({ complete: true, current: 512, total: 1024 });
    expect(seen[0]!.url).toBe(`/v1.46/images/registry.local%2Fapp/push?tag=v1&platform=${encodeURIComponent('{"os":"linux","architecture":"amd64"}')}`);
    await docker.close();
  });

  it('refuses a push platform before API 1.46 without sending anything', async () => {
    engine = await fakeEngine(progressServer([]), { apiVersion: '1.45' });
    const docker = client(engine);
    await expect(docker.push('app', { platform: { os: 'linux', architecture: 'amd64' } }).done).rejects.toBeInstanceOf(DockerVersionError);
    expect(engine.requests).toEqual(['GET /_ping']);
    await docker.close();
  });

  it('sends the granted privileges with a plugin pull and upgrade', async () => {
    const seen: Seen[] = [];
    engine = await fakeEngine(
      progressServer([{ status: 'Downloading', id: 'p', progressDetail: { current: 1, total: 2 } }, { status: 'Installed plugin vieux/sshfs' }], seen),
    );
    const docker = client(engine);
    const privileges = [{ Name: 'network', Description: '', Value: ['host'] }];
    expect(await docker.pluginPull('vieux/sshfs', { name: 'sshfs', privileges }).done).toEqual({ status: 'Installed plugin vieux/sshfs' });
    await docker.pluginUpgrade('sshfs', 'vieux/sshfs:next').done;
    await docker.pluginPush('sshfs').done;
    expect(seen.map((s) => [s.url, s.body, s.headers['content-type']])).toEqual([
      ['/v1.45/plugins/pull?remote=vieux%2Fsshfs&name=sshfs', JSON.stringify(privileges), 'application/json'],
      ['/v1.45/plugins/sshfs/upgrade?remote=vieux%2Fsshfs%3Anext', '[]', 'application/json'],
      ['/v1.45/plugins/sshfs/push', '', undefined],
    ]);
    await docker.close();
  });
});
