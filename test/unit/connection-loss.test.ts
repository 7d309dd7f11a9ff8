// A connection that breaks after the engine has started answering — the engine crashed — must end
// every kind of call with DockerConnectionError, never node:http's own error and never a quiet
// end. A local unix-socket server plays an engine that dies mid-answer (real daemons killed with
// SIGKILL are in test/engine/faults.test.ts).
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerConnectionError, type Docker } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';
import { frame, hijackServer, switchProtocols, type HijackServer } from './support/hijack-server.js';

let engine: FakeEngine | HijackServer | undefined;
let docker: Docker | undefined;

afterEach(async () => {
  await docker?.close();
  await engine?.close();
  docker = engine = undefined;
});

/** An engine that begins every answer with `start` and then, if `dies`, drops the connection. */
async function engineStarting(start: (res: ServerResponse) => void, { dies = true } = {}): Promise<Docker> {
  engine = await fakeEngine((_req, res) => {
    start(res);
    if (dies) setTimeout(() => res.socket?.destroy(), 20);
  });
  docker = createDocker({ socketPath: engine.socketPath });
  return docker;
}

const tarStart = (res: ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  res.write(Buffer.alloc(10240));
};

function expectBrokenConnection(error: unknown, operation: string): void {
  expect(error).toBeInstanceOf(DockerConnectionError);
  expect(error).toMatchObject({ code: 'ERR_CONNECTION_CLOSED', operation, endpoint: `unix://${engine!.socketPath}` });
  expect((error as Error).message).toContain('the connection closed unexpectedly');
}

describe('an engine that dies mid-answer', () => {
  it('fails a JSON call whose body was cut short', async () => {
    const client = await engineStarting((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '400' });
      res.write('[{"Id":"abc","Names":["/a"]');
    });
    expectBrokenConnection(await client.containers.list().catch((error: unknown) => error), 'ContainerList');
  });

  it('fails a followed logs stream after the frames that did arrive', async () => {
    const client = await engineStarting((res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      res.write(frame(1, 'first line\n'));
    });
    const logs = client.logs('web', { follow: true, stdout: true });
    const first = await logs.next();
    expect(first.value).toMatchObject({ stream: 'stdout' });
    expect(Buffer.from(first.value!.data).toString()).toBe('first line\n');
    expectBrokenConnection(await logs.next().catch((error: unknown) => error), 'ContainerLogs');
  });

  it('fails a progress stream and its `done`', async () => {
    const client = await engineStarting((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"Pulling from library/busybox","id":"latest"}\n');
    });
    const pull = client.pull('busybox:latest');
    expectBrokenConnection(await pull.done.catch((error: unknown) => error), 'ImageCreate');
  });

  it('makes an archive stream emit the error', async () => {
    const client = await engineStarting(tarStart);
    const archive = await client.saveImages('busybox:latest');
    const error = await (async () => {
      for await (const _chunk of archive);
    })().catch((caught: unknown) => caught);
    expectBrokenConnection(error, 'ImageGet');
  });

  it('leaves the caller abort as it is', async () => {
    const client = await engineStarting(tarStart, { dies: false });
    const controller = new AbortController();
    const archive = await client.saveImages('busybox:latest', { signal: controller.signal });
    const reason = new Error('caller gave up');
    const reading = (async () => {
      for await (const _chunk of archive) controller.abort(reason);
    })();
    await expect(reading).rejects.toBe(reason);
  });
});

describe('a hijacked session whose engine dies', () => {
  /** An engine that switches protocols and sends one frame, then ends the stream if `ends`. */
  async function attachedSession(text: string, { ends }: { ends: boolean }) {
    const server = (engine = await hijackServer((_request, socket) => {
      switchProtocols(socket);
      if (ends) socket.end(frame(1, text));
      else socket.write(frame(1, text));
    }));
    docker = createDocker({ socketPath: server.socketPath });
    return { server, session: docker.attach('web') };
  }

  it('rejects `done` when the connection ends and the engine no longer answers, after delivering the output', async () => {
    const { server, session } = await attachedSession('partial output\n', { ends: false });
    await session.attached;
    const output = new Promise<string>((resolve) => session.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(await output).toBe('partial output\n');
    await server.close(); // the engine process is gone: its sockets close, nothing listens any more
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect(error).toMatchObject({ code: 'ENOENT', operation: 'ContainerAttach' });
    engine = undefined;
  });

  it('resolves `done` when the connection ends and the engine still answers', async () => {
    const { server, session } = await attachedSession('all of it\n', { ends: true });
    await expect(session.done).resolves.toBeUndefined();
    expect(server.requests.filter((request) => request === 'GET /_ping')).toHaveLength(2); // negotiation, then the check
  });
});

describe('an engine that accepts and never answers', () => {
  // Answers /_ping (so the version is known) and then stays silent on every call.
  async function silentEngine(): Promise<Docker> {
    engine = await fakeEngine(() => undefined);
    docker = createDocker({ socketPath: engine.socketPath });
    await docker.apiVersion();
    return docker;
  }

  const endsAtDeadline = async (use: (signal: AbortSignal) => Promise<unknown>) => {
    const started = Date.now();
    const error = await use(AbortSignal.timeout(300)).then(
      () => new Error('expected the call to end at the deadline'),
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  };

  it('ends a logs stream at the caller deadline', async () => {
    const client = await silentEngine();
    // A stream ends quietly when its signal fires: the loop simply stops.
    const started = Date.now();
    const frames = [];
    for await (const item of client.logs('web', { follow: true, stdout: true, signal: AbortSignal.timeout(300) })) frames.push(item);
    expect(frames).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('ends a pull at the caller deadline', async () => {
    const client = await silentEngine();
    await endsAtDeadline((signal) => client.pull('busybox:latest', { signal }).done);
  });

  it('ends an attach at the caller deadline', async () => {
    const client = await silentEngine();
    await endsAtDeadline((signal) => client.attach('web', { signal }).attached);
  });

  it('ends an archive download at the caller deadline', async () => {
    const client = await silentEngine();
    await endsAtDeadline((signal) => client.saveImages('busybox:latest', { signal }));
  });
});
