// Property tests of the BuildKit trace layer (src/protocols/protobuf-wire.ts, src/build/buildkit-*.ts,
// build-stream.ts): any record survives encoding and decoding; damaged records, random bytes and
// random text end in a result or a DockerResponseError, never another error or a hang; a build
// stream full of damaged traces still settles as the engine's last message says; the plain
// rendering and the line splitter hold for any record and any cut of the output.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildStream, decodeBuildKitTrace, decodeStatusResponse, PlainProgressText, type BuildKitStatus } from '../../src/build/index.js';
import { LineSplitter } from '../../src/build/line-splitter.js';
import { DockerResponseError, DockerStreamError } from '../../src/errors.js';
import { encodeStatus, traceAux } from './support/buildkit-protobuf.js';
import { cutPoints, mutate, mutations, settlesWithin, splitAt } from './support/hostile-input.js';

// Whole milliseconds within the years 1970–2100: what a Timestamp carries and a Date holds exactly.
const date = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms));
const optionalDate = fc.option(date, { nil: undefined });
const digest = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 8 }).map((hex) => `sha256:${hex}`),
);
const count = fc.oneof(fc.constant(0), fc.nat(), fc.maxSafeInteger(), fc.integer({ min: -1000, max: -1 }));
const bytes = fc.uint8Array({ maxLength: 40 });
const position = fc.record({ line: fc.nat(5000), character: fc.nat(200) });

// Optional fields are left out when absent, as the decoder leaves them out.
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const statusArb: fc.Arbitrary<BuildKitStatus> = fc.record({
  vertexes: fc.array(
    fc
      .record({
        digest,
        inputs: fc.array(
          digest.filter((text) => text !== ''),
          { maxLength: 3 },
        ),
        name: fc.string(),
        cached: fc.boolean(),
        started: optionalDate,
        completed: optionalDate,
        error: fc.string(),
        progressGroup: fc.option(fc.record({ id: fc.string(), name: fc.string(), weak: fc.boolean() }), { nil: undefined }),
      })
      .map(withoutUndefined),
    { maxLength: 4 },
  ),
  statuses: fc.array(
    fc
      .record({
        id: fc.string(),
        vertex: digest,
        name: fc.string(),
        current: count,
        total: count,
        timestamp: optionalDate,
        started: optionalDate,
        completed: optionalDate,
      })
      .map(withoutUndefined),
    { maxLength: 4 },
  ),
  logs: fc.array(fc.record({ vertex: digest, stream: fc.integer({ min: 0, max: 2 }), data: bytes, timestamp: optionalDate }).map(withoutUndefined), {
    maxLength: 4,
  }),
  warnings: fc.array(
    fc
      .record({
        vertex: digest,
        level: fc.nat(3),
        short: fc.string(),
        detail: fc.array(fc.string(), { maxLength: 3 }),
        url: fc.string(),
        info: fc.option(fc.record({ filename: fc.string(), data: bytes, language: fc.string() }), { nil: undefined }),
        ranges: fc.array(fc.record({ start: position, end: position }), { maxLength: 2 }),
      })
      .map(withoutUndefined),
    { maxLength: 2 },
  ),
});

// Raw bytes compared as plain arrays (a decoded Uint8Array is a view into the record).
function comparable(status: BuildKitStatus): unknown {
  return JSON.parse(JSON.stringify(status, (_key, value) => (value instanceof Uint8Array ? [...value] : value)));
}

/** Decodes, and returns what happened: a result, or the error, which must be a DockerResponseError. */
function attempt(decode: () => BuildKitStatus): { status?: BuildKitStatus; error?: unknown } {
  try {
    return { status: decode() };
  } catch (error) {
    if (!(error instanceof DockerResponseError)) throw new Error(`an untyped failure: ${String(error)}`, { cause: error });
    return { error };
  }
}

