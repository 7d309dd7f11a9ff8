// Reads the protobuf wire format: a message is a run of fields, each a key (field number and wire
// type, as a varint) and a value (a varint, 8 or 4 fixed bytes, or a length-prefixed run of bytes
// that holds a string, raw bytes or an embedded message). Only reading is needed, of the few
// BuildKit messages the engine streams during a build, and the schema is known in advance:
// a protobuf library (protobufjs is ~400 KB with its code generator; @bufbuild/protobuf wants
// generated code) would be much more than these hundred lines. Everything read is checked against
// the bytes left, so hostile input fails with a DockerResponseError and never reads out of bounds
// or allocates more than the input's size.
import { DockerResponseError, type DockerErrorContext } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

// Groups (wire types 3 and 4) are a proto2 feature no BuildKit message uses; 6 and 7 do not exist.
const KNOWN_WIRE_TYPES = new Set([WIRE_VARINT, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_FIXED32]);
// A varint carries 64 bits in at most ten bytes of seven bits each.
const MAX_VARINT_BYTES = 10;
const TWO_TO_THE_64 = 2n ** 64n;
const TWO_TO_THE_63 = 2n ** 63n;

export interface WireField {
  readonly number: number;
  readonly wireType: number;
  /** The value of a varint or fixed field as an unsigned 64-bit integer. */
  readonly integer: bigint;
  /** The bytes of a length-delimited field (a view into the message, not a copy). */
  readonly bytes: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

/** Reads the fields of one message in order; a field repeated on the wire comes out once per occurrence. */
export function* wireFields(message: Uint8Array, context: DockerErrorContext = {}): Generator<WireField> {
  const reader = { buffer: message, offset: 0, context };
  while (reader.offset < message.length) {
    const key = readVarint(reader);
    const wireType = Number(key & 7n);
    const number = Number(key >> 3n);
    if (number < 1 || number > 0x1fffffff) fail(reader, `a field number of ${number}`);
    if (!KNOWN_WIRE_TYPES.has(wireType)) fail(reader, `wire type ${wireType} (field ${number})`);
    if (wireType === WIRE_VARINT) yield { number, wireType, integer: readVarint(reader), bytes: NO_BYTES };
    else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(reader);
      yield { number, wireType, integer: length, bytes: take(reader, length) };
    } else {
      const size = wireType === WIRE_FIXED64 ? 8 : 4;
      const bytes = take(reader, BigInt(size));
      const view = new DataView(bytes.buffer, bytes.byteOffset, size);
      yield { number, wireType, integer: size === 8 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true)), bytes: NO_BYTES };
    }
  }
}

/** A varint field read as a signed 64-bit integer (int64, int32), as a number (exact up to 2^53). */
export function signedInteger(field: WireField): number {
  return Number(field.integer >= TWO_TO_THE_63 ? field.integer - TWO_TO_THE_64 : field.integer);
}

/** A length-delimited field read as UTF-8 text; invalid sequences become U+FFFD, as Go's decoder leaves them readable. */
export function text(field: WireField): string {
  return utf8.decode(field.bytes);
}

interface Reader {
  readonly buffer: Uint8Array;
  offset: number;
  readonly context: DockerErrorContext;
}

function readVarint(reader: Reader): bigint {
  let value = 0n;
  for (let index = 0; index < MAX_VARINT_BYTES; index++) {
    if (reader.offset >= reader.buffer.length) fail(reader, 'a varint cut short');
    const byte = reader.buffer[reader.offset++]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) return value & (TWO_TO_THE_64 - 1n);
  }
  return fail(reader, 'a varint longer than ten bytes');
}

function take(reader: Reader, length: bigint): Uint8Array {
  const left = reader.buffer.length - reader.offset;
  if (length > BigInt(left)) fail(reader, `a field of ${length} bytes where ${left} are left`);
  const start = reader.offset;
  reader.offset += Number(length);
  return reader.buffer.subarray(start, reader.offset);
}

function fail(reader: Reader, what: string): never {
  throw new DockerResponseError(`malformed protobuf message: ${what} at byte ${reader.offset} of ${reader.buffer.length}`, reader.context);
}
