// The multiplexed-stream demuxer and the logs helper, fed hostile input no real daemon sends:
// frames split at every byte boundary, truncated and malformed frames, huge frames, error frames,
// UTF-8 characters split across frames. The logs cases go through a fake engine on a unix socket
// (support/fake-engine.ts) so the bytes cross a real socket and HTTP parser; the real engines'
// logs are covered in test/engine/streams-logs.test.ts.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectOutputText,
  createDocker,
  decodeOutputText,
  demultiplex,
  DockerResponseError,
  DockerStreamError,
  DockerStreamLimitError,
  NotFoundError,
  type OutputFrame,
} from '../../src/index.js';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

function frame(stream: number, payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function* chunksOf(...chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

async function framesOf(chunks: AsyncIterable<Uint8Array>, maxFrameSize?: number): Promise<Array<[string, string]>> {
  const frames: Array<[string, string]> = [];
  for await (const { stream, data } of demultiplex(chunks, { maxFrameSize })) frames.push([stream, data.toString('latin1')]);
  return frames;
}

const big = Buffer.alloc(3000, 'x');
const sample = Buffer.concat([
  frame(1, 'out one\n'),
  frame(2, 'err ü€😀\n'),
  frame(0, 'stdin counts as stdout'),
  frame(1, ''),
  frame(2, big),
  frame(1, 'last'),
]);
const expected: Array<[string, string]> = [
  ['stdout', 'out one\n'],
  ['stderr', Buffer.from('err ü€😀\n').toString('latin1')],
  ['stdout', 'stdin counts as stdout'],
  ['stderr', big.toString('latin1')],
  ['stdout', 'last'],
];

describe('demultiplex', () => {
  it('gives the same frames wherever the chunks are split (every byte boundary, two and three pieces)', async () => {
    for (let cut = 0; cut <= sample.length; cut++) {
      expect(await framesOf(chunksOf(sample.subarray(0, cut), sample.subarray(cut)))).toEqual(expected);
    }
    for (let first = 0; first < 200; first += 3) {
      for (let second = first; second < 200; second += 7) {
        const pieces = [sample.subarray(0, first), sample.subarray(first, second), sample.subarray(second)];
        expect(await framesOf(chunksOf(...pieces))).toEqual(expected);
      }
    }
  });

  it('gives the same frames from one-byte chunks', async () => {
    const small = Buffer.concat([frame(1, 'a€'), frame(2, 'bc'), frame(1, 'd')]);
    const bytes = [...small].map((byte) => Buffer.from([byte]));
    expect(await framesOf(chunksOf(...bytes))).toEqual([
      ['stdout', Buffer.from('a€').toString('latin1')],
      ['stderr', 'bc'],
      ['stdout', 'd'],
    ]);
  });

  it('hands out whole frames inside one chunk as views of it, without copying', async () => {
    const chunk = Buffer.concat([frame(1, 'abc'), frame(2, 'de')]);
    const frames: OutputFrame[] = [];
    for await (const item of demultiplex(chunksOf(chunk))) frames.push(item);
    expect(frames.map((f) => f.data.buffer === chunk.buffer)).toEqual([true, true]);
    expect(frames.map((f) => f.text)).toEqual(['abc', 'de']);
  });

  it('hands out frames whose data are Buffers in every way', async () => {
    const frames: OutputFrame[] = [];
    for await (const item of demultiplex(chunksOf(Buffer.concat([frame(2, 'héllo'), frame(1, 'x')])))) frames.push(item);
    const data = frames[0]!.data;
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(data).toBeInstanceOf(Buffer);
    expect(data.constructor).toBe(Buffer);
    expect(data).toEqual(Buffer.from('héllo'));
    expect(data.equals(Buffer.from('héllo'))).toBe(true);
    expect(data.toString('utf8', 1)).toBe('éllo');
    expect(Buffer.isBuffer(data.subarray(1))).toBe(true);
    expect(Buffer.concat([data, data]).toString()).toBe('héllohéllo');
    expect(data.readUInt8(0)).toBe(0x68);
  });

  it('gives the whole frames before a cut and then fails, wherever the stream is cut', async () => {
    // Where each frame of the sample ends, and how many of the expected (non-empty) frames end there or before.
    const boundaries = new Map<number, number>([[0, 0]]);
    for (let offset = 0, delivered = 0; offset < sample.length; ) {
      const size = sample.readUInt32BE(offset + 4);
      offset += 8 + size;
      if (size > 0) delivered++;
      boundaries.set(offset, delivered);
    }
    for (let length = 0; length < sample.length; length++) {
      const seen: Array<[string, string]> = [];
      const reading = (async () => {
        for await (const { stream, data } of demultiplex(chunksOf(sample.subarray(0, length)))) seen.push([stream, data.toString('latin1')]);
      })();
      const atBoundary = boundaries.has(length);
      if (atBoundary) await reading;
      else await expect(reading).rejects.toBeInstanceOf(DockerResponseError);
      const whole = Math.max(...[...boundaries].filter(([end]) => end <= length).map(([, delivered]) => delivered));
      expect(seen).toEqual(expected.slice(0, whole));
    }
  });

  it('stops at an error frame or a malformed header wherever the chunks are split, after the frames before it', async () => {
    const before = Buffer.concat([frame(1, 'one'), frame(2, 'two')]);
    const endings = [
      { bytes: frame(3, 'daemon says no'), error: DockerStreamError, message: 'daemon says no' },
      { bytes: Buffer.from([1, 0, 7, 0, 0, 0, 0, 1, 65]), error: DockerResponseError, message: /not multiplexed/ },
      { bytes: Buffer.from([4, 0, 0, 0, 0, 0, 0, 1, 65]), error: DockerResponseError, message: /not multiplexed/ },
    ];
    for (const { bytes, error, message } of endings) {
      const stream = Buffer.concat([before, bytes, frame(1, 'never')]);
      for (let cut = 0; cut <= stream.length; cut++) {
        const seen: string[] = [];
        const reading = (async () => {
          for await (const item of demultiplex(chunksOf(stream.subarray(0, cut), stream.subarray(cut)))) seen.push(item.text);
        })();
        const failure = await reading.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(failure).toBeInstanceOf(error);
        expect((failure as Error).message).toMatch(message);
        expect(seen).toEqual(['one', 'two']);
      }
    }
  });

  it('reports a stream cut inside a header or inside a payload', async () => {
    const cutInPayload = frame(1, 'hello').subarray(0, 10);
    await expect(framesOf(chunksOf(frame(1, 'ok'), cutInPayload))).rejects.toThrow(/ended inside a frame \(2 of 5 bytes arrived\)/);
    await expect(framesOf(chunksOf(frame(1, 'ok'), Buffer.from([1, 0, 0])))).rejects.toThrow(/ended inside a frame header \(3 of 8 bytes\)/);
    await expect(framesOf(chunksOf(cutInPayload))).rejects.toBeInstanceOf(DockerResponseError);
  });

  it('delivers the frames before an error frame, then fails with the engine message', async () => {
    const frames: string[] = [];
    const reading = (async () => {
      for await (const item of demultiplex(chunksOf(Buffer.concat([frame(1, 'before'), frame(3, 'daemon says no\n'), frame(1, 'never')])))) {
        frames.push(item.text);
      }
    })();
    const error = await reading.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerStreamError);
    expect((error as Error).message).toBe('daemon says no');
    expect(frames).toEqual(['before']);
  });

  it('rejects input that is not multiplexed instead of guessing', async () => {
    await expect(framesOf(chunksOf(Buffer.from('plain text from a TTY\n')))).rejects.toThrow(/not multiplexed: 706c61696e207465 is not a frame header/);
    await expect(framesOf(chunksOf(Buffer.from([1, 0, 1, 0, 0, 0, 0, 1, 65])))).rejects.toBeInstanceOf(DockerResponseError);
  });

  it('delivers a frame above maxFrameSize in pieces, never holding it whole', async () => {
    const huge = Buffer.alloc(300_000, 'y');
    const encoded = frame(2, huge);
    const pieces = Array.from({ length: Math.ceil(encoded.length / 65_536) }, (_, i) => encoded.subarray(i * 65_536, (i + 1) * 65_536));
    const frames: OutputFrame[] = [];
    for await (const item of demultiplex(chunksOf(...pieces, frame(1, 'after')), { maxFrameSize: 1024 })) frames.push(item);
    expect(frames.every((f) => f.data.length <= 65_536)).toBe(true);
    expect(Buffer.concat(frames.filter((f) => f.stream === 'stderr').map((f) => f.data)).equals(huge)).toBe(true);
    expect(frames.at(-1)?.text).toBe('after');
  });

  it('does not allocate what a header claims: a 4 GiB frame that never comes', async () => {
    const header = Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const before = process.memoryUsage().arrayBuffers;
    await expect(framesOf(chunksOf(header, Buffer.from('tiny')))).rejects.toThrow(/ended inside a frame \(4 of 4294967295 bytes arrived\)/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an error frame above the frame limit', async () => {
    await expect(framesOf(chunksOf(frame(3, Buffer.alloc(5000, 'e'))), 1000)).rejects.toBeInstanceOf(DockerStreamLimitError);
  });

  it('offers the frames a chunk at a time through batches()', async () => {
    const batches: number[] = [];
    const chunk = Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(1 + (i % 2), `line ${i}\n`)));
    for await (const batch of demultiplex(chunksOf(chunk, chunk)).batches()) batches.push(batch.length);
    expect(batches).toEqual([50, 50]);
  });

  it('keeps a UTF-8 character split across frames whole when decoding text', async () => {
    const euro = Buffer.from('€');
    const chunks = chunksOf(Buffer.concat([frame(1, euro.subarray(0, 1)), frame(2, 'x'), frame(1, euro.subarray(1)), frame(1, '!')]));
    const pieces = [];
    for await (const piece of decodeOutputText(demultiplex(chunks))) pieces.push(piece);
    expect(pieces).toEqual([
      { stream: 'stderr', text: 'x' },
      { stream: 'stdout', text: '€' },
      { stream: 'stdout', text: '!' },
    ]);
  });
});

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/** Writes each piece separately, letting the socket flush in between so the client reads them apart. */
async function writeApart(res: ServerResponse, pieces: Buffer[]): Promise<void> {
  for (const piece of pieces) {
    if (piece.length > 0) res.write(piece);
    await sleep(1);
  }
  res.end();
}

