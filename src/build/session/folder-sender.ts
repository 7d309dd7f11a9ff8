// Sends a local folder to the engine over the session (a BuildKit build's context, or the folder
// of its Dockerfile) in fsutil's file-sync protocol, from the sending side: one stat packet per
// entry in walk order (a folder before what it holds, names in byte order), then an empty one.
// The engine asks by index (REQ) for the regular files whose content it lacks, gets each in data
// packets closed by an empty one, and ends with FIN, answered with FIN. An engine that kept the
// folder from an earlier build under the same shared key asks only for what changed, so a second
// build of an unchanged context moves its stats and nothing else. folder-receiver.ts is the
// receiving side of the same protocol.
import { isUtf8 } from 'node:buffer';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { decodeLikeGo } from '../../protocols/go-string-decoding.js';
import { GRPC_INVALID_ARGUMENT, GrpcStatusError } from '../../protocols/grpc-messages.js';
import type { OutgoingField } from '../../protocols/protobuf-writer.js';
import { DATA, decodePacket, encodePacket, ERROR, FIN, goMode, REQUEST, STAT } from './file-sync-packets.js';

/** fsutil sends file content in pieces of this size. */
const DATA_PIECE = 32 * 1024;

/** Which entries of the folder are sent; paths are slash paths relative to it. */
export interface SyncSelection {
  /** Whether `path` is left out; a folder left out is not entered. */
  excluded(path: string, isFolder: boolean): boolean;
  /** Whether a folder that is not sent itself must still be walked for what it may hold. */
  entered(path: string): boolean;
}

/** What a transfer moved: entries listed, and the files (and their bytes) the engine asked for. */
export interface FolderTransfer {
  entries: number;
  files: number;
  bytes: number;
}

type Send = (message: Uint8Array) => Promise<void>;

/** A name as read from its folder; `raw` holds its bytes when they are not valid UTF-8. */
interface Name {
  text: string;
  raw?: Buffer;
}

interface Folder {
  /** Slash path relative to the root, as patterns see it ('' for the root). */
  path: string;
  /** The same path as bytes, when some part of it is not valid UTF-8: what the engine is sent. */
  pathBytes?: Buffer;
  fsPath: string | Buffer;
  names: Name[];
  next: number;
  /** False for a folder not sent itself, whose stat goes out once something inside it is. */
  sent: boolean;
}

/** Sends `root` as `selection` picks its entries; resolves once the engine has said FIN. */
export async function sendFolder(root: string, selection: SyncSelection, incoming: AsyncIterable<Buffer>, send: Send): Promise<FolderTransfer> {
  const transfer: FolderTransfer = { entries: 0, files: 0, bytes: 0 };
  const files = new Map<number, string | Buffer>();
  let walkFailure: { error: unknown } | undefined;
  const listed = listEntries(root, selection, files, transfer, send).catch(async (error: unknown) => {
    walkFailure = { error };
    await send(encodePacket(ERROR, 0, error instanceof Error ? error.message : String(error)));
  });
  for await (const message of incoming) {
    const packet = decodePacket(message);
    if (packet.type === REQUEST) {
      const fsPath = files.get(packet.id);
      if (fsPath === undefined)
        throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the engine asked for entry ${packet.id}, which is not a file that was listed`);
      transfer.files++;
      transfer.bytes += await sendContent(packet.id, fsPath, send);
    } else if (packet.type === FIN) {
      await listed;
      if (walkFailure) throw walkFailure.error;
      await send(encodePacket(FIN));
      return transfer;
    } else if (packet.type === ERROR) {
      throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the engine could not take the folder: ${Buffer.from(packet.data).toString('utf8')}`);
    } else {
      throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `an unexpected file-sync packet (type ${packet.type})`);
    }
  }
  await listed;
  if (walkFailure) throw walkFailure.error;
  throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, 'the engine ended the transfer before saying it had everything');
}

