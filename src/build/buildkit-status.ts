// The progress records of a BuildKit build, decoded. The engine streams each as a message
// `{"id":"moby.buildkit.trace","aux":"<base64>"}` whose aux is BuildKit's protobuf
// `moby.buildkit.v1.StatusResponse` (api/services/control/control.proto): the build steps
// (vertexes) as they start, finish, fail or are found cached, byte counts of transfers
// (statuses), the output of steps (logs) and warnings. Field numbers below are those of that file
// and of solver/pb/ops.proto; fields this code does not know are skipped, so newer engines that
// add fields still decode. Proto3 leaves out fields at their zero value: a missing string is "",
// a missing number 0, a missing flag false.
import { DockerResponseError, type DockerErrorContext } from '../errors.js';
import { signedInteger, text, WIRE_LENGTH_DELIMITED, WIRE_VARINT, wireFields, type WireField } from '../protocols/protobuf-wire.js';

/** One step of the build graph (a `FROM`, a `RUN`, loading the Dockerfile, exporting the image, …). */
export interface BuildKitVertex {
  /** The step's identity: every record about it names this digest. */
  digest: string;
  /** Digests of the steps whose result this one uses. */
  inputs: string[];
  /** What the step is, as BuildKit shows it: `[stage-0 2/3] RUN make`, `[internal] load .dockerignore`. */
  name: string;
  /** The result was taken from the build cache instead of being made again. */
  cached: boolean;
  started?: Date;
  completed?: Date;
  /** Why the step failed; "" unless it did. */
  error: string;
  /** Steps shown together (e.g. the layers of one image pull). */
  progressGroup?: { id: string; name: string; weak: boolean };
}

/** Progress of one piece of work inside a step, mostly a transfer counted in bytes. */
export interface BuildKitVertexStatus {
  /** What is counted, e.g. `transferring context:` or `sha256:…` of a layer. */
  id: string;
  /** The step it belongs to (a vertex digest). */
  vertex: string;
  name: string;
  current: number;
  /** 0 while unknown. */
  total: number;
  timestamp?: Date;
  started?: Date;
  completed?: Date;
}

/** A piece of a step's output. */
export interface BuildKitVertexLog {
  vertex: string;
  /** 1 for stdout, 2 for stderr. */
  stream: number;
  /** Raw output bytes; a line may be split across records. */
  data: Uint8Array;
  timestamp?: Date;
}

/** A place in a source file (1-based line, as BuildKit numbers Dockerfile lines). */
export interface BuildKitRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A warning about the build, e.g. from the Dockerfile checks of newer engines. */
export interface BuildKitVertexWarning {
  vertex: string;
  level: number;
  short: string;
  detail: string[];
  url: string;
  /** The file the warning is about (the Dockerfile), with its content. */
  info?: { filename: string; data: Uint8Array; language: string };
  ranges: BuildKitRange[];
}

/** One decoded `moby.buildkit.trace` record. */
export interface BuildKitStatus {
  vertexes: BuildKitVertex[];
  statuses: BuildKitVertexStatus[];
  logs: BuildKitVertexLog[];
  warnings: BuildKitVertexWarning[];
}

// Base64 as Go's encoding/json writes []byte: the standard alphabet, padded.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the `aux` of a `moby.buildkit.trace` message; malformed input fails with DockerResponseError. */
export function decodeBuildKitTrace(aux: unknown, context: DockerErrorContext = {}): BuildKitStatus {
  if (typeof aux !== 'string' || !BASE64.test(aux)) {
    const shown = typeof aux === 'string' ? JSON.stringify(aux.slice(0, 40)) : typeof aux;
    throw new DockerResponseError(`a BuildKit trace record is not base64 text: ${shown}`, context);
  }
  const bytes = Buffer.from(aux, 'base64');
  // Plain Uint8Array views, so the raw fields (log data) are the type they are declared as.
  return decodeStatusResponse(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), context);
}

/** Decodes a protobuf `moby.buildkit.v1.StatusResponse`. */
export function decodeStatusResponse(bytes: Uint8Array, context: DockerErrorContext = {}): BuildKitStatus {
  const status: BuildKitStatus = { vertexes: [], statuses: [], logs: [], warnings: [] };
  for (const field of embedded(bytes, context)) {
    if (field.number === 1) status.vertexes.push(vertex(field.bytes, context));
    else if (field.number === 2) status.statuses.push(vertexStatus(field.bytes, context));
    else if (field.number === 3) status.logs.push(vertexLog(field.bytes, context));
    else if (field.number === 4) status.warnings.push(vertexWarning(field.bytes, context));
  }
  return status;
}

// The fields of a message, leaving out those whose wire type is not the one the schema gives the
// number: read as unknown fields, as protobuf's own decoders do for a changed field.
function* embedded(bytes: Uint8Array, context: DockerErrorContext): Generator<WireField> {
  for (const field of wireFields(bytes, context)) if (field.wireType === WIRE_LENGTH_DELIMITED) yield field;
}

function* scalars(bytes: Uint8Array, context: DockerErrorContext, varintFields: ReadonlySet<number>): Generator<WireField> {
  for (const field of wireFields(bytes, context)) {
    const expected = varintFields.has(field.number) ? WIRE_VARINT : WIRE_LENGTH_DELIMITED;
    if (field.wireType === expected) yield field;
  }
}

const VERTEX_VARINTS = new Set([4]);

