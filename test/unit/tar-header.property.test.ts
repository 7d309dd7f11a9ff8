// Property tests of the tar header encoder (src/archive/tar-header.ts), proved by round trip:
// entries with any name (long, non-ASCII, bytes that are not UTF-8), link target, size, mode,
// owner and type are encoded, read back by tar-stream from chunks cut anywhere, and must come
// back as they went in, PAX records included.
import fc from 'fast-check';
import { extract, type Headers } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  encodeTarHeader,
  paddingFor,
  writeSimpleTarHeader,
  ZERO_BLOCKS,
  type TarEntryType,
  type TarHeader,
} from '../../src/protocols/tar-header.js';
import { cutPoints, settlesWithin, splitAt } from './support/hostile-input.js';

const TYPES: TarEntryType[] = ['file', 'link', 'symlink', 'character-device', 'block-device', 'directory', 'fifo'];
const MAX_OCTAL_11 = 8 ** 11 - 1;

const printable = fc.constantFrom(...'abcxyz019-_. +~#%'.split(''));
const segment = fc.oneof(
  fc.string({ unit: printable, minLength: 1, maxLength: 12 }),
  fc.string({ unit: printable, minLength: 1, maxLength: 160, size: 'max' }),
);
// File names as a file system holds them: never NUL, never ending in `/` (readers take that for a folder).
const nameArb: fc.Arbitrary<string | Uint8Array> = fc
  .oneof(
    fc.string({ unit: printable, minLength: 1, maxLength: 100, size: 'max' }),
    // Paths around the 100-byte name and 155-byte prefix fields, and past both.
    fc.array(segment, { minLength: 2, maxLength: 10 }).map((parts) => parts.join('/')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60, size: 'max' }).filter((name) => Buffer.from(name).toString() === name),
    fc.array(fc.constantFrom('é', '😀', '中', 'ü', 'a', '/'), { minLength: 1, maxLength: 70, size: 'max' }).map((parts) => parts.join('')),
    fc.uint8Array({ minLength: 1, maxLength: 300, size: 'max' }),
  )
  .map((name) => (typeof name === 'string' ? name.replace(/\0/g, 'n') : name.map((byte) => byte || 0x6e)))
  .filter((name) => name.length > 0 && (typeof name === 'string' ? !name.endsWith('/') : name[name.length - 1] !== 0x2f));

interface Entry {
  header: TarHeader;
  content: Buffer;
}

const entryArb: fc.Arbitrary<Entry> = fc
  .record(
    {
      name: nameArb,
      type: fc.constantFrom(...TYPES),
      mode: fc.integer({ min: 0, max: 0xffff }),
      mtime: fc.oneof(fc.integer({ min: -100, max: 2 ** 35 }), fc.double({ min: 0, max: 2 ** 34, noNaN: true })),
      linkname: nameArb,
      content: fc.uint8Array({ maxLength: 1100, size: 'max' }),
      uid: fc.nat(2 ** 32 - 1),
      gid: fc.nat(2 ** 32 - 1),
      devmajor: fc.nat(2 ** 32 - 1),
      devminor: fc.nat(2 ** 32 - 1),
    },
    { requiredKeys: ['name', 'type', 'mode', 'mtime', 'content'] },
  )
  .map(({ content, ...header }) => {
    const bytes = header.type === 'file' ? Buffer.from(content) : Buffer.alloc(0);
    return { header: { ...header, size: header.type === 'file' ? bytes.length : undefined }, content: bytes };
  });

