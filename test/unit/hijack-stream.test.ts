// The hijacked attach/exec stream against a local unix-socket server that plays the engine
// (test/unit/support/hijack-server.ts): the exact request, error answers, and hostile streams no
// real daemon sends. The same behaviour against real engines is in test/engine/hijack-*.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  createDocker,
  DockerConnectionError,
  DockerResponseError,
  DockerUsageError,
  NotFoundError,
  ServerError,
  type Docker,
} from '../../src/index.js';
import { DockerStreamError } from '../../src/errors.js';
import {
  answerError,
  frame,
  hijackServer,
  readText as readAll,
  switchProtocols,
  tick,
  type HijackServer,
  type UpgradeHandler,
} from './support/hijack-server.js';

let server: HijackServer | undefined;
let docker: Docker | undefined;

afterEach(async () => {
  await docker?.close();
  await server?.close();
  docker = server = undefined;
});

async function engine(onUpgrade: UpgradeHandler, options: Parameters<typeof hijackServer>[1] = {}): Promise<Docker> {
  server = await hijackServer(onUpgrade, options);
  docker = createDocker({ socketPath: server.socketPath });
  return docker;
}

describe('the upgrade request', () => {
  it('asks for `Upgrade: tcp` with the attach options in the query, at the negotiated version', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.end();
    });
    const session = client.attach('web', { stdin: true, stderr: false, logs: true, detachKeys: 'ctrl-x' });
    expect(await session.attached).toEqual({ tty: false });
    await session.done;
    const [request] = server!.upgrades;
    expect(request!.method).toBe('POST');
    expect(request!.headers.upgrade).toBe('tcp');
    expect(request!.headers.connection?.toLowerCase()).toBe('upgrade');
    const url = new URL(request!.url, 'http://engine');
    expect(url.pathname).toBe('/v1.45/containers/web/attach');
    expect(Object.fromEntries(url.searchParams)).toEqual({ stream: '1', logs: '1', stdin: '1', stdout: '1', stderr: '0', detachKeys: 'ctrl-x' });
  });

  it('starts an exec with a JSON body and Content-Type application/json', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket, 'application/vnd.docker.raw-stream');
      socket.end();
    });
    const session = client.execStart('abc123', { tty: true });
    expect(await session.attached).toEqual({ tty: true });
    const [request] = server!.upgrades;
    expect(request!.url).toBe('/v1.45/exec/abc123/start');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({ Detach: false, Tty: true });
  });

  it.each([
    [404, 'Not Found', NotFoundError, 'No such container: web'],
    [409, 'Conflict', ConflictError, 'container web is not running'],
    [500, 'Internal Server Error', ServerError, 'something broke'],
  ])('turns a %i answer into the typed error with the engine message', async (status, reason, ErrorClass, message) => {
    const client = await engine((_request, socket) => answerError(socket, status, reason, message));
    const session = client.attach('web');
    const error = await session.attached.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, message, operation: 'ContainerAttach', apiVersion: '1.45', method: 'POST' });
    await expect(session.done).rejects.toBe(error);
    expect(await readAll(session.stdout)).toBe('');
    expect(session.stdin.destroyed).toBe(true);
  });

  it('reads a chunked error answer too', async () => {
    const client = await engine((_request, socket) => {
      const pieces = ['{"mes', 'sage":"No such e', 'xec instance"}'];
      const chunks = pieces.map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`).join('');
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`);
    });
    await expect(client.execStart('gone', { tty: false }).attached).rejects.toMatchObject({ status: 404, message: 'No such exec instance' });
  });

  it('refuses a 200 that did not upgrade (a proxy dropped the Upgrade header)', async () => {
    const client = await engine((_request, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw bytes'));
    const error = await client.attach('web').attached.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toMatch(/200 without upgrading/);
  });

  it('reports an unreachable engine as a connection error naming the endpoint', async () => {
    docker = createDocker({ socketPath: '/nonexistent/docker.sock' });
    const error = await docker.attach('web').attached.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect((error as DockerConnectionError).endpoint).toBe('unix:///nonexistent/docker.sock');
  });
});

