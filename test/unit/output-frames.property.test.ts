// Property tests of the container-output decoders (src/streams/output-frames.ts): multiplexed
// frames and raw TTY output, cut into chunks anywhere, damaged at random, and with frame sizes
// declared far beyond what ever arrives. Example-based cases are in streams-demux.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerResponseError, DockerStreamError, DockerStreamLimitError } from '../../src/errors.js';
import { DecodedStream } from '../../src/streams/decoded-stream.js';
import { RawOutputDecoder, type OutputFrame } from '../../src/streams/output-frames.js';
import { demultiplex } from '../../src/streams/parsers.js';
import { frame } from './support/hijack-server.js';
import { assertTyped, chunksOf, cutPoints, describeError, mutate, mutations, outcomeOf, splitAt } from './support/hostile-input.js';

interface Frame {
  stream: number;
  data: Uint8Array;
}

const frameArb: fc.Arbitrary<Frame> = fc.record({
  // 0 (stdin) reads as stdout.
  stream: fc.constantFrom(0, 1, 2),
  data: fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000, size: 'max' }) }),
});
const framesArb = fc.array(frameArb, { maxLength: 12 });

const encode = (frames: Frame[]) => Buffer.concat(frames.map((f) => frame(f.stream, Buffer.from(f.data))));
const streamName = (stream: number) => (stream === 2 ? 'stderr' : 'stdout');
const plain = (frames: OutputFrame[]) => frames.map((f) => [f.stream, f.data.toString('hex')]);

/** Consecutive output of one stream joined: what any cut must preserve even where a large frame comes in pieces. */
function runs(frames: Array<{ stream: string; data: Uint8Array }>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const { stream, data } of frames) {
    if (data.length === 0) continue;
    const last = out.at(-1);
    if (last && last[0] === stream) last[1] += Buffer.from(data).toString('hex');
    else out.push([stream, Buffer.from(data).toString('hex')]);
  }
  return out;
}

const decode = (chunks: Buffer[], maxFrameSize?: number) => outcomeOf(demultiplex(chunksOf(chunks), { maxFrameSize }));

