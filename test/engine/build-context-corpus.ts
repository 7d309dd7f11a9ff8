// Build contexts with tricky .dockerignore files, for the differential test: each is built by
// the Docker CLI (BuildKit and classic builder) and by this library, and the image file sets are
// compared. Every Dockerfile is `FROM scratch` + `COPY . /ctx/`, so the image holds exactly
// what the context delivered.
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type CaseFile = string | { content: string; mode?: number } | { symlink: string } | { folder: true; mode?: number } | { hardLinkTo: string };

export interface ContextCase {
  name: string;
  /** Paths relative to the context folder. */
  files: Record<string, CaseFile>;
  /** Names that are not valid UTF-8, created as empty files at the top of the context. */
  rawNames?: Buffer[];
  dockerignore?: string;
  /** Other ignore files, e.g. `Dockerfile.dockerignore`, relative to the case folder (context is `ctx/`). */
  extraFiles?: Record<string, string>;
  /** The Dockerfile, relative to the case folder (default `ctx/Dockerfile`). */
  dockerfile?: string;
  /** Makes the Dockerfile a symbolic link with this target (as the link spells it); the file is written where it leads. */
  dockerfileLink?: string;
  /** Why the classic builder's file set differs from BuildKit's here (undefined: it must agree). */
  classicDiffers?: string;
  /** Paths (in the image, under ctx/) whose size the library changes on purpose, with the reason. */
  sizeMayDiffer?: Record<string, string>;
  /**
   * BuildKit may refuse this context with an error matching this; the library is then compared
   * with the classic builder alone.
   */
  buildkitMayRefuse?: RegExp;
  /**
   * Podman 4.3 has no BuildKit, so there the library is compared with the CLI's classic build:
   * why the two file sets differ on Podman (undefined: they must agree).
   */
  podmanDiffers?: string;
  /** Why Podman 4.3 refuses this context with a 500, from the CLI and the library alike (undefined: it builds it). */
  podmanRefuses?: string;
}

export const DOCKERFILE = 'FROM scratch\nCOPY . /ctx/\nCMD ["none"]\n';

const CLASSIC_KNOWS_ROOT_IGNORE_ONLY = 'the classic builder knows only the root .dockerignore';
const PODMAN_CLI_KNOWS_ROOT_IGNORE_ONLY =
  'the CLI’s classic path filters by the root .dockerignore alone and leaves a.txt out; the library follows <Dockerfile>.dockerignore, and Buildah applies that file to both uploads';

