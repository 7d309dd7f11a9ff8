// The packets of fsutil's file-sync protocol, which both directions of a BuildKit session's file
// transfer speak (folder-sender.ts: the context to the engine; folder-receiver.ts: a local output
// from it): `Packet { type = 1, stat = 2, ID = 3, data = 4 }`, and modes that are Go's os.FileMode.
import { wireFields } from '../../protocols/protobuf-wire.js';
import { encodeMessage, type OutgoingField } from '../../protocols/protobuf-writer.js';

// Packet.type values.
export const STAT = 0;
export const REQUEST = 1;
export const DATA = 2;
export const FIN = 3;
export const ERROR = 4;

// Go's os.FileMode bits.
export const GO_DIR = 2 ** 31;
export const GO_SYMLINK = 2 ** 27;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_STICKY = 2 ** 20;
/** Every type bit: named pipe, socket, device, character device, irregular and the two above. */
export const GO_TYPE_BITS = GO_DIR + GO_SYMLINK + 2 ** 26 + 2 ** 25 + 2 ** 24 + 2 ** 21 + 2 ** 19;

export interface FileSyncPacket {
  type: number;
  id: number;
  data: Uint8Array;
  /** The Stat message's own bytes, when the packet carries one. */
  stat?: Uint8Array;
}

export function decodePacket(message: Uint8Array): FileSyncPacket {
  const packet: FileSyncPacket = { type: STAT, id: 0, data: new Uint8Array(0) };
  for (const field of wireFields(message)) {
    if (field.number === 1) packet.type = Number(field.integer);
    else if (field.number === 2) packet.stat = field.bytes;
    else if (field.number === 3) packet.id = Number(field.integer);
    else if (field.number === 4) packet.data = field.bytes;
  }
  return packet;
}

/** A packet; proto3 leaves zero values out. */
export function encodePacket(type: number, id = 0, data?: string | Uint8Array, stat?: readonly OutgoingField[]): Buffer {
  const fields: OutgoingField[] = [];
  if (type) fields.push({ number: 1, varint: type });
  if (stat) fields.push({ number: 2, bytes: encodeMessage(stat) });
  if (id) fields.push({ number: 3, varint: id });
  if (data !== undefined && data.length > 0) fields.push({ number: 4, bytes: data });
  return encodeMessage(fields);
}

/** A Go mode as Unix permission bits (with setuid, setgid and sticky). */
export function unixPermissions(goMode: number): number {
  let mode = goMode & 0o777;
  if (goMode & GO_SETUID) mode |= 0o4000;
  if (goMode & GO_SETGID) mode |= 0o2000;
  if (goMode & GO_STICKY) mode |= 0o1000;
  return mode;
}

/** A Unix mode (from stat) as the Go mode of a folder, a symbolic link or a regular file. */
export function goMode(unixMode: number, kind: 'folder' | 'symlink' | 'file'): number {
  let go = unixMode & 0o777;
  if (unixMode & 0o4000) go += GO_SETUID;
  if (unixMode & 0o2000) go += GO_SETGID;
  if (unixMode & 0o1000) go += GO_STICKY;
  if (kind === 'folder') go += GO_DIR;
  if (kind === 'symlink') go += GO_SYMLINK;
  return go;
}
