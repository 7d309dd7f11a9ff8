// Inputs and checks shared by the property tests of the decoders (test/unit/*.property.test.ts):
// a valid stream cut into chunks at arbitrary points, the same stream damaged at random, and the
// rule every decoder must keep on any input: it ends, with results or with one of the project's
// typed errors.
import fc from 'fast-check';
import { DockerError } from '../../../src/errors.js';

/** Where to cut a stream: arbitrary numbers, reduced modulo its length (repeats give empty chunks). */
export const cutPoints = fc.array(fc.nat(), { maxLength: 12 });

/**
 * The stream in chunks, each copied into memory of its own between guard bytes: a decoder that
 * reads past a chunk's end, or mistakes its offset in the underlying ArrayBuffer, sees junk there
 * instead of the neighbouring bytes of the stream.
 */
export function splitAt(bytes: Uint8Array, points: number[]): Buffer[] {
  const cuts = points.map((point) => point % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(isolated(bytes.subarray(start, cut)));
    start = cut;
  }
  return chunks;
}

function isolated(bytes: Uint8Array): Buffer {
  const memory = Buffer.alloc(bytes.length + 16, 0xa5);
  memory.set(bytes, 8);
  return memory.subarray(8, 8 + bytes.length);
}

export async function* chunksOf(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

export type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

export const mutations = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  ),
  { minLength: 1, maxLength: 4 },
);

export function mutate(bytes: Uint8Array, list: Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const mutation of list) {
    const at = mutation.at % (out.length + 1);
    if (mutation.kind === 'flip') {
      if (out.length > 0) out[at % out.length]! ^= mutation.mask;
    } else if (mutation.kind === 'truncate') out = out.subarray(0, at);
    else if (mutation.kind === 'insert') out = Buffer.concat([out.subarray(0, at), mutation.bytes, out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at), out.subarray(at + mutation.length)]);
  }
  return out;
}

export interface Outcome<T> {
  items: T[];
  error?: unknown;
}

/** Reads everything, keeping the items that came before a failure; fails the test if it never ends. */
export async function outcomeOf<T>(source: AsyncIterable<T>, ms = 2000): Promise<Outcome<T>> {
  const items: T[] = [];
  const reading = (async (): Promise<Outcome<T>> => {
    try {
      for await (const item of source) items.push(item);
      return { items };
    } catch (error) {
      return { items, error };
    }
  })();
  return settlesWithin(reading, ms);
}

export async function settlesWithin<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`decoding did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Throws unless the decoder ended cleanly or with one of the project's typed errors. */
export function assertTyped(error: unknown): void {
  if (error === undefined || error instanceof DockerError) return;
  throw new Error(`the decoder failed with an untyped error: ${describeError(error)}`, { cause: error });
}

/** An error as a comparable value: its class and message. */
export function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : `non-error ${String(error)}`;
}