export const corpus: ContextCase[] = [
  {
    name: 'double-star globs',
    dockerignore: '**/*.log\n**/tmp\n',
    files: { 'a.log': 'x', 'x/b.log': 'x', 'x/y/c.log': 'x', 'x/tmp/z': 'x', tmp: 'x', tmpfile: 'x', 'keep.txt': 'x', 'x/y/keep.txt': 'x' },
  },
  {
    name: 'exceptions, last match wins',
    dockerignore: '*.md\n!README*.md\nREADME-secret.md\n',
    files: { 'README.md': 'r', 'README-secret.md': 's', 'README-public.md': 'p', 'CHANGES.md': 'c', 'docs/a.md': 'a' },
  },
  {
    name: 'leading slash and ./',
    dockerignore: '/root-only.txt\n./dot-slash.txt\n/sub/\n',
    files: { 'root-only.txt': 'x', 'sub/root-only.txt': 'x', 'dot-slash.txt': 'x', 'other/dot-slash.txt': 'x', 'sub/x': 'x', 'other/sub/x': 'x' },
  },
  {
    name: 'trailing slash also matches files',
    dockerignore: 'build/\nlogs/\n',
    files: { 'build/out.o': 'x', logs: 'a file, not a folder', 'src/build/x': 'x', 'keep.c': 'x' },
  },
  {
    name: 'comments and blank lines',
    dockerignore: '# a comment\n\n   \n #not-a-comment\n*.tmp # not a comment either\n#*.bak\n',
    files: { '#not-a-comment': 'x', '# a comment': 'x', 'a.tmp': 'x', 'a.tmp # not a comment either': 'x', 'b.bak': 'x' },
  },
  {
    name: 'CRLF line ends',
    dockerignore: 'secret\r\ndir\r\n!dir/keep\r\n\r\n',
    files: { secret: 'x', 'secret\r': 'x', 'dir/x': 'x', 'dir/keep': 'x', plain: 'x' },
  },
  {
    name: 'regexp characters are literals',
    dockerignore: 'a+b\n(paren)\nx|y\n{brace}\nv1.0\ncost$\n',
    files: { 'a+b': 'x', aab: 'x', '(paren)': 'x', paren: 'x', 'x|y': 'x', x: 'x', '{brace}': 'x', brace: 'x', 'v1.0': 'x', v1x0: 'x', cost$: 'x', cost: 'x' },
  },
  {
    name: 'brackets, question marks and escapes',
    dockerignore: 'file?.txt\n[ab]*.cfg\n!b-keep.cfg\nstar\\*name\nx\\[1\\]\n',
    files: { 'file1.txt': 'x', 'file12.txt': 'x', 'a.cfg': 'x', 'b-keep.cfg': 'x', 'c.cfg': 'x', 'star*name': 'x', starname: 'x', 'x[1]': 'x', x1: 'x' },
  },
  {
    name: 'nested excluded folders with re-included files',
    dockerignore: 'vendor\n!vendor/keep/**\nvendor/keep/drop.txt\n',
    files: { 'vendor/a': 'x', 'vendor/keep/b': 'x', 'vendor/keep/drop.txt': 'x', 'vendor/keep/deep/c': 'x', 'src/vendor/a': 'x' },
  },
  {
    name: 'allow-list style',
    dockerignore: '*\n!src\n!package.json\nsrc/**/*.test.ts\n',
    files: {
      'package.json': '{}',
      'README.md': 'x',
      'src/index.ts': 'x',
      'src/index.test.ts': 'x',
      'src/lib/util.ts': 'x',
      'src/lib/util.test.ts': 'x',
      'test/x.ts': 'x',
    },
  },
  {
    name: 'dotfiles',
    dockerignore: '.*\n!.keep-me\n',
    files: { '.env': 'x', '.git/config': 'x', '.keep-me': 'x', normal: 'x', 'sub/.hidden': 'x' },
  },
  {
    name: 'the Dockerfile and .dockerignore themselves excluded',
    dockerignore: 'Dockerfile\n.dockerignore\n*.txt\n!keep.txt\n',
    files: { 'keep.txt': 'x', 'drop.txt': 'x' },
  },
  {
    name: 'symbolic links are kept as links, never followed',
    dockerignore: 'sub/hidden\n',
    files: {
      'sub/hidden': 'secret',
      'sub/shown': 'x',
      'to-etc-passwd': { symlink: '/etc/passwd' },
      'to-outside': { symlink: '../../outside/file' },
      'to-sub': { symlink: 'sub' },
      'to-hidden': { symlink: 'sub/hidden' },
      loop: { symlink: 'loop' },
      broken: { symlink: 'does/not/exist' },
    },
    podmanRefuses: 'an upload holding a symbolic link that points outside the context (`to-outside`) answers 500, with an empty body',
  },
  {
    name: 'modes, hard links, odd and long names',
    dockerignore: '*.skip\n',
    files: {
      private: { content: 'x', mode: 0o600 },
      script: { content: '#!/bin/sh\n', mode: 0o755 },
      'closed-folder': { folder: true, mode: 0o700 },
      'closed-folder/file': 'x',
      original: 'same content',
      'hard-link': { hardLinkTo: 'original' },
      'caf\u00e9 \u{1f600}.txt': 'x',
      'spaces in name': 'x',
      'a.skip': 'x',
      [`${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.txt`]: 'long',
      [`${'n'.repeat(250)}.txt`]: 'long name',
    },
  },
  {
    name: 'names that are not valid UTF-8',
    dockerignore: '*.skip\n',
    files: { 'plain.txt': 'x', 'a.skip': 'x' },
    rawNames: [Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]), Buffer.from([0x63, 0xe9, 0x2e, 0x73, 0x6b, 0x69, 0x70])],
    // BuildKit sends file names in protobuf strings, which must be UTF-8.
    // The failure surfaces either as that or as the transfer being cancelled.
    buildkitMayRefuse: /invalid UTF-8|context canceled/,
  },
  {
    name: 'a wildcard exception re-includes inside an excluded folder',
    dockerignore: 'docs\n!**/*.keep\n',
    files: { 'docs/a.txt': 'x', 'docs/b.keep': 'x', 'docs/sub/c.keep': 'x', 'top.keep': 'x', 'other.txt': 'x' },
    classicDiffers: 'the classic builder never enters `docs`, since no exception starts with `docs/`',
  },
  {
    name: 'an excluded folder entered for a wildcard exception keeps its own mode',
    dockerignore: '**/node_modules\n!**/node_modules/keep\n',
    files: {
      'node_modules/a': 'x',
      'node_modules/keep': 'x',
      'pkg/node_modules': { folder: true, mode: 0o700 },
      'pkg/node_modules/keep': 'x',
      'pkg/node_modules/b': 'x',
    },
    classicDiffers: 'the classic builder does not enter `pkg/node_modules` (and would create the folder with a default mode)',
  },
  {
    name: 'Dockerfile in an excluded folder',
    dockerignore: 'docker\n',
    dockerfile: 'ctx/docker/Dockerfile',
    files: { 'docker/entrypoint.sh': 'x', 'app.txt': 'x' },
    classicDiffers: 'the classic builder sends docker/Dockerfile, so the engine leaves an empty `docker` folder behind after deleting it',
  },
  {
    name: 'Dockerfile outside the context',
    dockerignore: '*.log\n',
    dockerfile: 'outside/Dockerfile',
    // The Dockerfile travels as `dockerfile.log`, which the context's own `*.log` makes the engine delete.
    files: { 'app.txt': 'x', 'debug.log': 'x' },
    classicDiffers: 'the Docker CLI’s classic path adds a line naming its generated Dockerfile to the .dockerignore the image receives',
    podmanDiffers: 'the Docker CLI’s classic path adds a line naming its generated Dockerfile to the .dockerignore the image receives',
  },
  {
    name: 'Dockerfile outside the context, no .dockerignore',
    dockerfile: 'outside/Dockerfile',
    files: { 'app.txt': 'x' },
  },
  {
    name: '<Dockerfile>.dockerignore replaces the root .dockerignore',
    dockerignore: 'a.txt\n',
    extraFiles: { 'ctx/Dockerfile.dockerignore': 'b.txt\n' },
    files: { 'a.txt': 'x', 'b.txt': 'x', 'c.txt': 'x' },
    classicDiffers: CLASSIC_KNOWS_ROOT_IGNORE_ONLY,
    podmanDiffers: PODMAN_CLI_KNOWS_ROOT_IGNORE_ONLY,
  },
  {
    name: '<Dockerfile>.dockerignore of a Dockerfile with another name, in a subfolder',
    dockerignore: 'a.txt\n',
    dockerfile: 'ctx/docker/app.Dockerfile',
    extraFiles: { 'ctx/docker/app.Dockerfile.dockerignore': 'b.txt\ndocker/app.Dockerfile*\n' },
    files: { 'a.txt': 'x', 'b.txt': 'x' },
    classicDiffers: CLASSIC_KNOWS_ROOT_IGNORE_ONLY,
    sizeMayDiffer: {
      'ctx/.dockerignore': 'the engine deletes only what the root .dockerignore matches, so the generated Dockerfile name is added to it',
    },
  },
  {
    name: 'a Dockerfile that is a link to a file beside it: the .dockerignore beside the link applies',
    dockerignore: 'a.txt\n',
    dockerfileLink: 'real.Dockerfile',
    extraFiles: { 'ctx/Dockerfile.dockerignore': 'b.txt\n' },
    files: { 'a.txt': 'x', 'b.txt': 'x' },
    classicDiffers: CLASSIC_KNOWS_ROOT_IGNORE_ONLY,
    podmanDiffers: PODMAN_CLI_KNOWS_ROOT_IGNORE_ONLY,
  },
  {
    name: 'a Dockerfile that is a link through a linked folder',
    dockerfileLink: 'build/app.Dockerfile',
    extraFiles: { 'ctx/Dockerfile.dockerignore': 'a.txt\n' },
    files: { build: { symlink: 'docker-files' }, 'docker-files/keep.txt': 'x', 'a.txt': 'x' },
    classicDiffers: 'the classic builder knows only the root .dockerignore (there is none here) and sends a.txt',
    podmanDiffers: 'the CLI’s classic path knows only the root .dockerignore and sends a.txt; the library follows <Dockerfile>.dockerignore',
  },
  {
    name: 'an empty <Dockerfile>.dockerignore still replaces the root one',
    dockerignore: 'a.txt\n',
    extraFiles: { 'ctx/Dockerfile.dockerignore': '' },
    files: { 'a.txt': 'x', 'b.txt': 'x' },
    classicDiffers: CLASSIC_KNOWS_ROOT_IGNORE_ONLY,
    podmanDiffers: PODMAN_CLI_KNOWS_ROOT_IGNORE_ONLY,
  },
];

