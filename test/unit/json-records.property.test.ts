// Property tests of the JSON record decoder (src/streams/json-records.ts): NDJSON, CRLF lines and
// JSON text sequences cut into chunks anywhere, damaged at random, and records that never end.
// Example-based cases are in streams-json.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerResponseError, DockerStreamLimitError } from '../../src/errors.js';
import { jsonRecords } from '../../src/streams/parsers.js';
import { assertTyped, chunksOf, cutPoints, describeError, mutate, mutations, outcomeOf, splitAt } from './support/hostile-input.js';

const RS = '\x1e';

type Framing = 'ndjson' | 'crlf' | 'blank-lines' | 'json-seq' | 'rs-only';
const framings: Framing[] = ['ndjson', 'crlf', 'blank-lines', 'json-seq', 'rs-only'];

/** Records as each framing writes them; the last may go without its newline, as a stream's end allows. */
function encode(texts: string[], framing: Framing, finalNewline: boolean): Buffer {
  const body = {
    ndjson: () => texts.join('\n'),
    crlf: () => texts.join('\r\n'),
    'blank-lines': () => texts.join('\n \t\r\n\n'),
    'json-seq': () => texts.map((text) => `${RS}${text}`).join('\n'),
    'rs-only': () => texts.map((text) => `${RS}${text}`).join(''),
  }[framing]();
  return Buffer.from(texts.length > 0 && finalNewline ? `${body}\n` : body);
}

const recordsArb = fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 });
const validStream = fc.tuple(recordsArb, fc.constantFrom(...framings), fc.boolean()).map(([values, framing, finalNewline]) => ({
  // What JSON makes of each value (-0 becomes 0): the records a reader must give back.
  expected: values.map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  bytes: encode(
    values.map((value) => JSON.stringify(value)),
    framing,
    finalNewline,
  ),
}));

const decode = (chunks: Buffer[], maxRecordSize?: number) => outcomeOf(jsonRecords(chunksOf(chunks), { maxRecordSize }));

// Bytes that are mostly JSON punctuation and separators, so damage meets the parser's edge cases.
const jsonishBytes = fc
  .array(fc.constantFrom(...'{}[]":,0123456789.eE-+ntrufals \\u'.split(''), '\n', '\r', RS, 'é', '😀', '\x00'), { maxLength: 200, size: 'max' })
  .map((parts) => Buffer.from(parts.join('')));

describe('JsonRecordDecoder', () => {
  it('gives the generated records however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(validStream, cutPoints, async ({ expected, bytes }, cuts) => {
        const whole = await decode([bytes]);
        const split = await decode(splitAt(bytes, cuts));
        expect(whole).toEqual({ items: expected });
        expect(split).toEqual({ items: expected });
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same records and the same typed error however damaged input is cut', async () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 300, size: 'max' }).map((bytes) => Buffer.from(bytes)),
      jsonishBytes,
      fc.tuple(validStream, mutations).map(([{ bytes }, list]) => mutate(bytes, list)),
    );
    await fc.assert(
      fc.asyncProperty(hostile, cutPoints, fc.constantFrom(undefined, 1, 8, 64), async (bytes, cuts, maxRecordSize) => {
        const whole = await decode([bytes], maxRecordSize);
        const split = await decode(splitAt(bytes, cuts), maxRecordSize);
        assertTyped(whole.error);
        assertTyped(split.error);
        expect(describeError(split.error)).toBe(describeError(whole.error));
        expect(split.items).toEqual(whole.items);
        // A line longer than the limit can only end in the limit error (or an earlier one).
        const longest = Math.max(
          ...bytes
            .toString('latin1')
            .split('\n')
            .map((line) => line.length),
        );
        if (maxRecordSize !== undefined && longest <= maxRecordSize) expect(whole.error).not.toBeInstanceOf(DockerStreamLimitError);
        if (maxRecordSize !== undefined && longest > maxRecordSize) expect(whole.error).toBeInstanceOf(DockerResponseError);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a record that never ends once it passes the limit, having read at most one chunk beyond it', async () => {
    const noNewline = fc
      .uint8Array({ minLength: 1, maxLength: 300, size: 'max' })
      .map((bytes) => Buffer.from(bytes.map((byte) => (byte === 0x0a ? 0x20 : byte))));
    await fc.assert(
      fc.asyncProperty(
        validStream,
        fc.integer({ min: 1, max: 2000 }),
        fc.array(noNewline, { minLength: 1, maxLength: 8 }),
        async ({ expected, bytes }, limit, pieces) => {
          // The valid records end with a newline here, so the endless one starts a line of its own.
          const prefix = bytes.length > 0 && bytes.at(-1) !== 0x0a ? Buffer.concat([bytes, Buffer.from('\n')]) : bytes;
          let endless = 0;
          async function* source() {
            yield prefix;
            // Endless as far as the decoder can tell; bounded so that a decoder that buffers fails the test instead of the process.
            for (let index = 0; endless < 100_000; index++) {
              const piece = pieces[index % pieces.length]!;
              endless += piece.length;
              yield piece;
            }
          }
          const largestPrefixLine = Math.max(
            ...prefix
              .toString('latin1')
              .split('\n')
              .map((line) => line.length),
          );
          const { items, error } = await outcomeOf(jsonRecords(source(), { maxRecordSize: limit }));
          expect(error).toBeInstanceOf(DockerStreamLimitError);
          expect((error as DockerStreamLimitError).limit).toBe(limit);
          if (largestPrefixLine <= limit) {
            expect(items).toEqual(expected);
            expect(endless).toBeGreaterThan(limit);
            expect(endless).toBeLessThanOrEqual(limit + Math.max(...pieces.map((piece) => piece.length)));
          } else expect(endless).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('wraps whatever a custom parse throws in DockerResponseError, with the thrown value as its cause', async () => {
    await fc.assert(
      fc.asyncProperty(validStream, cutPoints, fc.nat(), async ({ expected, bytes }, cuts, failAt) => {
        let calls = 0;
        const thrown = new TypeError('custom parse refused');
        const parse = (text: string) => {
          if (calls++ === failAt % Math.max(expected.length, 1)) throw thrown;
          return JSON.parse(text) as unknown;
        };
        const { items, error } = await outcomeOf(jsonRecords(chunksOf(splitAt(bytes, cuts)), { parse }));
        if (expected.length === 0) {
          expect(error).toBeUndefined();
          return;
        }
        expect(error).toBeInstanceOf(DockerResponseError);
        expect((error as Error).cause).toBe(thrown);
        expect(items).toEqual(expected.slice(0, failAt % expected.length));
      }),
      { numRuns: 100 },
    );
  });
});
