// Encodes tar headers (POSIX ustar, with a PAX extended header where ustar cannot hold a value:
// long or non-ASCII names and link targets, sizes of 8 GiB and more). Names may be bytes, so a
// file whose name is not valid UTF-8 keeps its exact name in the archive, as Docker's own tar
// writer does. The common case (a short ASCII name) is written straight into the caller's buffer.
// Written here, not taken from tar-stream's packer: tar-stream takes names as strings (so a name
// that is not UTF-8 cannot keep its bytes) and makes a buffer for each header, where build contexts of many
// small files need the header written straight into the output buffer.

export type TarEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

export interface TarHeader {
  /** Path inside the archive, without a leading `/`; a folder's trailing `/` is added if missing. */
  name: Uint8Array | string;
  type: TarEntryType;
  /** Permission bits, including setuid, setgid and sticky; other bits are ignored. */
  mode: number;
  /** Content length in bytes (regular files only). */
  size?: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  /** Target of a symbolic or hard link. */
  linkname?: Uint8Array | string;
  devmajor?: number;
  devminor?: number;
  uid?: number;
  gid?: number;
}

export const BLOCK_SIZE = 512;
const NAME_SIZE = 100;
const PREFIX_SIZE = 155;
const MAX_OCTAL_11 = 0o77777777777;
const TYPE_FLAGS: Record<TarEntryType, number> = {
  file: 0x30,
  link: 0x31,
  symlink: 0x32,
  'character-device': 0x33,
  'block-device': 0x34,
  directory: 0x35,
  fifo: 0x36,
};
const PAX_FLAG = 0x78; // 'x'
const USTAR_MAGIC = Buffer.from('ustar\u000000', 'latin1');
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what a ustar field cannot hold.
const NOT_PLAIN_ASCII = /[^\x01-\x7f]/;

/** Zero bytes that pad content to whole blocks, and the two blocks that end an archive. */
export const ZERO_BLOCKS = Buffer.alloc(2 * BLOCK_SIZE);

export function paddingFor(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

interface UstarFields {
  name: Buffer | string;
  prefix?: Buffer;
  linkname?: Buffer | string;
  typeFlag: number;
  size: number;
  header: TarHeader;
}

// Zero-padded octal digits then a NUL. Returns the sum of the bytes written (for the checksum).
function writeOctal(block: Buffer, value: number, offset: number, width: number): number {
  let rest = Math.trunc(value);
  let sum = 0;
  block[offset + width - 1] = 0;
  for (let index = offset + width - 2; index >= offset; index--) {
    const digit = 0x30 + (rest % 8);
    block[index] = digit;
    sum += digit;
    rest = Math.floor(rest / 8);
  }
  return sum;
}

// A number too large for its octal field (a uid of a directory user, say) in base-256, the GNU
// extension that Go, GNU tar, bsdtar and tar-stream all read: 0x80, then the value big-endian.
// Written in octal it would lose its high digits and read back as another number.
function writeNumeric(block: Buffer, value: number, offset: number, width: number): number {
  let rest = Math.trunc(value);
  if (rest < 8 ** (width - 1)) return writeOctal(block, rest, offset, width);
  let sum = 0x80;
  block[offset] = 0x80;
  for (let index = offset + width - 1; index > offset; index--) {
    block[index] = rest % 256;
    sum += rest % 256;
    rest = Math.floor(rest / 256);
  }
  return sum;
}

// Copies at most `limit` bytes of a latin1 string or a buffer; returns the sum of the bytes written.
function writeText(block: Buffer, value: Buffer | string, offset: number, limit: number): number {
  let sum = 0;
  if (typeof value === 'string') {
    const length = Math.min(value.length, limit);
    block.write(value, offset, length, 'latin1');
    for (let index = 0; index < length; index++) sum += value.charCodeAt(index) & 0xff;
  } else {
    const length = Math.min(value.length, limit);
    value.copy(block, offset, 0, length);
    for (let index = 0; index < length; index++) sum += value[index]!;
  }
  return sum;
}

const MAGIC_SUM = USTAR_MAGIC.reduce((sum, byte) => sum + byte, 0);
const CHECKSUM_AS_SPACES = 8 * 0x20;

// One 512-byte ustar block at `offset` of `target`; name and link must already fit their fields.
// The checksum is the sum of the block's bytes with its own field read as spaces, added up while writing.
function writeUstarBlock(target: Buffer, offset: number, fields: UstarFields): void {
  const { header } = fields;
  target.fill(0, offset, offset + BLOCK_SIZE);
  let sum = CHECKSUM_AS_SPACES + MAGIC_SUM + fields.typeFlag;
  sum += writeText(target, fields.name, offset, NAME_SIZE);
  sum += writeOctal(target, header.mode & 0o7777, offset + 100, 8);
  sum += writeNumeric(target, header.uid ?? 0, offset + 108, 8);
  sum += writeNumeric(target, header.gid ?? 0, offset + 116, 8);
  sum += writeOctal(target, fields.size, offset + 124, 12);
  sum += writeOctal(target, Math.min(Math.max(header.mtime, 0), MAX_OCTAL_11), offset + 136, 12);
  target[offset + 156] = fields.typeFlag;
  if (fields.linkname !== undefined) sum += writeText(target, fields.linkname, offset + 157, NAME_SIZE);
  USTAR_MAGIC.copy(target, offset + 257);
  sum += writeNumeric(target, header.devmajor ?? 0, offset + 329, 8);
  sum += writeNumeric(target, header.devminor ?? 0, offset + 337, 8);
  if (fields.prefix) sum += writeText(target, fields.prefix, offset + 345, PREFIX_SIZE);
  writeOctal(target, sum, offset + 148, 7);
  target[offset + 155] = 0x20;
}

function entryName(header: TarHeader): Buffer | string {
  const { name } = header;
  if (header.type !== 'directory') return typeof name === 'string' ? name : Buffer.from(name.buffer, name.byteOffset, name.byteLength);
  if (typeof name === 'string') return name.endsWith('/') ? name : `${name}/`;
  return name[name.length - 1] === 0x2f ? Buffer.from(name) : Buffer.concat([name, Buffer.from('/')]);
}

/**
 * Writes the header at `offset` of `target` when it is a single ustar block (a short ASCII name
 * and link, a size below 8 GiB) and returns true; returns false, writing nothing, otherwise.
 */
export function writeSimpleTarHeader(target: Buffer, offset: number, header: TarHeader): boolean {
  const name = entryName(header);
  const size = header.type === 'file' ? (header.size ?? 0) : 0;
  if (!isShortAscii(name) || size > MAX_OCTAL_11) return false;
  const { linkname } = header;
  if (linkname !== undefined && !isShortAscii(linkname)) return false;
  writeUstarBlock(target, offset, { name, linkname, typeFlag: TYPE_FLAGS[header.type], size, header });
  return true;
}

function isShortAscii(value: Buffer | Uint8Array | string): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= NAME_SIZE && !NOT_PLAIN_ASCII.test(value);
}

