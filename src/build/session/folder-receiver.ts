// Receives a folder the engine sends over the session (a BuildKit build's `local` output), in the
// file-sync protocol BuildKit's fsutil speaks: the engine sends a stat packet per entry in walk
// order (parents first) and an empty one at the end; the receiver asks for each regular file's
// content by the entry's index, gets it in data packets (an empty one ends a file), and says FIN
// when all is written, which the engine answers with FIN. Paths are checked before anything is
// written: none may leave the folder, directly or through a symbolic link received earlier.
import { once } from 'node:events';
import { finished as finished_ } from 'node:stream/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, link, mkdir, symlink, utimes } from 'node:fs/promises';
import { posix } from 'node:path';
import { GRPC_INVALID_ARGUMENT, GrpcStatusError } from '../../protocols/grpc-messages.js';
import { signedInteger, wireFields } from '../../protocols/protobuf-wire.js';
import { DATA, decodePacket, encodePacket, ERROR, FIN, GO_DIR, GO_SYMLINK, GO_TYPE_BITS, REQUEST, STAT, unixPermissions } from './file-sync-packets.js';

interface Entry {
  path: string;
  mode: number;
  modTimeNs: number;
  linkname: string;
}

/** Writes what the engine sends into `folder` (created if missing); `send` carries the receiver's packets back. */
export async function receiveFolder(folder: string, incoming: AsyncIterable<Buffer>, send: (message: Uint8Array) => Promise<void>): Promise<void> {
  await mkdir(folder, { recursive: true });
  const entries: Entry[] = [];
  const links = new Set<string>();
  const hardLinks: { existing: string; path: string }[] = [];
  const writing = new Map<number, WriteStream>();
  const written: Promise<void>[] = [];
  let listed = false;
  let finished = false;
  // Once every entry is listed and every file written, the receiver says FIN (or, if a write
  // failed, ERR, which ends the engine's side). Not awaited in the loop: data still has to arrive.
  const finishWhenWritten = () =>
    Promise.all(written).then(
      () => send(encodePacket(FIN)),
      (error: Error) => send(encodePacket(ERROR, 0, error.message)),
    );
  for await (const message of incoming) {
    const packet = decodePacket(message);
    const stat = packet.stat && decodeStat(packet.stat);
    if (packet.type === ERROR)
      throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the engine could not send the output: ${Buffer.from(packet.data).toString('utf8')}`);
    if (packet.type === FIN) {
      finished = true;
      break;
    }
    if (packet.type === STAT && !listed) {
      if (!stat) {
        listed = true;
        void finishWhenWritten();
        continue;
      }
      const index = entries.length;
      entries.push(stat);
      const target = await place(folder, stat, links, hardLinks);
      if (target) {
        const file = createWriteStream(target, { mode: unixPermissions(stat.mode) });
        writing.set(index, file);
        written.push(finished_(file));
        send(encodePacket(REQUEST, index));
      }
    } else if (packet.type === DATA) {
      const file = writing.get(packet.id);
      if (!file) throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `file data for entry ${packet.id}, which was not asked for`);
      if (packet.data.length === 0) {
        writing.delete(packet.id);
        file.end();
      } else if (!file.write(packet.data)) await once(file, 'drain');
    } else {
      throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `an unexpected file-sync packet (type ${packet.type})`);
    }
  }
  if (!finished || writing.size > 0) throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, 'the output ended before every file had arrived');
  await Promise.all(written);
  // Hard links once the files they share are complete.
  for (const { existing, path } of hardLinks) await link(onDisk(folder, existing), onDisk(folder, path));
  // Times last, deepest first, so writing into a folder does not move its time again.
  for (const entry of entries.reverse()) {
    if (entry.mode & GO_SYMLINK) continue;
    const seconds = entry.modTimeNs / 1e9;
    await utimes(onDisk(folder, entry.path), seconds, seconds);
  }
}

/** Creates what needs no content; returns the file to fill for a regular file, else undefined. */
async function place(folder: string, entry: Entry, links: Set<string>, hardLinks: { existing: string; path: string }[]): Promise<Buffer | undefined> {
  const path = safePath(entry.path, links);
  const target = onDisk(folder, path);
  if (entry.mode & GO_DIR) {
    await mkdir(target, { recursive: true });
    await chmod(target, unixPermissions(entry.mode));
    return undefined;
  }
  if (entry.mode & GO_SYMLINK) {
    await symlink(Buffer.from(entry.linkname, 'latin1'), target);
    links.add(path);
    return undefined;
  }
  if (entry.mode & GO_TYPE_BITS)
    throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `${shown(path)}: pipes, sockets and devices are not written to a local output`);
  if (entry.linkname) {
    // A hard link to a file listed earlier in this output, made once that file is written.
    hardLinks.push({ existing: safePath(entry.linkname, links), path });
    return undefined;
  }
  return target;
}

function safePath(path: string, links: Set<string>): string {
  const normal = posix.normalize(path);
  if (path === '' || posix.isAbsolute(path) || normal === '..' || normal.startsWith('../')) {
    throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the output names a path outside its folder: ${JSON.stringify(shown(path))}`);
  }
  const parts = normal.split('/');
  for (let depth = 1; depth < parts.length; depth++) {
    const parent = parts.slice(0, depth).join('/');
    if (links.has(parent))
      throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `the output writes through the symbolic link ${shown(parent)}: ${JSON.stringify(shown(path))}`);
  }
  return normal;
}

/**
 * Paths arrive as bytes, which need not be valid UTF-8; they are held as byte strings (one
 * character per byte, latin-1), which the checks above read alike since `/` and `.` are single
 * bytes that no UTF-8 sequence contains, and written to disk as the same bytes.
 */
function onDisk(folder: string, path: string): Buffer {
  return Buffer.concat([Buffer.from(folder), SLASH, Buffer.from(path, 'latin1')]);
}

/** A byte-string path as a person reads it (UTF-8, U+FFFD where it is not). */
function shown(path: string): string {
  return Buffer.from(path, 'latin1').toString('utf8');
}

const SLASH = Buffer.from('/');

// fsutil's Stat: path = 1, mode = 2, uid = 3, gid = 4, size = 5, modTime = 6 (ns), linkname = 7.
function decodeStat(bytes: Uint8Array): Entry {
  const entry: Entry = { path: '', mode: 0, modTimeNs: 0, linkname: '' };
  for (const inner of wireFields(bytes)) {
    if (inner.number === 1) entry.path = Buffer.from(inner.bytes).toString('latin1');
    else if (inner.number === 2) entry.mode = Number(inner.integer & 0xffffffffn);
    else if (inner.number === 6) entry.modTimeNs = signedInteger(inner);
    else if (inner.number === 7) entry.linkname = Buffer.from(inner.bytes).toString('latin1');
  }
  return entry;
}
