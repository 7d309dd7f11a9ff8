// Part (e) imports the package as published, from dist/: build it first when its entry point is
// missing or older than anything it is built from, so the figure is never that of stale code.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'generated'];
const BUILD_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];

const modified = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** The file `import('<the package>')` loads, as package.json's exports name it (the layout of dist/ is the build's business). */
function entryPoint(root) {
  const { exports, main } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entry = exports?.['.']?.import ?? exports?.['.'] ?? main;
  if (typeof entry !== 'string') throw new Error('package.json names no ES module entry point for "."');
  return join(root, entry);
}

function newestSource(root) {
  const sources = SOURCES.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(root, dir, name)),
  );
  return Math.max(...[...sources, ...BUILD_FILES.map((name) => join(root, name))].map(modified));
}

/** Runs `npm run build` in `root` unless the entry point is newer than every source; returns whether it built. Output goes to stderr. */
export function ensureBuilt(root) {
  // A build writes the entry point anew each time, so its time is the build's.
  if (modified(entryPoint(root)) > newestSource(root)) return false;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  return true;
}