function bytesOf(value: Buffer | Uint8Array | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function isPlainAscii(bytes: Buffer): boolean {
  for (let index = 0; index < bytes.length; index++) if (bytes[index] === 0 || bytes[index]! >= 0x80) return false;
  return true;
}

// Splits a long ASCII name at a `/` into ustar's prefix and name fields, when they fit.
function splitUstar(name: Buffer): { prefix: Buffer; rest: Buffer } | undefined {
  if (name.length <= NAME_SIZE || !isPlainAscii(name)) return undefined;
  const slash = name.lastIndexOf(0x2f, Math.min(name.length, PREFIX_SIZE + 1) - 1);
  if (slash <= 0) return undefined;
  const rest = name.subarray(slash + 1);
  if (rest.length === 0 || rest.length > NAME_SIZE || slash > PREFIX_SIZE) return undefined;
  return { prefix: name.subarray(0, slash), rest };
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), value, Buffer.from('\n', 'latin1')]);
  // The length prefix counts itself, so it may need one more digit than the body alone suggests.
  let length = body.length + String(body.length).length;
  if (String(length).length !== String(body.length).length) length = body.length + String(length).length;
  return Buffer.concat([Buffer.from(String(length), 'latin1'), body]);
}

// A stand-in name for readers that ignore PAX headers: printable ASCII, at most 100 bytes.
function fallbackName(name: Buffer): Buffer {
  const ascii = Buffer.from(name.subarray(Math.max(0, name.length - NAME_SIZE)));
  for (let index = 0; index < ascii.length; index++) if (ascii[index]! < 0x20 || ascii[index]! >= 0x7f) ascii[index] = 0x5f;
  return ascii;
}

/** The header block(s) of any entry: 512 bytes, or a PAX header with its records before them. */
export function encodeTarHeader(header: TarHeader): Buffer {
  const name = bytesOf(entryName(header));
  const linkname = header.linkname === undefined ? undefined : bytesOf(header.linkname);
  const size = header.type === 'file' ? (header.size ?? 0) : 0;
  const records: Buffer[] = [];
  const fields: UstarFields = { name, linkname, typeFlag: TYPE_FLAGS[header.type], size, header };
  if (name.length > NAME_SIZE || !isPlainAscii(name)) {
    const split = splitUstar(name);
    if (split) Object.assign(fields, { prefix: split.prefix, name: split.rest });
    else {
      records.push(paxRecord('path', name));
      fields.name = fallbackName(name);
    }
  }
  if (linkname && (linkname.length > NAME_SIZE || !isPlainAscii(linkname))) {
    records.push(paxRecord('linkpath', linkname));
    fields.linkname = fallbackName(linkname);
  }
  if (size > MAX_OCTAL_11) {
    records.push(paxRecord('size', Buffer.from(String(size), 'latin1')));
    fields.size = 0;
  }
  if (records.length === 0) {
    const block = Buffer.allocUnsafe(BLOCK_SIZE);
    writeUstarBlock(block, 0, fields);
    return block;
  }
  const pax = Buffer.concat(records);
  const paxPadded = pax.length + paddingFor(pax.length);
  const out = Buffer.alloc(BLOCK_SIZE + paxPadded + BLOCK_SIZE);
  writeUstarBlock(out, 0, { name: 'PaxHeader', typeFlag: PAX_FLAG, size: pax.length, header: { ...header, mode: 0o644 } });
  pax.copy(out, BLOCK_SIZE);
  writeUstarBlock(out, BLOCK_SIZE + paxPadded, fields);
  return out;
}
