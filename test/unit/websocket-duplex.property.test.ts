// Property tests of the client side of a WebSocket (src/hijack/websocket-duplex.ts) on its own:
// the engine's frames (fragmented messages, pings and pongs between fragments, a close, lengths in
// 7, 16 and 64 bits) cut into chunks anywhere, damaged at random, or announcing lengths no one
// sends. Example-based cases through a local server are in hijack-websocket.test.ts.
import { Duplex, PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerResponseError } from '../../src/errors.js';
import { websocketDuplex } from '../../src/protocols/websocket-duplex.js';
import { assertTyped, cutPoints, describeError, mutate, mutations, settlesWithin, splitAt } from './support/hostile-input.js';
import { clientFrames, serverFrame, type ClientFrame } from './support/websocket-frames.js';

const context = { operation: 'ContainerAttachWebsocket', apiVersion: '1.45' };
const NO_CLOSE_FRAME = /^the connection closed without a WebSocket close frame$/;

/**
 * A WebSocket over an in-memory socket, read the way a hijacked session reads it (flowing, from
 * 'data'), with the frames it writes back collected on the engine's side.
 */
function session({ lagging = false } = {}) {
  const engineSide = new PassThrough();
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      engineSide.write(chunk);
      callback();
    },
    final(callback) {
      engineSide.end();
      callback();
    },
  });
  const sent = clientFrames(engineSide);
  const ws = websocketDuplex(socket, context);
  const output: Buffer[] = [];
  const state: { error?: unknown } = {};
  const read = () => ws.on('data', (chunk: Buffer) => output.push(chunk));
  if (!lagging) read();
  ws.on('error', (error) => (state.error = error));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { socket, output, sent, state, closed, read };
}

interface Outcome {
  output: string;
  error?: unknown;
  sent: ClientFrame[];
}

/**
 * Serves `chunks` and ends the connection; settles once the WebSocket has closed. A lagging reader
 * starts reading only once everything has arrived.
 */
async function run(chunks: Buffer[], { lagging = false } = {}): Promise<Outcome> {
  const { socket, output, sent, state, closed, read } = session({ lagging });
  for (const chunk of chunks) socket.push(chunk);
  socket.push(null);
  if (lagging) {
    // Long enough for the end of the connection to be seen.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    read();
  }
  await settlesWithin(closed);
  // What the client wrote reaches the engine's side on a later turn.
  await new Promise((resolve) => setImmediate(resolve));
  return { output: Buffer.concat(output).toString('hex'), error: state.error, sent };
}

const sentFrames = (sent: ClientFrame[]) => sent.map(({ opcode, fin, masked, payload }) => ({ opcode, fin, masked, payload: payload.toString('hex') }));

type LengthBytes = 0 | 2 | 8;
/** The encoding asked for, or the fewest bytes that hold the length when it needs more. */
const lengthBytesFor = (requested: LengthBytes | undefined, length: number): LengthBytes | undefined =>
  requested === undefined ? undefined : (Math.max(requested, length < 126 ? 0 : length < 0x10000 ? 2 : 8) as LengthBytes);