/** What tar-stream reads back: the encoded headers, or a mismatch of the fast path against them. */
function archive(entries: Entry[], simple: boolean[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach(({ header, content }, index) => {
    const encoded = encodeTarHeader(header);
    if (simple[index]) {
      // The fast path writes into a shared buffer at any offset: a single block equal to the full encoder's, or nothing.
      const target = Buffer.alloc(3 * BLOCK_SIZE, 0xa5);
      const written = writeSimpleTarHeader(target, 700, header);
      if (written) expect(target.subarray(700, 700 + BLOCK_SIZE).equals(encoded)).toBe(true);
      else expect(target.equals(Buffer.alloc(3 * BLOCK_SIZE, 0xa5))).toBe(true);
      expect(
        target.subarray(0, 700).equals(Buffer.alloc(700, 0xa5)) &&
          target.subarray(700 + BLOCK_SIZE).equals(Buffer.alloc(3 * BLOCK_SIZE - 700 - BLOCK_SIZE, 0xa5)),
      ).toBe(true);
    }
    expect(encoded.length % BLOCK_SIZE).toBe(0);
    parts.push(encoded, content, Buffer.alloc(paddingFor(content.length)));
  });
  return Buffer.concat([...parts, ZERO_BLOCKS]);
}

async function readBack(chunks: Buffer[]): Promise<Array<{ header: Headers; content: Buffer }>> {
  const reader = extract();
  const entries: Array<{ header: Headers; content: Buffer }> = [];
  reader.on('entry', (header, stream, next) => {
    const parts: Buffer[] = [];
    stream.on('data', (part: Buffer) => parts.push(part));
    stream.on('end', () => {
      entries.push({ header, content: Buffer.concat(parts) });
      next();
    });
  });
  const finished = new Promise((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  for (const chunk of chunks) reader.write(chunk);
  reader.end();
  await settlesWithin(finished);
  return entries;
}

const bytesOf = (value: string | Uint8Array) => (typeof value === 'string' ? Buffer.from(value) : Buffer.from(value));

/**
 * The PAX records of an encoded header, read from its bytes: tar-stream decodes every PAX value
 * as UTF-8, so a name that is not UTF-8 can only be compared byte for byte here.
 */
function paxRecords(encoded: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  if (encoded[156] !== 0x78) return records;
  const size = parseInt(encoded.toString('latin1', 124, 136), 8);
  let body = encoded.subarray(BLOCK_SIZE, BLOCK_SIZE + size);
  while (body.length > 0) {
    const space = body.indexOf(0x20);
    const length = Number(body.toString('latin1', 0, space));
    const record = body.subarray(space + 1, length);
    const equals = record.indexOf(0x3d);
    expect(record.at(-1)).toBe(0x0a);
    records.set(record.toString('latin1', 0, equals), record.subarray(equals + 1, record.length - 1));
    body = body.subarray(length);
  }
  return records;
}

function expectReadBack(entry: Entry, read: { header: Headers; content: Buffer }): void {
  const { header } = entry;
  let name = bytesOf(header.name);
  if (header.type === 'directory' && name[name.length - 1] !== 0x2f) name = Buffer.concat([name, Buffer.from('/')]);
  const link = header.linkname === undefined ? undefined : bytesOf(header.linkname);
  // tar-stream reads a name as UTF-8; where the bytes are not UTF-8 it sees the same replacement characters.
  expect(read.header.name).toBe(name.toString('utf8'));
  expect(read.header.linkname ?? undefined).toBe(link?.length ? link.toString('utf8') : undefined);
  const encoded = encodeTarHeader(header);
  const pax = paxRecords(encoded);
  if (pax.has('path')) expect(pax.get('path')!.equals(name)).toBe(true);
  if (pax.has('linkpath')) expect(pax.get('linkpath')!.equals(link!)).toBe(true);
  // Readers that ignore PAX records get printable ASCII stand-ins in the ustar fields.
  const block = encoded.subarray(encoded.length - BLOCK_SIZE);
  for (const [key, offset] of [
    ['path', 0],
    ['linkpath', 157],
  ] as const) {
    const field = block.subarray(offset, offset + 100);
    const stand = field.subarray(0, field.indexOf(0) === -1 ? 100 : field.indexOf(0));
    if (pax.has(key)) expect(stand.length > 0 && stand.every((byte) => byte >= 0x20 && byte < 0x7f)).toBe(true);
  }
  expect(read.header.type).toBe(header.type);
  expect(read.header.mode).toBe(header.mode & 0o7777);
  expect(read.header.uid).toBe(header.uid ?? 0);
  expect(read.header.gid).toBe(header.gid ?? 0);
  expect(read.header.size).toBe(entry.content.length);
  expect(read.header.mtime!.getTime() / 1000).toBe(Math.trunc(Math.min(Math.max(header.mtime, 0), MAX_OCTAL_11)));
  expect(read.header.devmajor).toBe(header.devmajor ?? 0);
  expect(read.header.devminor).toBe(header.devminor ?? 0);
  expect(read.content.equals(entry.content)).toBe(true);
}

describe('encodeTarHeader', () => {
  it('writes entries tar-stream reads back as they went in, from any cut of the archive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        cutPoints,
        async (entries, simple, cuts) => {
          const read = await readBack(splitAt(archive(entries, simple), cuts));
          expect(read).toHaveLength(entries.length);
          entries.forEach((entry, index) => expectReadBack(entry, read[index]!));
        },
      ),
      { numRuns: 250 },
    );
  });

  it('carries a size of 8 GiB and more in a PAX record', async () => {
    const size = fc.oneof(fc.constantFrom(MAX_OCTAL_11 - 1, MAX_OCTAL_11, MAX_OCTAL_11 + 1), fc.integer({ min: MAX_OCTAL_11, max: Number.MAX_SAFE_INTEGER }));
    await fc.assert(
      fc.asyncProperty(nameArb, size, cutPoints, async (name, bytes, cuts) => {
        const encoded = encodeTarHeader({ name, type: 'file', mode: 0o644, mtime: 0, size: bytes });
        // The content never comes: the header alone must say how much of it there is.
        const reader = extract();
        const header = new Promise<Headers>((resolve, reject) => {
          reader.on('entry', (entry) => resolve(entry));
          reader.on('error', reject);
        });
        for (const chunk of splitAt(encoded, cuts)) reader.write(chunk);
        const read = await settlesWithin(header);
        reader.destroy();
        expect(read.size).toBe(bytes);
        expect(read.name).toBe(bytesOf(name).toString('utf8'));
        expect(paxRecords(encoded).has('size')).toBe(bytes > MAX_OCTAL_11);
      }),
      { numRuns: 100 },
    );
  });
});
