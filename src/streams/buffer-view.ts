// Buffers that show part of another buffer's memory without copying it. `buffer.subarray()` makes
// the same thing, but on Node 20 it costs about three times as much: it reads `buffer.buffer`
// (a slow getter) and normalises its arguments on every call. A multiplexed stream of small frames
// makes one view per frame, and there that difference decides the throughput.

/**
 * A Uint8Array whose prototype chain runs through Buffer's, so its instances are Buffers in every
 * way that matters (`Buffer.isBuffer`, `instanceof Buffer`, all of Buffer's methods), built the way
 * Node builds its own (an explicit three-argument constructor, like Node's FastBuffer). Anonymous
 * on purpose: tools that keep class names (esbuild's keepNames, which tsx turns on) redefine
 * `name` on a named class, and V8 11 then stops optimising construction of a typed-array subclass,
 * making every view some fifteen times slower.
 */
const BufferView = (() =>
  class extends Uint8Array {
    constructor(memory: ArrayBufferLike, byteOffset: number, length: number) {
      // A SharedArrayBuffer works the same; TypeScript's overloads only keep the two apart.
      super(memory as ArrayBuffer, byteOffset, length);
    }
  })();
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);
// What `buffer.constructor` says for any other Buffer.
Object.defineProperty(BufferView.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });

/** `length` bytes of `memory` from `byteOffset` (an offset into the ArrayBuffer itself), as a Buffer. */
export function bufferView(memory: ArrayBufferLike, byteOffset: number, length: number): Buffer {
  return new BufferView(memory, byteOffset, length) as unknown as Buffer;
}
