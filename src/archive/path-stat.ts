// The `X-Docker-Container-Path-Stat` header of the archive endpoints: standard base64 of a JSON
// object describing the path inside the container. `mode` is Go's os.FileMode, whose type bits
// differ from Unix st_mode, so the entry's kind and permissions are decoded from it here.
import { DockerResponseError, type DockerErrorContext } from '../errors.js';

export type PathKind = 'file' | 'directory' | 'symlink' | 'named-pipe' | 'socket' | 'device' | 'character-device' | 'irregular';

export interface PathStat {
  /** The base name of the path. */
  name: string;
  size: number;
  /** Go's os.FileMode bits, as the engine sent them. */
  mode: number;
  /** Modification time, RFC 3339 with nanoseconds, as the engine sent it. */
  mtime: string;
  /** Target of a symbolic link ('' otherwise, though Podman 4.3 sends the path itself there). */
  linkTarget: string;
  /** The kind of entry, decoded from `mode`. */
  kind: PathKind;
  /** Permission bits (plus setuid 0o4000, setgid 0o2000, sticky 0o1000), decoded from `mode`. */
  permissions: number;
}

// os.FileMode type bits (Go's io/fs), most specific first.
const GO_MODE_BITS: Array<[number, PathKind]> = [
  [2 ** 31, 'directory'],
  [2 ** 27, 'symlink'],
  [2 ** 25, 'named-pipe'],
  [2 ** 24, 'socket'],
  [2 ** 21, 'character-device'],
  [2 ** 26, 'device'],
  [2 ** 19, 'irregular'],
];
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_STICKY = 2 ** 20;

export const PATH_STAT_HEADER = 'x-docker-container-path-stat';

export function decodePathStat(value: string | string[] | undefined, context: DockerErrorContext): PathStat {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new DockerResponseError(`the engine's answer to ${context.operation} lacks the X-Docker-Container-Path-Stat header`, context);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch (error) {
    throw new DockerResponseError(`the X-Docker-Container-Path-Stat header is not base64 of JSON: ${JSON.stringify(text.slice(0, 80))}`, context, {
      cause: error,
    });
  }
  const stat = parsed as Partial<Record<keyof PathStat, unknown>>;
  // The kind and permissions are read from the bits of Go's uint32 mode: any other number (1e999, -1, 1.5) would decode
  // to a made-up kind, and a size that is not a count of bytes is no size.
  if (!stat || typeof stat !== 'object' || typeof stat.name !== 'string' || !isUint(stat.mode, 2 ** 32) || !isUint(stat.size)) {
    throw new DockerResponseError(`the X-Docker-Container-Path-Stat header does not describe a path: ${JSON.stringify(parsed)}`, context);
  }
  const mode = stat.mode;
  const kind = GO_MODE_BITS.find(([bit]) => Math.floor(mode / bit) % 2 === 1)?.[1] ?? 'file';
  const special = (mode & GO_SETUID ? 0o4000 : 0) | (mode & GO_SETGID ? 0o2000 : 0) | (mode & GO_STICKY ? 0o1000 : 0);
  return {
    name: stat.name,
    size: stat.size,
    mode,
    mtime: typeof stat.mtime === 'string' ? stat.mtime : '',
    linkTarget: kind === 'symlink' && typeof stat.linkTarget === 'string' ? stat.linkTarget : '',
    kind,
    permissions: (mode & 0o777) | special,
  };
}

function isUint(value: unknown, below = Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < below;
}
