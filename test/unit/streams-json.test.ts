// The JSON record parser (NDJSON, JSON Lines, JSON text sequences) and the stats helper, fed
// hostile input no real daemon sends: records split at every byte boundary and inside UTF-8
// characters, oversized records, invalid and truncated JSON. The stats cases go through a fake
// engine on a unix socket (support/fake-engine.ts); real stats are in test/engine/streams-stats.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerResponseError, DockerStreamLimitError, jsonRecords } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

async function* chunksOf(...chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

async function recordsOf(chunks: AsyncIterable<Uint8Array>, maxRecordSize?: number): Promise<unknown[]> {
  const records: unknown[] = [];
  for await (const record of jsonRecords(chunks, { maxRecordSize })) records.push(record);
  return records;
}

const RS = '\x1e';
const records = [{ status: 'Pulling fs layer', id: 'a1' }, { text: 'ü€😀 multi-byte' }, { n: 1 }, [1, 2], 'plain string', 42];
const ndjson = Buffer.from(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
const crlfWithBlanks = Buffer.from(`${records.map((r) => JSON.stringify(r)).join('\r\n\r\n')}\r\n`);
const jsonSeq = Buffer.from(records.map((r) => `${RS + JSON.stringify(r)}\n`).join(''));

describe('jsonRecords', () => {
  it.each([
    ['NDJSON', ndjson],
    ['CRLF lines with blank lines between', crlfWithBlanks],
    ['a JSON text sequence (0x1E before each record)', jsonSeq],
  ])('reads %s split at every byte boundary', async (_, payload) => {
    for (let cut = 0; cut <= payload.length; cut++) {
      expect(await recordsOf(chunksOf(payload.subarray(0, cut), payload.subarray(cut)))).toEqual(records);
    }
  });

  it('reads records from one-byte chunks (every UTF-8 character cut apart)', async () => {
    expect(await recordsOf(chunksOf(...[...jsonSeq].map((byte) => Buffer.from([byte]))))).toEqual(records);
  });

  it('reads records separated only by 0x1E, and a last record without its newline', async () => {
    expect(await recordsOf(chunksOf(Buffer.from(`${RS}{"a":1}${RS}{"b":2}\n{"c":3}`)))).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('fails on invalid JSON after delivering the records before it, quoting it', async () => {
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const record of jsonRecords(chunksOf(Buffer.from('{"ok":true}\n{"broken": tru\n{"never":1}\n')))) seen.push(record);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([{ ok: true }]);
    expect(error).toBeInstanceOf(DockerResponseError);
    expect((error as Error).message).toBe('the engine streamed invalid JSON: "{\\"broken\\": tru"');
  });

  it('reports a stream cut inside a record', async () => {
    await expect(recordsOf(chunksOf(Buffer.from('{"a":1}\n{"status":"Downl')))).rejects.toThrow(/ended inside a record: "{\\"status\\":\\"Downl"/);
  });

  it('refuses a record above the limit, within one chunk or across many, without holding more', async () => {
    await expect(recordsOf(chunksOf(Buffer.from(`{"a":"${'x'.repeat(200)}"}\n`)), 100)).rejects.toBeInstanceOf(DockerStreamLimitError);
    // An endless record: the parser must give up at the limit instead of reading on.
    let served = 0;
    async function* endless() {
      yield Buffer.from('{"a":"');
      for (;;) {
        served += 1000;
        yield Buffer.alloc(1000, 'x');
      }
    }
    const error = await recordsOf(endless(), 50_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerStreamLimitError);
    expect((error as DockerStreamLimitError).limit).toBe(50_000);
    expect(served).toBeLessThanOrEqual(51_000);
  });

  it('accepts a record of exactly the limit', async () => {
    const record = `{"a":"${'x'.repeat(92)}"}`;
    expect(record.length).toBe(100);
    expect(await recordsOf(chunksOf(Buffer.from(record.slice(0, 40)), Buffer.from(`${record.slice(40)}\n`)), 100)).toEqual([{ a: 'x'.repeat(92) }]);
  });
});

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('docker.stats against a fake engine', () => {
  it('streams samples and reads a single one', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url!.includes('stream=0')) return void res.end('{"name":"/once","read":"t0"}\n');
      res.write('{"name":"/s","read":"t1"}\n{"name":"/s",');
      setTimeout(() => res.end('"read":"t2"}\n'), 20);
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const samples = [];
    for await (const sample of docker.stats('c1')) samples.push(sample);
    expect(samples).toEqual([
      { name: '/s', read: 't1' },
      { name: '/s', read: 't2' },
    ]);
    expect(await docker.statsOnce('c1', { oneShot: true })).toEqual({ name: '/once', read: 't0' });
    expect(engine.requests.slice(1)).toEqual(['GET /v1.45/containers/c1/stats?stream=1', 'GET /v1.45/containers/c1/stats?stream=0&one-shot=1']);
    await docker.close();
  });

  it('keeps a UTF-8 character cut between two socket writes whole, and refuses an oversized record', async () => {
    const record = Buffer.from('{"name":"/ünïcødé-😀","read":"t"}\n');
    const cut = record.indexOf(Buffer.from('😀')) + 2;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url!.includes('/huge/')) return void res.end(`{"name":"${'x'.repeat(100_000)}"}\n`);
      res.write(record.subarray(0, cut));
      setTimeout(() => res.end(record.subarray(cut)), 20);
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    expect(await docker.statsOnce('c1')).toEqual({ name: '/ünïcødé-😀', read: 't' });
    const error = await docker.statsOnce('huge', { maxRecordSize: 10_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerStreamLimitError);
    expect(error).toMatchObject({ limit: 10_000, operation: 'ContainerStats' });
    await docker.close();
  });

  it('fails statsOnce on an empty answer', async () => {
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end();
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.statsOnce('c1')).rejects.toThrow(/without a record/);
    await docker.close();
  });
});