describe('raw or multiplexed', () => {
  it('trusts the Content-Type from 1.42 on, without inspecting the container', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket, 'application/vnd.docker.raw-stream');
      socket.end('\x01\x00\x00\x00 raw tty bytes');
    });
    const session = client.attach('web');
    expect(await session.attached).toEqual({ tty: true });
    expect(await readAll(session.stdout)).toBe('\x01\x00\x00\x00 raw tty bytes');
    expect(await readAll(session.stderr)).toBe('');
    expect(server!.requests.filter((r) => r.includes('/json'))).toEqual([]);
  });

  it.each([
    [false, 'multiplexed'],
    [true, 'raw'],
  ])('at 1.41 the container TTY setting (%s) decides, since the engine always says raw-stream', async (tty, _kind) => {
    const client = await engine(
      (_request, socket) => {
        switchProtocols(socket, 'application/vnd.docker.raw-stream');
        socket.end(tty ? 'plain text' : Buffer.concat([frame(1, 'out'), frame(2, 'err')]));
      },
      {
        apiVersion: '1.41',
        plain: (req, res) => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ Id: 'web', Config: { Tty: tty } }));
        },
      },
    );
    const session = client.attach('web');
    expect(await session.attached).toEqual({ tty });
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    expect({ stdout, stderr }).toEqual(tty ? { stdout: 'plain text', stderr: '' } : { stdout: 'out', stderr: 'err' });
    expect(server!.requests).toContain('GET /v1.41/containers/web/json');
  });
});

describe('hostile streams', () => {
  const sample = Buffer.concat([frame(1, 'hello '), frame(2, 'warn\n'), frame(0, 'x'), frame(1, ''), frame(1, 'wörld €\n'), frame(2, 'more')]);

  it('demultiplexes frames split at every byte boundary', async () => {
    const client = await engine(async (_request, socket) => {
      switchProtocols(socket);
      for (let i = 0; i < sample.length; i++) {
        socket.write(sample.subarray(i, i + 1));
        await tick(1);
      }
      socket.end();
    });
    const session = client.attach('web');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect(stdout).toBe('hello xwörld €\n');
    expect(stderr).toBe('warn\nmore');
  });

  it('demultiplexes every two-way split of the stream', async () => {
    for (let cut = 1; cut < sample.length; cut++) {
      const onUpgrade: UpgradeHandler = async (_request, socket) => {
        switchProtocols(socket);
        socket.write(sample.subarray(0, cut));
        await tick(2);
        socket.end(sample.subarray(cut));
      };
      const client = await engine(onUpgrade);
      const session = client.attach('web');
      const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
      expect({ cut, stdout, stderr }).toEqual({ cut, stdout: 'hello xwörld €\n', stderr: 'warn\nmore' });
      await docker!.close();
      await server!.close();
    }
    docker = server = undefined;
  });

  it('fails `done` on a truncated frame, after delivering what arrived', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.end(Buffer.concat([frame(1, 'complete'), frame(1, 'cut short').subarray(0, 12)]));
    });
    const session = client.attach('web');
    const stdout = readAll(session.stdout);
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toMatch(/ended inside a frame/);
    expect(await stdout).toBe('complete');
  });

  it('turns an error frame (stream 3) into a DockerStreamError with the engine message', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.write(frame(1, 'before'));
      socket.write(frame(3, 'could not read the log file\n'));
    });
    const session = client.attach('web');
    const stdout = readAll(session.stdout);
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerStreamError);
    expect((error as Error).message).toBe('could not read the log file');
    expect(await stdout).toBe('before');
  });

  it('rejects a stream that is not multiplexed although announced so', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.write(frame(1, 'ok'));
      socket.write('this is not a frame header at all');
    });
    const session = client.attach('web');
    const stdout = readAll(session.stdout);
    await expect(session.done).rejects.toBeInstanceOf(DockerResponseError);
    expect(await stdout).toBe('ok');
  });

  it('keeps memory bounded on a huge frame while the reader waits, then delivers every byte', { timeout: 30_000 }, async () => {
    const size = 48 * 1024 * 1024;
    const client = await engine(async (_request, socket) => {
      switchProtocols(socket);
      const header = frame(1, '');
      header.writeUInt32BE(size, 4);
      socket.write(header);
      const piece = Buffer.alloc(1024 * 1024, 0x61);
      for (let sent = 0; sent < size; sent += piece.length) {
        if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
      }
      socket.end();
    });
    const session = client.attach('web');
    await session.attached;
    await tick(300);
    // The reader has not read yet: the socket is paused, so only about a chunk beyond the mark is held.
    expect(session.stdout.readableLength).toBeLessThan(1024 * 1024);
    let received = 0;
    for await (const chunk of session.stdout) received += (chunk as Buffer).length;
    expect(received).toBe(size);
    await session.done;
  });
});