describe('docker.logs against a fake engine', () => {
  it('reads frames split across socket writes at every byte boundary', async () => {
    const payload = Buffer.concat([frame(1, 'héllo\n'), frame(2, 'wörld\n'), frame(1, '')]);
    let cut = 0;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      void writeApart(res, [payload.subarray(0, cut), payload.subarray(cut)]);
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    for (cut = 0; cut <= payload.length; cut++) {
      expect(await collectOutputText(docker.logs('abc'))).toEqual({ stdout: 'héllo\n', stderr: 'wörld\n' });
    }
    expect(engine.requests.at(-1)).toBe('GET /v1.45/containers/abc/logs?stdout=1&stderr=1');
    await docker.close();
  });

  it('reports truncated, error and malformed frames that cross the socket as typed errors', async () => {
    const bodies: Record<string, Buffer> = {
      truncated: Buffer.concat([frame(1, 'kept\n'), frame(2, 'cut short').subarray(0, 12)]),
      daemonError: Buffer.concat([frame(1, 'kept\n'), frame(3, 'Error grabbing logs: unexpected EOF\n')]),
      malformed: Buffer.concat([frame(1, 'kept\n'), Buffer.from('not a header at all')]),
    };
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      const body = bodies[req.url!.split('/')[3]!]!;
      void writeApart(res, [body.subarray(0, 7), body.subarray(7)]);
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const outcome = async (id: string) => {
      const texts: string[] = [];
      try {
        for await (const item of docker.logs(id)) texts.push(item.text);
        return { texts };
      } catch (error) {
        return { texts, error };
      }
    };
    const truncated = await outcome('truncated');
    expect(truncated.texts).toEqual(['kept\n']);
    expect(truncated.error).toBeInstanceOf(DockerResponseError);
    expect((truncated.error as Error).message).toBe('the stream ended inside a frame (4 of 9 bytes arrived)');
    const daemonError = await outcome('daemonError');
    expect(daemonError).toEqual({ texts: ['kept\n'], error: expect.any(DockerStreamError) });
    expect((daemonError.error as DockerStreamError).message).toBe('Error grabbing logs: unexpected EOF');
    expect((daemonError.error as DockerStreamError).operation).toBe('ContainerLogs');
    const malformed = await outcome('malformed');
    expect(malformed.error).toBeInstanceOf(DockerResponseError);
    await docker.close();
  });

  it('reads a 24 MiB frame from the socket in pieces, holding no more than a piece', async () => {
    const huge = Buffer.alloc(24 * 1024 * 1024, 'h');
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      res.end(Buffer.concat([frame(2, huge), frame(1, 'after')]));
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    let bytes = 0;
    let pieces = 0;
    let largest = 0;
    let last = '';
    for await (const item of docker.logs('huge')) {
      if (item.stream === 'stderr') {
        bytes += item.data.length;
        pieces++;
        largest = Math.max(largest, item.data.length);
      } else last = item.text;
    }
    expect(bytes).toBe(huge.length);
    expect(pieces).toBeGreaterThan(10);
    expect(largest).toBeLessThanOrEqual(1024 * 1024);
    expect(last).toBe('after');
    await docker.close();
  });

  it('sends the options as the engine reads them', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      res.end();
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const since = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    await collectOutputText(docker.logs('a/b', { follow: true, stderr: false, since, until: 1700000000.5, timestamps: true, tail: 10 }));
    await collectOutputText(docker.serviceLogs('svc', { details: true, tail: 'all' }));
    expect(engine.requests.slice(1)).toEqual([
      'GET /v1.45/containers/a%2Fb/logs?follow=1&stdout=1&stderr=0&since=1704164645.678000000&until=1700000000.500000000&timestamps=1&tail=10',
      'GET /v1.45/services/svc/logs?details=1&stdout=1&stderr=1&tail=all',
    ]);
    await docker.close();
  });

  it('takes the Content-Type at its word from API 1.42 on', async () => {
    let contentType = RAW;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': contentType });
      res.end(frame(2, 'framed'));
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const raw = await collectOutputText(docker.logs('tty'));
    expect(raw.stdout).toBe(frame(2, 'framed').toString());
    contentType = MULTIPLEXED;
    expect(await collectOutputText(docker.logs('plain'))).toEqual({ stdout: '', stderr: 'framed' });
    expect(engine.requests.filter((r) => r.includes('/json'))).toEqual([]);
    await docker.close();
  });

  it('asks the container for its TTY setting on 1.41, where the Content-Type always says raw', async () => {
    const tty: Record<string, boolean> = { withtty: true, without: false };
    engine = await fakeEngine(
      (req, res) => {
        const [, , id, what] = req.url!.split('/').slice(1);
        if (what === 'json') return json(res, 200, { Id: id, Config: { Tty: tty[id!] } });
        res.writeHead(200, { 'Content-Type': RAW });
        res.end(frame(1, 'hi'));
      },
      { apiVersion: '1.41' },
    );
    const docker = createDocker({ socketPath: engine.socketPath });
    expect((await collectOutputText(docker.logs('without'))).stdout).toBe('hi');
    expect((await collectOutputText(docker.logs('withtty'))).stdout).toBe(frame(1, 'hi').toString());
    expect(engine.requests.slice(1)).toEqual([
      'GET /v1.41/containers/without/logs?stdout=1&stderr=1',
      'GET /v1.41/containers/without/json',
      'GET /v1.41/containers/withtty/logs?stdout=1&stderr=1',
      'GET /v1.41/containers/withtty/json',
    ]);
    await docker.close();
  });

  it('turns an error answer into a typed error on the first read', async () => {
    engine = await fakeEngine((req, res) => json(res, 404, { message: 'No such container: nope' }));
    const docker = createDocker({ socketPath: engine.socketPath });
    const logs = docker.logs('nope');
    const error = await logs.next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe('No such container: nope');
    expect((error as NotFoundError).operation).toBe('ContainerLogs');
    await docker.close();
  });

  it('reads from the socket only as fast as the consumer: a slow reader does not make memory grow', async () => {
    const chunk = Buffer.concat(Array.from({ length: 512 }, () => frame(1, Buffer.alloc(120, 'z'))));
    let written = 0;
    let stopped = false;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      const pump = () => {
        while (!stopped) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (stopped = true));
      pump();
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    let read = 0;
    for await (const item of docker.logs('endless', { follow: true })) {
      read += item.data.length;
      if (read >= 200_000) break;
      if (read % 12_000 === 0) await sleep(1);
    }
    await sleep(100);
    // Without backpressure the server writes as fast as it can (gigabytes in this time); with it,
    // only what the socket buffers and undici's read-ahead hold beyond what was consumed.
    expect(written).toBeGreaterThan(read);
    expect(written).toBeLessThan(4 * 1024 * 1024);
    await docker.close();
  });

  it('ends quietly when the signal aborts, and closes the connection', async () => {
    let closed = false;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': MULTIPLEXED });
      res.write(frame(1, 'first'));
      res.on('close', () => (closed = true));
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const item of docker.logs('live', { follow: true, signal: controller.signal })) {
      seen.push(item.text);
      controller.abort();
    }
    expect(seen).toEqual(['first']);
    await sleep(50);
    expect(closed).toBe(true);
    await docker.close();
  });
});
