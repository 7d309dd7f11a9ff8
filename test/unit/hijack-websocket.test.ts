// docker.attachWebSocket() against a local unix-socket server that plays the engine's WebSocket
// side (test/unit/support/hijack-server.ts): the handshake request, frames split at every byte,
// fragmented and interleaved control frames, and protocol violations no real engine sends. The
// same helper against the real engines is in test/engine/hijack-websocket.test.ts.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerConnectionError, DockerResponseError, DockerVersionError, NotFoundError, type Docker } from '../../src/index.js';
import { answerError, hijackServer, readText as readAll, tick, type HijackServer, type UpgradeHandler, type UpgradeRequest } from './support/hijack-server.js';
import { clientFrames, closeFrame, serverFrame, type ClientFrame } from './support/websocket-frames.js';

let server: HijackServer | undefined;
let docker: Docker | undefined;

afterEach(async () => {
  await docker?.close();
  await server?.close();
  docker = server = undefined;
});

async function engine(onUpgrade: UpgradeHandler, apiVersion = '1.45'): Promise<Docker> {
  server = await hijackServer(onUpgrade, {
    apiVersion,
    plain: (req, res) => {
      // The helper reads the container's TTY setting to report it in `attached`.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Config: { Tty: false } }));
    },
  });
  docker = createDocker({ socketPath: server.socketPath });
  return docker;
}