describe('stdin, abort and close', () => {
  it('sends stdin written before the upgrade, half-closes on end(), and still receives the output that follows', async () => {
    let sawEof = false;
    const client = await engine(async (_request, socket) => {
      await tick(50);
      switchProtocols(socket);
      const input: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => input.push(chunk));
      socket.on('end', () => {
        sawEof = true;
        socket.write(frame(1, `got ${Buffer.concat(input).toString()}`));
        socket.end(frame(2, ' and EOF'));
      });
      socket.resume();
    });
    const session = client.attach('web', { stdin: true });
    session.stdin.write('early ');
    await session.attached;
    session.stdin.end('late');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect(sawEof).toBe(true);
    expect(stdout).toBe('got early late');
    expect(stderr).toBe(' and EOF');
  });

  it('drops stdin quietly once the session has ended', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.end(frame(1, 'bye'));
    });
    const session = client.attach('web', { stdin: true });
    await session.done;
    const written = await new Promise<unknown>((resolve) => session.stdin.write('too late', resolve));
    expect(written).toBeInstanceOf(Error);
  });

  it('aborting before the engine answers rejects `attached` and `done` with the reason', async () => {
    const client = await engine(() => undefined);
    const controller = new AbortController();
    const session = client.attach('web', { signal: controller.signal });
    await tick(50);
    const reason = new Error('user gave up');
    controller.abort(reason);
    await expect(session.attached).rejects.toBe(reason);
    await expect(session.done).rejects.toBe(reason);
    expect(await readAll(session.stdout)).toBe('');
  });

  it('an already aborted signal sends nothing', async () => {
    const client = await engine(() => undefined);
    const session = client.attach('web', { signal: AbortSignal.abort() });
    await expect(session.attached).rejects.toMatchObject({ name: 'AbortError' });
    expect(server!.upgrades).toEqual([]);
  });

  it('aborting mid-stream destroys the socket and ends the streams cleanly', async () => {
    let markClosed = () => {};
    const engineClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const client = await engine(async (_request, socket) => {
      socket.on('close', markClosed);
      switchProtocols(socket);
      while (!socket.destroyed) {
        socket.write(frame(1, 'tick\n'));
        await tick(10);
      }
    });
    const controller = new AbortController();
    const session = client.attach('web', { signal: controller.signal });
    const stdout = readAll(session.stdout);
    await session.attached;
    await tick(60);
    controller.abort();
    await expect(session.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(await stdout).toMatch(/^(tick\n)+$/);
    await engineClosed;
  });

  it('close() ends the streams and resolves `done`', async () => {
    const client = await engine((_request, socket) => {
      switchProtocols(socket);
      socket.write(frame(1, 'partial'));
    });
    const session = client.attach('web');
    const stdout = readAll(session.stdout);
    await session.attached;
    await tick(30);
    session.close();
    await expect(session.done).resolves.toBeUndefined();
    expect(await stdout).toBe('partial');
  });
});

describe('resize', () => {
  it('sends the size to the container or exec resize route', async () => {
    const client = await engine((_request, socket) => switchProtocols(socket, 'application/vnd.docker.raw-stream'), {
      plain: (_req, res) => {
        res.writeHead(200);
        res.end();
      },
    });
    const attach = client.attach('web');
    await attach.resize({ h: 40, w: 100 });
    const exec = client.execStart('e1', { tty: true });
    await exec.resize({ h: 25, w: 80 });
    expect(server!.requests).toContain('POST /v1.45/containers/web/resize?h=40&w=100');
    expect(server!.requests).toContain('POST /v1.45/exec/e1/resize?h=25&w=80');
    attach.close();
    exec.close();
  });

  it.each([{ h: 0, w: 80 }, { h: 24, w: 1.5 }, { h: -1, w: 80 }, { h: 24 } as { h: number; w: number }])('rejects %o before sending anything', async (size) => {
    const client = await engine((_request, socket) => switchProtocols(socket));
    const session = client.attach('web');
    await expect(session.resize(size)).rejects.toBeInstanceOf(DockerUsageError);
    expect(server!.requests.filter((r) => r.includes('resize'))).toEqual([]);
    session.close();
  });

  it('rejects an empty container or exec ID at once', async () => {
    docker = createDocker({ socketPath: '/nonexistent/docker.sock' });
    expect(() => docker!.attach('')).toThrow(DockerUsageError);
    expect(() => docker!.execStart('')).toThrow(DockerUsageError);
  });
});
