// Writes the protobuf wire format for the handful of small messages the client answers with over a
// BuildKit session (a secret's bytes, registry credentials, a health status, ssh agent traffic):
// strings, byte runs and non-negative varints (a bigint where a value outgrows 2^53, as a file time
// in nanoseconds does), nothing else. The reading side is protobuf-wire.ts;
// see there for why no protobuf library is used.

/** One field of a message: text or bytes (length-delimited), or a non-negative integer (varint). */
export type OutgoingField = { readonly number: number; readonly bytes: string | Uint8Array } | { readonly number: number; readonly varint: number | bigint };

const LENGTH_DELIMITED = 2;
const VARINT = 0;

/** The fields in order, as one message. */
export function encodeMessage(fields: readonly OutgoingField[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of fields) {
    if ('varint' in field) {
      parts.push(varint(field.number * 8 + VARINT), varint(field.varint));
      continue;
    }
    const bytes =
      typeof field.bytes === 'string' ? Buffer.from(field.bytes, 'utf8') : Buffer.from(field.bytes.buffer, field.bytes.byteOffset, field.bytes.byteLength);
    parts.push(varint(field.number * 8 + LENGTH_DELIMITED), varint(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}

function varint(value: number | bigint): Buffer {
  if (typeof value === 'bigint') return bigVarint(value);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`a varint must be a non-negative safe integer, not ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

// Kept apart from the number case, which every length prefix takes: BigInt arithmetic costs more.
function bigVarint(value: bigint): Buffer {
  if (value < 0n || value >= 2n ** 64n) throw new RangeError(`a varint must be a non-negative 64-bit integer, not ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}
