// A protobuf writer for the tests of the BuildKit trace decoder (src/build/buildkit-status.ts): it
// encodes StatusResponse records from the decoder's own types, so a test can round-trip any
// record, and offers the raw pieces (keys, varints, fields of any wire type) to build the broken
// ones an engine never sends. Written independently of the reader it checks: fields are emitted
// the way Go's gogo/protobuf marshaller emits them (in field order, zero values left out).
import type {
  BuildKitRange,
  BuildKitStatus,
  BuildKitVertex,
  BuildKitVertexLog,
  BuildKitVertexStatus,
  BuildKitVertexWarning,
} from '../../../src/build/index.js';

export function varint(value: number | bigint): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return out;
}

export function key(number: number, wireType: number): number[] {
  return varint((BigInt(number) << 3n) | BigInt(wireType));
}

export const field = {
  varint: (number: number, value: number | bigint | boolean): number[] => [...key(number, 0), ...varint(typeof value === 'boolean' ? Number(value) : value)],
  bytes: (number: number, value: Uint8Array | string | number[]): number[] => {
    const bytes = typeof value === 'string' ? [...Buffer.from(value, 'utf8')] : [...value];
    return [...key(number, 2), ...varint(bytes.length), ...bytes];
  },
  fixed64: (number: number, value: bigint): number[] => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt.asUintN(64, value));
    return [...key(number, 1), ...buffer];
  },
  fixed32: (number: number, value: number): number[] => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value >>> 0);
    return [...key(number, 5), ...buffer];
  },
};

// Proto3: a field at its zero value is not written.
const text = (number: number, value: string) => (value === '' ? [] : field.bytes(number, value));
const integer = (number: number, value: number) => (value === 0 ? [] : field.varint(number, value));
const flag = (number: number, value: boolean) => (value ? field.varint(number, 1) : []);
const data = (number: number, value: Uint8Array) => (value.length === 0 ? [] : field.bytes(number, value));

export function timestamp(number: number, date: Date | undefined): number[] {
  if (!date) return [];
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return field.bytes(number, [...integer(1, seconds), ...integer(2, (ms - seconds * 1000) * 1e6)]);
}

function vertex(value: BuildKitVertex): number[] {
  const group = value.progressGroup;
  return [
    ...text(1, value.digest),
    ...value.inputs.flatMap((input) => field.bytes(2, input)),
    ...text(3, value.name),
    ...flag(4, value.cached),
    ...timestamp(5, value.started),
    ...timestamp(6, value.completed),
    ...text(7, value.error),
    ...(group ? field.bytes(8, [...text(1, group.id), ...text(2, group.name), ...flag(3, group.weak)]) : []),
  ];
}

function vertexStatus(value: BuildKitVertexStatus): number[] {
  return [
    ...text(1, value.id),
    ...text(2, value.vertex),
    ...text(3, value.name),
    ...integer(4, value.current),
    ...integer(5, value.total),
    ...timestamp(6, value.timestamp),
    ...timestamp(7, value.started),
    ...timestamp(8, value.completed),
  ];
}

function vertexLog(value: BuildKitVertexLog): number[] {
  return [...text(1, value.vertex), ...timestamp(2, value.timestamp), ...integer(3, value.stream), ...data(4, value.data)];
}

function range(value: BuildKitRange): number[] {
  const position = (p: { line: number; character: number }) => [...integer(1, p.line), ...integer(2, p.character)];
  return [...field.bytes(1, position(value.start)), ...field.bytes(2, position(value.end))];
}

function vertexWarning(value: BuildKitVertexWarning): number[] {
  const info = value.info;
  return [
    ...text(1, value.vertex),
    ...integer(2, value.level),
    ...text(3, value.short),
    ...value.detail.flatMap((line) => field.bytes(4, line)),
    ...text(5, value.url),
    ...(info ? field.bytes(6, [...text(1, info.filename), ...data(2, info.data), ...text(4, info.language)]) : []),
    ...value.ranges.flatMap((item) => field.bytes(7, range(item))),
  ];
}

export function encodeStatus(status: Partial<BuildKitStatus>): Uint8Array {
  return Uint8Array.from([
    ...(status.vertexes ?? []).flatMap((item) => field.bytes(1, vertex(item))),
    ...(status.statuses ?? []).flatMap((item) => field.bytes(2, vertexStatus(item))),
    ...(status.logs ?? []).flatMap((item) => field.bytes(3, vertexLog(item))),
    ...(status.warnings ?? []).flatMap((item) => field.bytes(4, vertexWarning(item))),
  ]);
}

/** The `aux` text of a `moby.buildkit.trace` message carrying `status`. */
export function traceAux(status: Partial<BuildKitStatus>): string {
  return Buffer.from(encodeStatus(status)).toString('base64');
}

/** A step with every field at its zero value, overridden by `fields`. */
export function step(fields: Partial<BuildKitVertex>): BuildKitVertex {
  return { digest: '', inputs: [], name: '', cached: false, error: '', ...fields };
}
