// gRPC message framing (src/protocols/grpc-messages.ts) and the protobuf writer
// (src/protocols/protobuf-writer.ts): messages cut anywhere come out whole and in order; compressed,
// oversized and truncated messages fail with a GrpcStatusError; what the writer writes, the reader reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  frameMessage,
  GRPC_INVALID_ARGUMENT,
  GRPC_UNIMPLEMENTED,
  GrpcMessageReader,
  GrpcStatusError,
  MAX_GRPC_MESSAGE,
} from '../../src/protocols/grpc-messages.js';
import { text, wireFields } from '../../src/protocols/protobuf-wire.js';
import { encodeMessage } from '../../src/protocols/protobuf-writer.js';
import { cutPoints, splitAt } from './support/hostile-input.js';

const messages = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

function readAll(chunks: Buffer[]): Buffer[] {
  const reader = new GrpcMessageReader();
  const out = chunks.flatMap((chunk) => reader.push(chunk));
  reader.end();
  return out;
}

describe('gRPC message framing', () => {
  it('gives back the same messages however the stream is cut', () => {
    fc.assert(
      fc.property(messages, cutPoints, (list, points) => {
        const stream = Buffer.concat(list.map(frameMessage));
        expect(readAll(splitAt(stream, points)).map((message) => [...message])).toEqual(list.map((message) => [...message]));
      }),
    );
  });

  it('refuses a compressed message, since the client offers no compression', () => {
    const framed = frameMessage(Buffer.from('abc'));
    framed[0] = 1;
    expect(() => new GrpcMessageReader().push(framed)).toThrow(expect.objectContaining({ code: GRPC_UNIMPLEMENTED }));
  });

  it('refuses a declared length over the limit before waiting for its bytes', () => {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(MAX_GRPC_MESSAGE + 1, 1);
    expect(() => new GrpcMessageReader().push(prefix)).toThrow(expect.objectContaining({ code: GRPC_INVALID_ARGUMENT }));
  });

  it('says so when the stream ends inside a message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 50 }), fc.nat(), (message, cut) => {
        const framed = frameMessage(message);
        const at = 1 + (cut % (framed.length - 1));
        const reader = new GrpcMessageReader();
        reader.push(framed.subarray(0, at));
        expect(() => reader.end()).toThrow(GrpcStatusError);
      }),
    );
  });
});

describe('protobuf writer', () => {
  it('writes fields the wire reader reads back unchanged', () => {
    const field = fc.oneof(
      fc.record({ number: fc.integer({ min: 1, max: 1000 }), bytes: fc.string() }),
      fc.record({ number: fc.integer({ min: 1, max: 1000 }), bytes: fc.uint8Array({ maxLength: 200 }) }),
      fc.record({ number: fc.integer({ min: 1, max: 1000 }), varint: fc.maxSafeNat() }),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 10 }), (fields) => {
        const read = [...wireFields(encodeMessage(fields))];
        expect(read.map((f) => f.number)).toEqual(fields.map((f) => f.number));
        fields.forEach((written, index) => {
          const got = read[index]!;
          if ('varint' in written) expect(got.integer).toBe(BigInt(written.varint));
          else if (typeof written.bytes === 'string') expect(text(got)).toBe(written.bytes);
          else expect([...got.bytes]).toEqual([...written.bytes]);
        });
      }),
    );
  });

  it('refuses what a varint cannot carry', () => {
    expect(() => encodeMessage([{ number: 1, varint: -1 }])).toThrow(RangeError);
    expect(() => encodeMessage([{ number: 1, varint: 0.5 }])).toThrow(RangeError);
  });
});