const controlArb = fc.record({
  opcode: fc.constantFrom(0x9, 0xa),
  payload: fc.uint8Array({ maxLength: 125, size: 'max' }),
  lengthBytes: fc.constantFrom<LengthBytes | undefined>(undefined, 2, 8),
});
const dataArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 400, size: 'max' }) },
  // Above 65535 bytes the length needs 64 bits; drawn as a size, so that a failure prints short.
  { weight: 1, arbitrary: fc.record({ size: fc.integer({ min: 0x10000, max: 0x10100 }), fill: fc.nat(255) }) },
);
const dataOf = (data: Uint8Array | { size: number; fill: number }) => (data instanceof Uint8Array ? Buffer.from(data) : Buffer.alloc(data.size, data.fill));
const messageArb = fc.record({
  opcode: fc.constantFrom(0x1, 0x2),
  fragments: fc.array(
    fc.record({ data: dataArb, lengthBytes: fc.constantFrom<LengthBytes | undefined>(undefined, 0, 2, 8), controls: fc.array(controlArb, { maxLength: 2 }) }),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
});
const conversationArb = fc.record({
  parts: fc.array(
    fc.oneof({ weight: 3, arbitrary: messageArb.map((message) => ({ message })) }, { weight: 1, arbitrary: controlArb.map((control) => ({ control })) }),
    { maxLength: 6 },
  ),
  // The engine's close frame (its status code and reason, or nothing), or a connection that just ends.
  close: fc.option(fc.uint8Array({ maxLength: 125, size: 'max' }), { nil: undefined }),
  // Whatever follows a close frame is never read.
  after: fc.uint8Array({ maxLength: 40 }),
});
type Conversation = typeof conversationArb extends fc.Arbitrary<infer T> ? T : never;
type Control = typeof controlArb extends fc.Arbitrary<infer T> ? T : never;

function encode({ parts, close, after }: Conversation) {
  const frames: Buffer[] = [];
  const output: Buffer[] = [];
  const pings: Uint8Array[] = [];
  const control = ({ opcode, payload, lengthBytes }: Control) => {
    frames.push(serverFrame(opcode, Buffer.from(payload), { lengthBytes }));
    if (opcode === 0x9) pings.push(payload);
  };
  for (const part of parts) {
    if ('control' in part) {
      control(part.control);
      continue;
    }
    part.message.fragments.forEach(({ data: drawn, lengthBytes, controls }, index, all) => {
      const data = dataOf(drawn);
      const opcode = index === 0 ? part.message.opcode : 0x0;
      frames.push(serverFrame(opcode, data, { fin: index === all.length - 1, lengthBytes: lengthBytesFor(lengthBytes, data.length) }));
      output.push(data);
      // Control frames may come between the fragments of a message.
      controls.forEach(control);
    });
  }
  if (close) frames.push(serverFrame(0x8, Buffer.from(close)), Buffer.from(after));
  return { bytes: Buffer.concat(frames), output: Buffer.concat(output).toString('hex'), pings };
}

describe('websocketDuplex', () => {
  it('hands over the payload of every data frame, answers each ping and the close, however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(conversationArb, cutPoints, async (conversation, cuts) => {
        const { bytes, output, pings } = encode(conversation);
        const expectedSent = [
          ...pings.map((payload) => ({ opcode: 0xa, fin: true, masked: true, payload: Buffer.from(payload).toString('hex') })),
          ...(conversation.close ? [{ opcode: 0x8, fin: true, masked: true, payload: '03e8' }] : []),
        ];
        for (const outcome of [await run([bytes]), await run(splitAt(bytes, cuts))]) {
          expect(outcome.output).toBe(output);
          expect(sentFrames(outcome.sent)).toEqual(expectedSent);
          if (conversation.close) expect(outcome.error).toBeUndefined();
          else expect((outcome.error as Error).message).toMatch(NO_CLOSE_FRAME);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('ends with the same output and the same typed error however damaged input is cut', async () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 300, size: 'max' }).map((bytes) => Buffer.from(bytes)),
      fc.tuple(conversationArb, mutations).map(([conversation, list]) => mutate(encode(conversation).bytes, list)),
      // Any first two header bytes and any 16- or 64-bit length, before a well-formed stream.
      fc
        .tuple(fc.nat(255), fc.nat(255), fc.uint8Array({ minLength: 8, maxLength: 8 }), conversationArb)
        .map(([first, second, length, conversation]) => Buffer.concat([Buffer.from([first, second]), length, encode(conversation).bytes])),
    );
    await fc.assert(
      fc.asyncProperty(hostile, cutPoints, async (bytes, cuts) => {
        const whole = await run([bytes]);
        const split = await run(splitAt(bytes, cuts));
        // A reader that falls behind must not lose the output that came before a failure.
        const late = await run(splitAt(bytes, cuts), { lagging: true });
        expect(late.output).toBe(split.output);
        expect(describeError(late.error)).toBe(describeError(split.error));
        for (const { error, output, sent } of [whole, split]) {
          // Ending without a close frame is the connection's doing, not a decoding error: the session reports it as DockerConnectionError.
          if (!(error instanceof Error && NO_CLOSE_FRAME.test(error.message))) assertTyped(error);
          expect(output.length / 2).toBeLessThanOrEqual(bytes.length);
          for (const frame of sent) {
            expect(frame.masked && frame.fin).toBe(true);
            expect(frame.opcode === 0xa ? frame.payload.length <= 125 : frame.opcode === 0x8).toBe(true);
          }
        }
        expect(describeError(split.error)).toBe(describeError(whole.error));
        expect(split.output).toBe(whole.output);
        expect(sentFrames(split.sent)).toEqual(sentFrames(whole.sent));
      }),
      { numRuns: 300 },
    );
  });

  it('ends with DockerResponseError at a frame that breaks the protocol, after the output before it, however cut', async () => {
    const violation = fc.oneof(
      fc.uint8Array({ maxLength: 20 }).map((data) => ({ bytes: serverFrame(0x2, Buffer.from(data), { masked: true }), partial: '' })),
      fc.constantFrom(0x10, 0x20, 0x40).map((rsv) => ({ bytes: serverFrame(0x2, 'x', { rsv }), partial: '' })),
      fc.constantFrom(0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf).map((opcode) => ({ bytes: serverFrame(opcode, 'x'), partial: '' })),
      fc.constantFrom(0x8, 0x9, 0xa).map((opcode) => ({ bytes: serverFrame(opcode, 'x', { fin: false }), partial: '' })),
      fc
        .tuple(fc.constantFrom(0x8, 0x9, 0xa), fc.integer({ min: 126, max: 300 }))
        .map(([opcode, size]) => ({ bytes: serverFrame(opcode, Buffer.alloc(size)), partial: '' })),
      fc.boolean().map((fin) => ({ bytes: serverFrame(0x0, 'x', { fin }), partial: '' })),
      fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(0x1, 0x2)).map(([data, opcode]) => ({
        bytes: Buffer.concat([serverFrame(0x2, Buffer.from(data), { fin: false }), serverFrame(opcode, 'y')]),
        partial: Buffer.from(data).toString('hex'),
      })),
    );
    await fc.assert(
      fc.asyncProperty(conversationArb, violation, conversationArb, cutPoints, async (before, { bytes: bad, partial }, after, cuts) => {
        const { bytes: good, output, pings } = encode({ ...before, close: undefined });
        const bytes = Buffer.concat([good, bad, encode(after).bytes]);
        const outcome = await run(splitAt(bytes, cuts));
        expect(outcome.error).toBeInstanceOf(DockerResponseError);
        expect((outcome.error as Error).message).toMatch(/broke the WebSocket protocol/);
        expect(outcome.output).toBe(output + partial);
        expect(sentFrames(outcome.sent)).toEqual(
          pings.map((payload) => ({ opcode: 0xa, fin: true, masked: true, payload: Buffer.from(payload).toString('hex') })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('passes on the payload of a frame announced at any length as it arrives, holding none of it back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 0x10000, max: 2 ** 32 }), fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER })),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 10 }),
        async (declared, sizes) => {
          const { socket, output, state, closed } = session();
          const header = serverFrame(0x2, Buffer.alloc(0), { lengthBytes: 8 });
          header.writeUInt32BE(Math.floor(declared / 2 ** 32), 2);
          header.writeUInt32BE(declared >>> 0, 6);
          socket.push(header);
          let served = 0;
          for (const size of sizes) {
            socket.push(Buffer.alloc(size, 0x62));
            served += size;
            await new Promise((resolve) => setImmediate(resolve));
            expect(output.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(served);
          }
          socket.push(null);
          await settlesWithin(closed);
          expect(state.error).toBeInstanceOf(DockerResponseError);
          expect((state.error as Error).message).toMatch(/ended inside a frame/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a control frame above 125 bytes, or any frame above 2^53 bytes, at its header, before its payload', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constantFrom(0x8, 0x9, 0xa), fc.bigInt({ min: 126n, max: 2n ** 53n })),
          fc.tuple(fc.constantFrom(0x1, 0x2, 0x8, 0x9), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })),
        ),
        fc.nat(9),
        async ([opcode, declared], headerCut) => {
          const { socket, output, state, closed } = session();
          const header = serverFrame(opcode, Buffer.alloc(0), { lengthBytes: 8 });
          header.writeBigUInt64BE(declared, 2);
          socket.push(header.subarray(0, headerCut));
          socket.push(header.subarray(headerCut));
          // Ending here tells a refusal at the header from one that waits for the payload ("ended inside a frame").
          socket.push(null);
          await settlesWithin(closed);
          expect(state.error).toBeInstanceOf(DockerResponseError);
          expect((state.error as Error).message).toMatch(/control frame|2\^53/);
          expect(output).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
