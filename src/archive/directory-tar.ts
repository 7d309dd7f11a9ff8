// Streams a folder's contents as a tar archive: entries named relative to the folder, owned by
// uid/gid 0, symbolic links stored as links (never followed), hard links stored once, sockets
// left out. An optional filter (the .dockerignore rules of a build context) decides what goes in.
//
// Speed matters here (build contexts of many small files), so the file system is read with
// synchronous calls in bounded slices: each call of _read fills at most one chunk of CHUNK_SIZE
// bytes and returns, so the event loop keeps turning and backpressure is honoured. File contents
// are read straight into the outgoing chunk; nothing is buffered beyond it.
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Dirent, type Stats } from 'node:fs';
import { addAbortSignal, Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { TarSourceError } from '../errors.js';
import { decodeLikeGo } from '../protocols/go-string-decoding.js';
import { BLOCK_SIZE, encodeTarHeader, paddingFor, writeSimpleTarHeader, ZERO_BLOCKS, type TarHeader } from '../protocols/tar-header.js';

const CHUNK_SIZE = 512 * 1024;

/** Decides which entries of the folder go into the archive (see build/context-filter.ts). */
export interface WalkFilter {
  /** Whether `path` is left out, given its folder's per-pattern results; fills `results` for a folder's entries. */
  excluded(path: string, parent: readonly boolean[] | undefined, results?: boolean[]): boolean;
  /** Whether a left-out folder must still be read because something inside it may be kept. */
  entersExcludedFolder(path: string): boolean;
}

/** A file that exists only in memory, written before the folder's own entries. */
export interface GeneratedEntry {
  name: string;
  content: Buffer;
  mode?: number;
  mtime?: number;
}

export interface DirectoryTarOptions {
  filter?: WalkFilter;
  generated?: readonly GeneratedEntry[];
  /** Relative paths never taken from the folder (a generated entry stands in for them). */
  omit?: ReadonlySet<string>;
  /** Relative paths taken from the folder even when the filter leaves them out. */
  keep?: ReadonlySet<string>;
  signal?: AbortSignal;
}

interface Entry {
  name: string;
  /** The exact bytes of a name that is not valid UTF-8. */
  raw?: Buffer;
  isDirectory: boolean;
}

interface Frame {
  /** Slash path relative to the root, as matched ('' for the root). */
  path: string;
  /** The same path as archive bytes, when some part of it is not valid UTF-8. */
  pathBytes?: Buffer;
  fsPath: string | Buffer;
  entries: Entry[];
  next: number;
  results: readonly boolean[] | undefined;
  /** False for a left-out folder that is read anyway: its header is written once something inside is kept. */
  written: boolean;
}

interface OpenFile {
  fd: number;
  fsPath: string | Buffer;
  remaining: number;
  padding: number;
}

export class DirectoryTarStream extends Readable {
  readonly #root: string;
  readonly #options: DirectoryTarOptions;
  readonly #stack: Frame[] = [];
  readonly #generated: GeneratedEntry[];
  readonly #hardLinks = new Map<string, Buffer | string>();
  #chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  #used = 0;
  #file: OpenFile | undefined;
  #paused = false;
  #started = false;
  #ended = false;

  /** `root` must be an absolute path to a folder (symbolic links in it already resolved). */
  constructor(root: string, options: DirectoryTarOptions = {}) {
    super({ highWaterMark: CHUNK_SIZE });
    this.#root = root;
    this.#options = options;
    this.#generated = [...(options.generated ?? [])];
    if (options.signal) addAbortSignal(options.signal, this);
  }

  override _read(): void {
    this.#paused = false;
    try {
      if (!this.#started) this.#start();
      while (!this.#paused && !this.#ended) this.#step();
    } catch (error) {
      this.destroy(asSourceError(error));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#file) closeSync(this.#file.fd);
    this.#file = undefined;
    callback(error);
  }

  #start(): void {
    this.#started = true;
    const entries = readEntries(this.#root, this.#root);
    this.#stack.push({ path: '', fsPath: this.#root, entries, next: 0, results: undefined, written: true });
  }

  // One unit of work: part of a file's content, a generated entry, or the next folder entry.
  #step(): void {
    if (this.#file) return this.#copyFileContent();
    const generated = this.#generated.shift();
    if (generated) return this.#writeGenerated(generated);
    const frame = this.#stack[this.#stack.length - 1];
    if (!frame) return this.#finish();
    const entry = frame.entries[frame.next++];
    if (!entry) {
      this.#stack.pop();
      return;
    }
    this.#visit(frame, entry);
  }

  #visit(frame: Frame, entry: Entry): void {
    const path = frame.path ? `${frame.path}/${entry.name}` : entry.name;
    if (this.#options.omit?.has(path)) return;
    const filter = this.#options.filter;
    const results = filter && entry.isDirectory ? [] : undefined;
    if (filter?.excluded(path, frame.results, results) && !this.#options.keep?.has(path)) {
      if (entry.isDirectory && filter.entersExcludedFolder(path)) this.#enterFolder(frame, entry, path, results, false);
      return;
    }
    const fsPath = childFsPath(frame.fsPath, entry);
    const stats = lstatOrUndefined(fsPath);
    if (!stats) return; // removed since the folder was read
    this.#writePendingFolders();
    const name = frame.pathBytes || entry.raw ? archiveName(frame, entry) : path;
    if (stats.isDirectory()) {
      this.#writeHeader({ name, type: 'directory', mode: stats.mode, mtime: seconds(stats) });
      this.#enterFolder(frame, entry, path, results, true);
    } else if (stats.isFile()) this.#writeFile(name, fsPath, stats);
    else if (stats.isSymbolicLink())
      this.#writeHeader({ name, type: 'symlink', mode: stats.mode, mtime: seconds(stats), linkname: readlinkSync(fsPath, 'buffer') });
    else if (stats.isFIFO()) this.#writeHeader({ name, type: 'fifo', mode: stats.mode, mtime: seconds(stats) });
    else if (stats.isCharacterDevice() || stats.isBlockDevice()) this.#writeDevice(name, stats);
    // Sockets cannot be archived; Docker leaves them out too.
  }

  #enterFolder(parent: Frame, entry: Entry, path: string, results: boolean[] | undefined, written: boolean): void {
    const fsPath = childFsPath(parent.fsPath, entry);
    let entries: Entry[];
    try {
      entries = readEntries(fsPath, this.#root);
    } catch (error) {
      // A left-out folder that cannot be read hides nothing that could be kept (as BuildKit does).
      if (!written && (error as NodeJS.ErrnoException).code === 'EACCES') return;
      throw error;
    }
    const pathBytes = parent.pathBytes || entry.raw ? (archiveName(parent, entry) as Buffer) : undefined;
    this.#stack.push({ path, pathBytes, fsPath, entries, next: 0, results, written });
  }

  // Left-out folders entered for their contents get their header when the first thing inside is kept.
  #writePendingFolders(): void {
    for (const frame of this.#stack) {
      if (frame.written) continue;
      frame.written = true;
      const stats = lstatSync(frame.fsPath);
      this.#writeHeader({ name: frame.pathBytes ?? frame.path, type: 'directory', mode: stats.mode, mtime: seconds(stats) });
    }
  }

  #writeFile(name: Buffer | string, fsPath: string | Buffer, stats: Stats): void {
    const mtime = seconds(stats);
    if (stats.nlink > 1) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = this.#hardLinks.get(key);
      if (first !== undefined) return this.#writeHeader({ name, type: 'link', mode: stats.mode, mtime, linkname: first });
      this.#hardLinks.set(key, name);
    }
    const fd = openSync(fsPath, 'r');
    this.#writeHeader({ name, type: 'file', mode: stats.mode, mtime, size: stats.size });
    this.#file = { fd, fsPath, remaining: stats.size, padding: paddingFor(stats.size) };
    this.#copyFileContent();
  }

  #writeDevice(name: Buffer | string, stats: Stats): void {
    const rdev = stats.rdev;
    // Linux's encoding of device numbers (glibc's major()/minor()).
    const devmajor = ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
    const devminor = (rdev & 0xff) | ((rdev >>> 12) & ~0xff & 0xfffff);
    const type = stats.isCharacterDevice() ? 'character-device' : 'block-device';
    this.#writeHeader({ name, type, mode: stats.mode, mtime: seconds(stats), devmajor, devminor });
  }

  // Reads the open file straight into the outgoing chunk until it is done or the reader has enough.
  #copyFileContent(): void {
    const file = this.#file!;
    while (file.remaining > 0) {
      if (this.#paused) return;
      const length = Math.min(this.#chunk.length - this.#used, file.remaining);
      const read = readSync(file.fd, this.#chunk, this.#used, length, null);
      if (read === 0) throw new TarSourceError(`${String(file.fsPath)} became shorter while it was being read`, String(file.fsPath), 'CHANGED');
      this.#used += read;
      file.remaining -= read;
      if (this.#used === this.#chunk.length) this.#flush();
    }
    closeSync(file.fd);
    this.#file = undefined;
    this.#write(ZERO_BLOCKS.subarray(0, file.padding));
  }

  #writeGenerated(entry: GeneratedEntry): void {
    const mtime = entry.mtime ?? Math.floor(Date.now() / 1000);
    this.#writeHeader({ name: entry.name, type: 'file', mode: entry.mode ?? 0o600, mtime, size: entry.content.length });
    this.#write(entry.content);
    this.#write(ZERO_BLOCKS.subarray(0, paddingFor(entry.content.length)));
  }

  // Content and padding keep the chunk at a block boundary, so a one-block header always fits.
  #writeHeader(header: TarHeader): void {
    if (!writeSimpleTarHeader(this.#chunk, this.#used, header)) return this.#write(encodeTarHeader(header));
    this.#used += BLOCK_SIZE;
    if (this.#used === this.#chunk.length) this.#flush();
  }

  #finish(): void {
    this.#write(ZERO_BLOCKS);
    this.#flush();
    this.#ended = true;
    this.push(null);
  }

  #write(bytes: Buffer): void {
    let offset = 0;
    while (offset < bytes.length) {
      const length = Math.min(this.#chunk.length - this.#used, bytes.length - offset);
      bytes.copy(this.#chunk, this.#used, offset, offset + length);
      this.#used += length;
      offset += length;
      if (this.#used === this.#chunk.length) this.#flush();
    }
  }

  #flush(): void {
    if (this.#used === 0) return;
    const full = this.#chunk.subarray(0, this.#used);
    this.#chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    this.#used = 0;
    if (!this.push(full)) this.#paused = true;
  }
}

// A folder's entries in name order (Docker walks in lexical order too). Names that are not valid
// UTF-8 come back from Node with U+FFFD in them; only then is the folder read again as bytes.
function readEntries(fsPath: string | Buffer, root: string): Entry[] {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(fsPath, { withFileTypes: true });
  } catch (error) {
    throw asSourceError(error, fsPath, root);
  }
  const entries = dirents.some((dirent) => dirent.name.includes('\ufffd'))
    ? readRawEntries(fsPath)
    : dirents.map((dirent) => ({ name: dirent.name, isDirectory: dirent.isDirectory() }));
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readRawEntries(fsPath: string | Buffer): Entry[] {
  const dirents = readdirSync(fsPath, { withFileTypes: true, encoding: 'buffer' }) as unknown as Dirent<Buffer>[];
  return dirents.map((dirent) => {
    const bytes = dirent.name;
    if (isUtf8(bytes)) return { name: bytes.toString('utf8'), isDirectory: dirent.isDirectory() };
    return { name: decodeLikeGo(bytes), raw: bytes, isDirectory: dirent.isDirectory() };
  });
}

const SLASH = Buffer.from('/');

function childFsPath(parent: string | Buffer, entry: Entry): string | Buffer {
  if (typeof parent === 'string' && !entry.raw) return `${parent}/${entry.name}`;
  return Buffer.concat([Buffer.from(parent), SLASH, entry.raw ?? Buffer.from(entry.name)]);
}

function archiveName(frame: Frame, entry: Entry): Buffer | string {
  if (!frame.pathBytes && !entry.raw) return frame.path ? `${frame.path}/${entry.name}` : entry.name;
  const own = entry.raw ?? Buffer.from(entry.name);
  const parent = frame.pathBytes ?? Buffer.from(frame.path);
  return parent.length ? Buffer.concat([parent, SLASH, own]) : own;
}

function lstatOrUndefined(fsPath: string | Buffer): Stats | undefined {
  try {
    return lstatSync(fsPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function seconds(stats: Stats): number {
  return Math.floor(stats.mtimeMs / 1000);
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'not a folder',
  ENAMETOOLONG: 'path too long',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
};

/** Turns a file-system error into a TarSourceError naming the path and the reason. */
export function asSourceError(error: unknown, fsPath?: string | Buffer, root?: string): Error {
  if (error instanceof TarSourceError || !(error instanceof Error)) return error as Error;
  const errno = error as NodeJS.ErrnoException;
  if (!errno.code) return error;
  const path = errno.path ?? (fsPath === undefined ? (root ?? '') : String(fsPath));
  const reason = REASONS[errno.code] ?? errno.message;
  return new TarSourceError(`cannot read ${path}: ${reason} (${errno.code})`, path, errno.code, { cause: error });
}