/** Writes the case under `folder`: the context in `ctx/`, its Dockerfile, and any other files. */
export function writeCase(folder: string, testCase: ContextCase): { context: string; dockerfile: string } {
  const context = join(folder, 'ctx');
  mkdirSync(context, { recursive: true });
  const folderModes: Array<[string, number]> = [];
  for (const [path, file] of Object.entries(testCase.files)) {
    const full = join(context, path);
    if (typeof file === 'object' && 'folder' in file) {
      mkdirSync(full, { recursive: true });
      if (file.mode !== undefined) folderModes.push([full, file.mode]);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof file === 'string') writeFileSync(full, file);
    else if ('symlink' in file) symlinkSync(file.symlink, full);
    else if ('hardLinkTo' in file) linkSync(join(context, file.hardLinkTo), full);
    else {
      writeFileSync(full, file.content);
      if (file.mode !== undefined) chmodSync(full, file.mode);
    }
  }
  for (const name of testCase.rawNames ?? []) writeFileSync(Buffer.concat([Buffer.from(`${context}/`), name]), 'raw');
  if (testCase.dockerignore !== undefined) writeFileSync(join(context, '.dockerignore'), testCase.dockerignore);
  for (const [path, content] of Object.entries(testCase.extraFiles ?? {})) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  const dockerfile = join(folder, testCase.dockerfile ?? 'ctx/Dockerfile');
  mkdirSync(dirname(dockerfile), { recursive: true });
  if (testCase.dockerfileLink === undefined) writeFileSync(dockerfile, DOCKERFILE);
  else {
    symlinkSync(testCase.dockerfileLink, dockerfile);
    writeFileSync(resolve(dirname(dockerfile), testCase.dockerfileLink), DOCKERFILE);
  }
  // Folder modes last: writing into a 0700 folder is fine for root, but keep the order obvious.
  for (const [path, mode] of folderModes) chmodSync(path, mode);
  return { context, dockerfile };
}