/** The stat packets of every entry `selection` keeps, then the empty one that ends the list. */
async function listEntries(root: string, selection: SyncSelection, files: Map<number, string | Buffer>, transfer: FolderTransfer, send: Send): Promise<void> {
  const stack: Folder[] = [{ path: '', fsPath: root, names: sortedNames(root), next: 0, sent: true }];
  // A file with several names goes once; its later names are sent as hard links to the first, as fsutil sends them.
  const firstNames = new Map<string, string | Buffer>();
  const statOf = async (entry: Folder, stats: BigIntStats) => {
    const index = transfer.entries++;
    const path = entry.pathBytes ?? entry.path;
    let linkTo: string | Buffer | undefined;
    if (stats.isFile() && stats.nlink > 1n) {
      const inode = `${stats.dev}:${stats.ino}`;
      linkTo = firstNames.get(inode);
      if (linkTo === undefined) firstNames.set(inode, path);
    }
    if (stats.isFile() && linkTo === undefined) files.set(index, entry.fsPath);
    await send(encodePacket(STAT, 0, undefined, statFields(path, entry.fsPath, stats, linkTo)));
  };
  while (stack.length > 0) {
    const folder = stack[stack.length - 1]!;
    const name = folder.names[folder.next++];
    if (name === undefined) {
      stack.pop();
      continue;
    }
    const entry = childOf(folder, name);
    const stats = lstatSync(entry.fsPath, { bigint: true, throwIfNoEntry: false });
    // Gone since its folder was read, or a socket or device, which a context cannot carry.
    if (!stats || !(stats.isDirectory() || stats.isFile() || stats.isSymbolicLink())) continue;
    const isFolder = stats.isDirectory();
    if (selection.excluded(entry.path, isFolder)) {
      if (isFolder && selection.entered(entry.path)) stack.push({ ...entry, names: sortedNames(entry.fsPath), sent: false });
      continue;
    }
    // Folders entered only for what they hold are listed once something inside them is sent.
    for (const pending of stack) {
      if (pending.sent) continue;
      pending.sent = true;
      await statOf(pending, lstatSync(pending.fsPath, { bigint: true }));
    }
    await statOf(entry, stats);
    if (isFolder) stack.push({ ...entry, names: sortedNames(entry.fsPath), sent: true });
  }
  await send(encodePacket(STAT));
}

const SLASH = Buffer.from('/');

/** The entry `name` of `folder`, its paths joined as text, and as bytes where they are not valid UTF-8. */
function childOf(folder: Folder, name: Name): Folder {
  const path = folder.path ? `${folder.path}/${name.text}` : name.text;
  if (!folder.pathBytes && !name.raw && typeof folder.fsPath === 'string') {
    return { path, fsPath: `${folder.fsPath}/${name.text}`, names: [], next: 0, sent: false };
  }
  const own = name.raw ?? Buffer.from(name.text);
  const parentBytes = folder.pathBytes ?? Buffer.from(folder.path);
  return {
    path,
    pathBytes: parentBytes.length > 0 ? Buffer.concat([parentBytes, SLASH, own]) : own,
    fsPath: Buffer.concat([Buffer.from(folder.fsPath), SLASH, own]),
    names: [],
    next: 0,
    sent: false,
  };
}

/** A file's content as data packets, then the empty one that ends it; returns its size. */
async function sendContent(id: number, fsPath: string | Buffer, send: Send): Promise<number> {
  const fd = openSync(fsPath, 'r');
  let total = 0;
  try {
    for (;;) {
      const piece = Buffer.allocUnsafe(DATA_PIECE);
      const read = readSync(fd, piece, 0, DATA_PIECE, null);
      if (read === 0) break;
      total += read;
      await send(encodePacket(DATA, id, piece.subarray(0, read)));
    }
  } finally {
    closeSync(fd);
  }
  await send(encodePacket(DATA, id));
  return total;
}

/**
 * A folder's names in byte order, as Go sorts them (JavaScript's own order differs above U+FFFF).
 * Names that are not valid UTF-8 come back from Node with U+FFFD in them; only then is the folder
 * read again as bytes, and such a name matched against patterns as Go reads it.
 */
function sortedNames(fsPath: string | Buffer): Name[] {
  const texts = readdirSync(fsPath, 'utf8');
  const names: Name[] = texts.some((text) => text.includes('\ufffd'))
    ? readdirSync(fsPath, 'buffer').map((raw) => (isUtf8(raw) ? { text: raw.toString('utf8') } : { text: decodeLikeGo(raw), raw }))
    : texts.map((text) => ({ text }));
  return names.sort((a, b) => Buffer.compare(a.raw ?? Buffer.from(a.text), b.raw ?? Buffer.from(b.text)));
}

// fsutil's Stat: path = 1, mode = 2, uid = 3, gid = 4, size = 5, modTime = 6 (ns), linkname = 7
// (a symbolic link's target, or for a hard link the path sent first, with no size).
// Owner 0:0, as the Docker CLI sends it: a context's files belong to root in the image.
function statFields(path: string | Buffer, fsPath: string | Buffer, stats: BigIntStats, hardLinkTo?: string | Buffer): OutgoingField[] {
  const fields: OutgoingField[] = [
    { number: 1, bytes: path },
    { number: 2, varint: goModeOf(stats) },
  ];
  if (!stats.isDirectory() && hardLinkTo === undefined && stats.size > 0n) fields.push({ number: 5, varint: stats.size });
  if (stats.mtimeNs > 0n) fields.push({ number: 6, varint: stats.mtimeNs });
  if (stats.isSymbolicLink()) fields.push({ number: 7, bytes: readlinkSync(fsPath, 'buffer') });
  else if (hardLinkTo !== undefined) fields.push({ number: 7, bytes: hardLinkTo });
  return fields;
}

function goModeOf(stats: BigIntStats): number {
  return goMode(Number(stats.mode), stats.isDirectory() ? 'folder' : stats.isSymbolicLink() ? 'symlink' : 'file');
}
