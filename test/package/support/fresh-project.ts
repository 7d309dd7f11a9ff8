// A user's project, made from nothing: the packed tarball installed with npm into an empty folder,
// beside TypeScript and @types/node at the versions this repository uses (what a TypeScript user
// adds; @types/node is the package's optional peer). Programs written in this repository against
// src/ are copied in with their import of the library pointed at the package name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const repositoryRoot = join(import.meta.dirname, '..', '..', '..');

/** `npm pack` of the repository as built (dist/ must be fresh: `npm run test:package` builds first); returns the tarball's path. */
export function packTarball(destination: string): string {
  const output = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', destination], { cwd: repositoryRoot, encoding: 'utf8' });
  return join(destination, output.trim().split('\n').at(-1)!);
}

function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(repositoryRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  return lock.packages[`node_modules/${name}`]!.version;
}

/** An ES module project with the tarball, typescript and @types/node installed, and a tsconfig like `tsc --init` writes. */
export function freshProject(dir: string, tarball: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-user-project', private: true, type: 'module' }, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
        include: ['**/*.ts', '**/*.cts'],
      },
      null,
      2,
    ),
  );
  const packages = [tarball, `typescript@${lockedVersion('typescript')}`, `@types/node@${lockedVersion('@types/node')}`];
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packages], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

// `from '../src/index.js'` (examples/), `from '../../../src/index.js'` (test/package/programs/).
const librarySource = /from '(?:\.\.\/)+src\/index\.js'/g;

/** Copies a program into the project, importing the installed package instead of src/. */
export function copyProgram(source: string, project: string, name = basename(source)): string {
  const text = readFileSync(join(repositoryRoot, source), 'utf8');
  if (!text.match(librarySource)) throw new Error(`${source} does not import the library from src/index.js`);
  const target = join(project, name);
  writeFileSync(target, text.replace(librarySource, "from 'docker-engine-typed'"));
  return target;
}
