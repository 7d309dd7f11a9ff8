// The paths an engine asks to follow in a folder (the Dockerfile's name and its .dockerignore),
// with the symbolic links on their way resolved as fsutil resolves them for the Docker CLI: inside
// the folder as if it were the root of the file system. A relative link is read from the link's
// own folder and cannot climb above the root; an absolute one is taken from the root. Every link
// met is kept as well as what it leads to, so the engine receives the link and its target, and a
// Dockerfile that is a link to a file beside it reads as the file. Glob characters in a name are
// taken literally (fsutil matches them against the folder; the frontend never sends them unless
// the Dockerfile's own name has them).
import { lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

/** How many links one path may pass through before it counts as a loop (Linux's own limit is 40). */
const MAX_LINKS = 40;

/**
 * `paths` (slash paths relative to `root`) and every link and link target met resolving them;
 * none at all when one of them is the folder itself, which then needs no narrowing (as fsutil).
 */
export function followLinks(root: string, paths: readonly string[]): string[] {
  const reached = new Set<string>();
  for (const path of paths) follow(root, inRoot(path), reached, 0);
  return reached.has('.') ? [] : [...reached].sort();
}

/**
 * Whether following `name` inside `root` ends at a regular file there, which the engine can then
 * read; false also where the way cannot be followed (a folder that cannot be read, say).
 */
export function reachesFile(root: string, name: string): boolean {
  try {
    return followLinks(root, [name]).some((path) => lstatSync(onDisk(root, path), { throwIfNoEntry: false })?.isFile() === true);
  } catch {
    return false;
  }
}

function follow(root: string, path: string, reached: Set<string>, links: number): void {
  const parts = path.split('/');
  for (let index = 0; index < parts.length; index++) {
    const current = parts.slice(0, index + 1).join('/');
    const target = linkTarget(root, current);
    if (target === undefined) continue;
    if (reached.has(current) || links >= MAX_LINKS) return;
    reached.add(current);
    follow(root, inRoot(posix.join(target, ...parts.slice(index + 1))), reached, links + 1);
    return;
  }
  reached.add(path);
}

/**
 * Where the link at `path` leads, as a path from the root; undefined when `path` is no link,
 * including a path that passes through a file (ENOTDIR), which fsutil counts as absent too.
 */
function linkTarget(root: string, path: string): string | undefined {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(onDisk(root, path), { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  if (!stats?.isSymbolicLink()) return undefined;
  const link = readlinkSync(onDisk(root, path));
  return posix.isAbsolute(link) ? link : posix.join('/', posix.dirname(path), link);
}

const onDisk = (root: string, path: string) => join(root, ...path.split('/'));

/** A path as seen from the root: cleaned, `..` stopping at the root, no leading slash. */
function inRoot(path: string): string {
  const cleaned = posix.normalize(`/${path}`).slice(1);
  return cleaned === '' ? '.' : cleaned.replace(/\/$/, '');
}
