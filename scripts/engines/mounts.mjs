import { readFileSync } from 'node:fs';
import { run } from './run.mjs';

// mountinfo escapes spaces and a few other characters in paths as octal (\040).
function unescapeMountPath(path) {
  return path.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function mountPointsUnder(dirs) {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]))
    .filter((point) => dirs.some((dir) => point === dir || point.startsWith(`${dir}/`)));
}

/**
 * Unmounts what a dockerd that did not shut down cleanly leaves mounted under its folders: the
 * data root's own bind mount, container overlays, network namespaces. Deepest first; a busy
 * mount is detached lazily so the folders can still be deleted.
 */
export async function unmountLeftovers(dirs) {
  const points = [...new Set(mountPointsUnder(dirs))].sort((a, b) => b.length - a.length);
  for (const point of points) {
    const { code } = await run('umount', [point], { allowFailure: true });
    if (code !== 0) await run('umount', ['--lazy', point]);
  }
}