describe('MultiplexedDecoder', () => {
  it('gives the generated frames, each whole, however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(framesArb, cutPoints, async (frames, cuts) => {
        const bytes = encode(frames);
        const whole = await decode([bytes]);
        const split = await decode(splitAt(bytes, cuts));
        const expected = frames.filter((f) => f.data.length > 0).map((f) => [streamName(f.stream), Buffer.from(f.data).toString('hex')]);
        expect(whole.error).toBeUndefined();
        expect(split.error).toBeUndefined();
        expect(plain(whole.items)).toEqual(expected);
        expect(plain(split.items)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('delivers a frame above maxFrameSize in pieces of its own stream, and smaller frames whole', async () => {
    await fc.assert(
      fc.asyncProperty(framesArb, cutPoints, fc.integer({ min: 0, max: 64 }), async (frames, cuts, maxFrameSize) => {
        const chunks = splitAt(encode(frames), cuts);
        const { items, error } = await decode(chunks, maxFrameSize);
        expect(error).toBeUndefined();
        let next = 0;
        for (const { stream, data } of frames.filter((f) => f.data.length > 0)) {
          const expected = Buffer.from(data).toString('hex');
          if (data.length <= maxFrameSize) {
            expect(plain(items.slice(next, next + 1))).toEqual([[streamName(stream), expected]]);
            next++;
            continue;
          }
          // No piece is larger than the chunk it came in (or the limit), so nothing was assembled.
          let joined = '';
          while (joined.length < expected.length && next < items.length) {
            const piece = items[next++]!;
            expect(piece.stream).toBe(streamName(stream));
            expect(piece.data.length).toBeGreaterThan(0);
            expect(piece.data.length).toBeLessThanOrEqual(Math.max(maxFrameSize, ...chunks.map((c) => c.length)));
            joined += piece.data.toString('hex');
          }
          expect(joined).toBe(expected);
        }
        expect(next).toBe(items.length);
      }),
      { numRuns: 150 },
    );
  });

  it('ends with the same frames and the same typed error however damaged input is cut', async () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 300, size: 'max' }).map((bytes) => Buffer.from(bytes)),
      fc.tuple(framesArb, mutations).map(([frames, list]) => mutate(encode(frames), list)),
      // Headers that only differ from valid ones in a byte or two are likelier to get past the first check.
      fc
        .tuple(framesArb, fc.constantFrom(3, 4, 0x80), fc.uint8Array({ maxLength: 30 }))
        .map(([frames, stream, tail]) => Buffer.concat([encode(frames), frame(stream, Buffer.from(tail)), encode(frames)])),
    );
    await fc.assert(
      fc.asyncProperty(hostile, cutPoints, fc.constantFrom(undefined, 0, 16, 1000), async (bytes, cuts, maxFrameSize) => {
        const whole = await decode([bytes], maxFrameSize);
        const chunks = splitAt(bytes, cuts);
        const split = await decode(chunks, maxFrameSize);
        assertTyped(whole.error);
        assertTyped(split.error);
        expect(describeError(split.error)).toBe(describeError(whole.error));
        expect(runs(split.items)).toEqual(runs(whole.items));
        const largest = Math.max(maxFrameSize ?? 1024 * 1024, ...chunks.map((c) => c.length));
        for (const item of split.items) expect(item.data.length).toBeLessThanOrEqual(largest);
      }),
      { numRuns: 300 },
    );
  });

  it('passes on the content of a frame declared larger than the limit as it arrives, holding none of it back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2),
        // More than the limit and more than ever arrives (at most 20 × 500 bytes).
        fc.integer({ min: 10_001, max: 0xffffffff }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 20 }),
        async (stream, declared, sizes) => {
          let served = 0;
          async function* source() {
            const header = frame(stream, Buffer.alloc(0));
            header.writeUInt32BE(declared, 4);
            served += header.length;
            yield header;
            for (const size of sizes) {
              served += size;
              yield Buffer.alloc(size, 0x61);
            }
          }
          let delivered = 0;
          const reading = (async () => {
            for await (const batch of demultiplex(source(), { maxFrameSize: 1024 }).batches()) {
              delivered += batch.reduce((sum, item) => sum + item.data.length, 0);
              // Every byte served so far, except the 8-byte header, is already in the consumer's hands.
              expect(delivered).toBe(served - 8);
            }
          })();
          const failure = await reading.then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(delivered).toBe(sizes.reduce((a, b) => a + b, 0));
          expect(failure).toBeInstanceOf(DockerResponseError);
          expect((failure as Error).message).toMatch(/ended inside a frame \(\d+ of \d+ bytes/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses an error frame above the limit at its header, before its content is read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 1, max: 0xffffffff }), fc.nat(7), async (limit, extra, headerCut) => {
        const declared = Math.min(limit + extra, 0xffffffff);
        const header = frame(3, Buffer.alloc(0));
        header.writeUInt32BE(declared, 4);
        let servedAfterHeader = 0;
        async function* source() {
          yield header.subarray(0, headerCut);
          yield header.subarray(headerCut);
          for (;;) {
            servedAfterHeader++;
            yield Buffer.alloc(64, 0x65);
          }
        }
        const failure = await outcomeOf(demultiplex(source(), { maxFrameSize: limit }));
        expect(failure.error).toBeInstanceOf(DockerStreamLimitError);
        expect((failure.error as DockerStreamLimitError).limit).toBe(limit);
        expect(servedAfterHeader).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('reports an error frame of any content as DockerStreamError after the frames before it, however cut', async () => {
    await fc.assert(
      fc.asyncProperty(framesArb, fc.uint8Array({ maxLength: 200 }), framesArb, cutPoints, async (before, message, after, cuts) => {
        const bytes = Buffer.concat([encode(before), frame(3, Buffer.from(message)), encode(after)]);
        const { items, error } = await decode(splitAt(bytes, cuts));
        expect(error).toBeInstanceOf(DockerStreamError);
        expect((error as Error).message).toBe(Buffer.from(message).toString('utf8').trim() || 'the engine reported an error in the stream without a message');
        expect(runs(items)).toEqual(runs(before.map((f) => ({ stream: streamName(f.stream), data: f.data }))));
      }),
      { numRuns: 100 },
    );
  });
});

describe('RawOutputDecoder', () => {
  it('hands over every byte as stdout, in order, however the output is cut, and never fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000, size: 'max' }), cutPoints, async (bytes, cuts) => {
        const chunks = splitAt(bytes, cuts);
        const { items, error } = await outcomeOf(new DecodedStream(async () => ({ chunks: chunksOf(chunks), decoder: new RawOutputDecoder() })));
        expect(error).toBeUndefined();
        expect(items.every((item) => item.stream === 'stdout' && item.data.length > 0)).toBe(true);
        expect(Buffer.concat(items.map((item) => item.data)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