function vertex(bytes: Uint8Array, context: DockerErrorContext): BuildKitVertex {
  const result: BuildKitVertex = { digest: '', inputs: [], name: '', cached: false, error: '' };
  for (const field of scalars(bytes, context, VERTEX_VARINTS)) {
    if (field.number === 1) result.digest = text(field);
    else if (field.number === 2) result.inputs.push(text(field));
    else if (field.number === 3) result.name = text(field);
    else if (field.number === 4) result.cached = field.integer !== 0n;
    else if (field.number === 5) result.started = timestamp(field.bytes, context);
    else if (field.number === 6) result.completed = timestamp(field.bytes, context);
    else if (field.number === 7) result.error = text(field);
    else if (field.number === 8) result.progressGroup = progressGroup(field.bytes, context);
  }
  return result;
}

const GROUP_VARINTS = new Set([3]);

function progressGroup(bytes: Uint8Array, context: DockerErrorContext): NonNullable<BuildKitVertex['progressGroup']> {
  const result = { id: '', name: '', weak: false };
  for (const field of scalars(bytes, context, GROUP_VARINTS)) {
    if (field.number === 1) result.id = text(field);
    else if (field.number === 2) result.name = text(field);
    else if (field.number === 3) result.weak = field.integer !== 0n;
  }
  return result;
}

const STATUS_VARINTS = new Set([4, 5]);

function vertexStatus(bytes: Uint8Array, context: DockerErrorContext): BuildKitVertexStatus {
  const result: BuildKitVertexStatus = { id: '', vertex: '', name: '', current: 0, total: 0 };
  for (const field of scalars(bytes, context, STATUS_VARINTS)) {
    if (field.number === 1) result.id = text(field);
    else if (field.number === 2) result.vertex = text(field);
    else if (field.number === 3) result.name = text(field);
    else if (field.number === 4) result.current = signedInteger(field);
    else if (field.number === 5) result.total = signedInteger(field);
    else if (field.number === 6) result.timestamp = timestamp(field.bytes, context);
    else if (field.number === 7) result.started = timestamp(field.bytes, context);
    else if (field.number === 8) result.completed = timestamp(field.bytes, context);
  }
  return result;
}

const LOG_VARINTS = new Set([3]);

function vertexLog(bytes: Uint8Array, context: DockerErrorContext): BuildKitVertexLog {
  const result: BuildKitVertexLog = { vertex: '', stream: 0, data: new Uint8Array(0) };
  for (const field of scalars(bytes, context, LOG_VARINTS)) {
    if (field.number === 1) result.vertex = text(field);
    else if (field.number === 2) result.timestamp = timestamp(field.bytes, context);
    else if (field.number === 3) result.stream = signedInteger(field);
    else if (field.number === 4) result.data = field.bytes;
  }
  return result;
}

const WARNING_VARINTS = new Set([2]);

function vertexWarning(bytes: Uint8Array, context: DockerErrorContext): BuildKitVertexWarning {
  const result: BuildKitVertexWarning = { vertex: '', level: 0, short: '', detail: [], url: '', ranges: [] };
  for (const field of scalars(bytes, context, WARNING_VARINTS)) {
    if (field.number === 1) result.vertex = text(field);
    else if (field.number === 2) result.level = signedInteger(field);
    else if (field.number === 3) result.short = text(field);
    else if (field.number === 4) result.detail.push(text(field));
    else if (field.number === 5) result.url = text(field);
    else if (field.number === 6) result.info = sourceInfo(field.bytes, context);
    else if (field.number === 7) result.ranges.push(range(field.bytes, context));
  }
  return result;
}

// pb.SourceInfo's field 3 (the LLB definition of a frontend) is left out: it is only of use to
// BuildKit itself.
function sourceInfo(bytes: Uint8Array, context: DockerErrorContext): NonNullable<BuildKitVertexWarning['info']> {
  const result: NonNullable<BuildKitVertexWarning['info']> = { filename: '', data: new Uint8Array(0), language: '' };
  for (const field of embedded(bytes, context)) {
    if (field.number === 1) result.filename = text(field);
    else if (field.number === 2) result.data = field.bytes;
    else if (field.number === 4) result.language = text(field);
  }
  return result;
}

function range(bytes: Uint8Array, context: DockerErrorContext): BuildKitRange {
  const result = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (const field of embedded(bytes, context)) {
    if (field.number === 1) result.start = position(field.bytes, context);
    else if (field.number === 2) result.end = position(field.bytes, context);
  }
  return result;
}

function position(bytes: Uint8Array, context: DockerErrorContext): { line: number; character: number } {
  const result = { line: 0, character: 0 };
  for (const field of wireFields(bytes, context)) {
    if (field.wireType !== WIRE_VARINT) continue;
    if (field.number === 1) result.line = signedInteger(field);
    else if (field.number === 2) result.character = signedInteger(field);
  }
  return result;
}

// google.protobuf.Timestamp: seconds since the Unix epoch (1) and nanoseconds (2). A time no Date
// can hold (beyond ±8.64e15 ms) is left out rather than turned into an Invalid Date.
function timestamp(bytes: Uint8Array, context: DockerErrorContext): Date | undefined {
  let seconds = 0;
  let nanos = 0;
  for (const field of wireFields(bytes, context)) {
    if (field.wireType !== WIRE_VARINT) continue;
    if (field.number === 1) seconds = signedInteger(field);
    else if (field.number === 2) nanos = signedInteger(field);
  }
  const date = new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