function accept(request: UpgradeRequest, socket: Socket, acceptKey?: string): void {
  const key = acceptKey ?? createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${key}\r\n\r\n`);
}

async function writeByteByByte(socket: Socket, bytes: Buffer): Promise<void> {
  for (const byte of bytes) {
    socket.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the WebSocket handshake', () => {
  it('is a GET with Upgrade: websocket, a fresh key, version 13, and the streams in the query', async () => {
    const client = await engine((request, socket) => {
      accept(request, socket);
      socket.write(closeFrame());
    });
    const session = client.attachWebSocket('web', { stdin: true, stderr: false, logs: true, detachKeys: 'ctrl-x' });
    expect(await session.attached).toEqual({ tty: false });
    await session.done;
    const [request] = server!.upgrades;
    expect(request!.method).toBe('GET');
    expect(request!.headers.upgrade).toBe('websocket');
    expect(request!.headers.connection?.toLowerCase()).toBe('upgrade');
    expect(request!.headers['sec-websocket-version']).toBe('13');
    expect(Buffer.from(request!.headers['sec-websocket-key'] as string, 'base64')).toHaveLength(16);
    const url = new URL(request!.url, 'http://engine');
    expect(url.pathname).toBe('/v1.45/containers/web/attach/ws');
    expect(Object.fromEntries(url.searchParams)).toEqual({ stream: '1', logs: '1', stdin: '1', stdout: '1', stderr: '0', detachKeys: 'ctrl-x' });
  });

  it('leaves the stream choice out before API 1.42, where the engine ignores it, and refuses to drop a stream there', async () => {
    const client = await engine((request, socket) => {
      accept(request, socket);
      socket.write(closeFrame());
    }, '1.41');
    await client.attachWebSocket('web').done;
    expect(Object.fromEntries(new URL(server!.upgrades[0]!.url, 'http://engine').searchParams)).toEqual({ stream: '1' });
    await client.attachWebSocket('web', { stdin: true, stdout: true }).done;
    expect(Object.fromEntries(new URL(server!.upgrades[1]!.url, 'http://engine').searchParams)).toEqual({ stream: '1' });
    const refused = client.attachWebSocket('web', { stderr: false });
    await expect(refused.attached).rejects.toBeInstanceOf(DockerVersionError);
    await expect(refused.done).rejects.toThrow(/parameter "stderr" needs API 1\.42 or newer; this connection speaks 1\.41/);
    expect(server!.upgrades).toHaveLength(2);
  });

  it('fails when the engine answers without the matching Sec-WebSocket-Accept', async () => {
    const client = await engine((request, socket) => accept(request, socket, 'bm90IHRoZSByaWdodCBvbmU='));
    const session = client.attachWebSocket('web');
    await expect(session.attached).rejects.toThrow(DockerResponseError);
    await expect(session.attached).rejects.toThrow(/Sec-WebSocket-Accept/);
  });

  it('turns an error answer into the typed error', async () => {
    const client = await engine((_request, socket) => answerError(socket, 404, 'Not Found', 'No such container: web'));
    const session = client.attachWebSocket('web');
    await expect(session.attached).rejects.toBeInstanceOf(NotFoundError);
    await expect(session.done).rejects.toThrow('No such container: web');
  });
});

describe('the messages', () => {
  it('hands over the payload of text, binary and fragmented messages, split at every byte, with pings answered', async () => {
    const wire = Buffer.concat([
      serverFrame(0x1, 'text frame, as API 1.41 sends; '),
      serverFrame(0x2, Buffer.from('binary frame, as 1.42 and later send; ')),
      serverFrame(0x2, 'frag', { fin: false }),
      serverFrame(0x9, 'are you there'),
      serverFrame(0x0, 'mented ', { fin: false }),
      serverFrame(0x0, 'message; '),
      serverFrame(0x2, Buffer.alloc(300, 'm')),
      serverFrame(0x2, Buffer.from('é ünïcödé split across frames: \u{1f433}').subarray(0, 9)),
      serverFrame(0x2, Buffer.from('é ünïcödé split across frames: \u{1f433}').subarray(9)),
      closeFrame(),
    ]);
    let frames: ClientFrame[] = [];
    const client = await engine((request, socket) => {
      accept(request, socket);
      frames = clientFrames(socket);
      void writeByteByByte(socket, wire);
    });
    const session = client.attachWebSocket('web');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    await session.done;
    expect(stdout).toBe(
      `text frame, as API 1.41 sends; binary frame, as 1.42 and later send; fragmented message; ${'m'.repeat(300)}é ünïcödé split across frames: \u{1f433}`,
    );
    expect(stderr).toBe('');
    await tick(20);
    expect(frames.map(({ opcode, masked, payload }) => [opcode, masked, payload.toString('latin1')])).toEqual([
      [0xa, true, 'are you there'],
      [0x8, true, '\x03\xe8'],
    ]);
  });

  it('sends each stdin write as one masked binary message; ending stdin sends a close frame and the output keeps coming', async () => {
    let frames: ClientFrame[] = [];
    let socket: Socket | undefined;
    const client = await engine((request, engineSocket) => {
      accept(request, engineSocket);
      socket = engineSocket;
      frames = clientFrames(engineSocket);
    });
    const session = client.attachWebSocket('web', { stdin: true });
    await session.attached;
    const big = Buffer.alloc(70_000, 'x');
    session.stdin.write('hello\n');
    session.stdin.write(big);
    session.stdin.end();
    await tick(100);
    expect(frames.map((frame) => [frame.opcode, frame.fin, frame.masked, frame.payload.length])).toEqual([
      [0x2, true, true, 6],
      [0x2, true, true, 70_000],
      [0x8, true, true, 2],
    ]);
    expect(frames[0]!.payload.toString()).toBe('hello\n');
    expect(frames[1]!.payload.equals(big)).toBe(true);
    expect(frames[2]!.payload.readUInt16BE()).toBe(1000);
    socket!.write(serverFrame(0x2, 'output after the client closed its side'));
    socket!.end(closeFrame());
    expect(await readAll(session.stdout)).toBe('output after the client closed its side');
    await session.done;
  });

  it('holds the engine back while nobody reads, and loses nothing', async () => {
    const total = 16 * 1024 * 1024;
    let engineSocket: Socket | undefined;
    let written = 0;
    const client = await engine((request, socket) => {
      accept(request, socket);
      engineSocket = socket;
      const piece = Buffer.alloc(60_000, 'b');
      const pump = () => {
        while (written < total) {
          const frame = serverFrame(0x2, piece.subarray(0, Math.min(piece.length, total - written)));
          written += frame.length - (frame.length > 65_535 ? 10 : 4);
          if (!socket.write(frame)) return void socket.once('drain', pump);
        }
        socket.end(closeFrame());
      };
      pump();
    });
    const session = client.attachWebSocket('web');
    await session.attached;
    await tick(300);
    expect(engineSocket!.writableNeedDrain).toBe(true);
    expect(written).toBeLessThan(total / 2);
    let received = 0;
    for await (const chunk of session.stdout) received += (chunk as Buffer).length;
    expect(received).toBe(total);
    await session.done;
  });
});

describe('a broken connection or protocol', () => {
  it.each([
    ['a masked server frame', serverFrame(0x2, 'x', { masked: true }), /masked a frame/, ''],
    ['reserved bits', serverFrame(0x2, 'x', { rsv: 0x40 }), /reserved bits/, ''],
    ['an unknown opcode', serverFrame(0x3, 'x'), /unknown opcode 3/, ''],
    ['a control frame over 125 bytes', serverFrame(0x9, Buffer.alloc(126)), /control frame/, ''],
    ['a fragmented control frame', serverFrame(0x9, 'x', { fin: false }), /control frame/, ''],
    ['a continuation outside a message', serverFrame(0x0, 'x'), /continuation frame arrived outside a message/, ''],
    ['a new message inside a fragmented one', Buffer.concat([serverFrame(0x2, 'x', { fin: false }), serverFrame(0x2, 'y')]), /new message began/, 'x'],
  ])('rejects %s with DockerResponseError, after delivering the output before it', async (_name, bad, message, partOfBad) => {
    const client = await engine((request, socket) => {
      accept(request, socket);
      socket.write(Buffer.concat([serverFrame(0x2, 'good output'), bad]));
    });
    const session = client.attachWebSocket('web');
    expect(await readAll(session.stdout)).toBe(`good output${partOfBad}`);
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toMatch(message);
    expect((error as DockerResponseError).operation).toBe('ContainerAttachWebsocket');
  });

  it('fails with DockerConnectionError when the connection ends between frames without a close frame', async () => {
    const client = await engine((request, socket) => {
      accept(request, socket);
      socket.end(Buffer.concat([serverFrame(0x2, 'before; '), serverFrame(0x2, 'complete')]));
    });
    const session = client.attachWebSocket('web');
    const output = readAll(session.stdout);
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect((error as Error).message).toMatch(/without a WebSocket close frame/);
    expect(await output).toBe('before; complete');
  });

  it('fails with DockerResponseError when the connection ends inside a frame, as a cut multiplexed stream does', async () => {
    const client = await engine((request, socket) => {
      accept(request, socket);
      socket.end(Buffer.concat([serverFrame(0x2, 'before; '), serverFrame(0x2, 'complete').subarray(0, 5)]));
    });
    const session = client.attachWebSocket('web');
    const output = readAll(session.stdout);
    const error = await session.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toMatch(/ended inside a frame/);
    expect(await output).toBe('before; com');
  });
});