describe('BuildKit trace records (properties)', () => {
  it('any record comes back as it was encoded', () => {
    fc.assert(
      fc.property(statusArb, (status) => {
        expect(comparable(decodeBuildKitTrace(traceAux(status)))).toEqual(comparable(status));
      }),
    );
  });

  it('a damaged record decodes to something or fails with a DockerResponseError, in bounded time', () => {
    fc.assert(
      fc.property(statusArb, mutations, (status, damage) => {
        const damaged = mutate(encodeStatus(status), damage);
        const started = performance.now();
        attempt(() => decodeStatusResponse(damaged));
        expect(performance.now() - started).toBeLessThan(500);
      }),
    );
  });

  it('random bytes and random text never fail otherwise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), (random, text) => {
        attempt(() => decodeStatusResponse(random));
        attempt(() => decodeBuildKitTrace(Buffer.from(random).toString('base64')));
        attempt(() => decodeBuildKitTrace(text));
      }),
    );
  });

  it('the plain rendering takes any run of records: every line is numbered, a warning, or the blank line between steps', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { maxLength: 6 }), (records) => {
        const plain = new PlainProgressText();
        const text = records.map((record) => plain.write(record)).join('');
        expect(text === '' || text.endsWith('\n')).toBe(true);
        for (const line of text.split('\n').slice(0, -1)) expect(line).toMatch(/^(#\d+ |WARN: |$)/);
      }),
    );
  });
});

describe('a build stream of damaged traces (properties)', () => {
  it('settles as its last message says, counting the records it could not decode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(statusArb, mutations, fc.boolean()), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        cutPoints,
        async (records, fails, cuts) => {
          const lines = records.map(([status, damage, damaged]) => {
            const aux = damaged ? mutate(Buffer.from(traceAux(status)), damage).toString('latin1') : traceAux(status);
            return JSON.stringify({ id: 'moby.buildkit.trace', aux });
          });
          lines.push(JSON.stringify(fails ? { errorDetail: { message: 'it broke' } } : { id: 'moby.image.id', aux: { ID: 'sha256:x' } }));
          const body = Readable.from(splitAt(Buffer.from(`${lines.join('\n')}\n`), cuts));
          const stream = new BuildStream(async () => ({ apiVersion: '1.51', context: {}, status: 200, headers: {}, body }) as never);
          const outcome = await settlesWithin(
            stream.done.then(
              (summary) => ({ summary }),
              (error: unknown) => ({ error }),
            ),
          );
          if (fails) expect((outcome as { error: unknown }).error).toBeInstanceOf(DockerStreamError);
          else expect(outcome).toEqual({ summary: { imageId: 'sha256:x' } });
          const undecoded = records.filter(([status, damage, damaged]) => {
            if (!damaged) return false;
            return attempt(() => decodeBuildKitTrace(mutate(Buffer.from(traceAux(status)), damage).toString('latin1'))).error !== undefined;
          }).length;
          expect(stream.buildkit.malformed).toBe(undecoded);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('splitting step output into lines (properties)', () => {
  it('gives back the text, line by line, however it is cut, with lines over the limit cut at the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\r', ' '), maxLength: 30 }), { maxLength: 8 }), cutPoints, (lines, cuts) => {
        const text = lines.join('\n');
        const splitter = new LineSplitter(16);
        const out = splitAt(Buffer.from(text), cuts).flatMap((chunk) => splitter.write(chunk));
        out.push(...splitter.flush());
        const expected = text.split('\n').flatMap((line, index, all) => (index === all.length - 1 && line === '' ? [] : piecesOf(line, 16)));
        expect(out).toEqual(expected);
      }),
    );
  });
});

// A line as the splitter hands it out: in pieces of `limit` UTF-16 units, the last one shorter.
function piecesOf(line: string, limit: number): string[] {
  const pieces = [line.slice(0, limit)];
  for (let start = limit; start < line.length; start += limit) pieces.push(line.slice(start, start + limit));
  return pieces;
}
