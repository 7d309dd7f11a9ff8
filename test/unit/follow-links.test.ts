// The follow paths of a file-sync request with their links resolved inside the folder, as
// fsutil resolves them for the Docker CLI (src/build/session/follow-links.ts), on real links in
// a temporary folder. Real engines read a linked Dockerfile this way in the `.dockerignore`
// differential (test/engine/build-context-differential.test.ts), against the CLI with buildx.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followLinks, reachesFile } from '../../src/build/session/follow-links.js';

describe('followLinks and reachesFile', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'follow-links-'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(root, 'real.Dockerfile'), 'FROM scratch\n');
    mkdirSync(join(root, 'files'));
    writeFileSync(join(root, 'files', 'app.Dockerfile'), 'FROM scratch\n');
    const links: Record<string, string> = {
      beside: 'real.Dockerfile',
      build: 'files',
      'through-folder': 'build/app.Dockerfile',
      chain: 'beside',
      climbing: '../../../files/app.Dockerfile',
      outside: '../../elsewhere/Dockerfile',
      absolute: '/files/app.Dockerfile',
      'absolute-host': '/etc/passwd',
      'loop-a': 'loop-b',
      'loop-b': 'loop-a',
      self: 'self',
      'through-file': 'real.Dockerfile/x',
      dangling: 'does/not/exist',
    };
    for (const [name, target] of Object.entries(links)) symlinkSync(target, join(root, name));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves a path with no link on its way as it is, whether or not it exists', () => {
    expect(followLinks(root, ['Dockerfile', 'Dockerfile.dockerignore'])).toEqual(['Dockerfile', 'Dockerfile.dockerignore']);
    expect(followLinks(root, ['files/app.Dockerfile'])).toEqual(['files/app.Dockerfile']);
  });

  it('keeps a link and where it leads, through chains and linked folders', () => {
    expect(followLinks(root, ['beside'])).toEqual(['beside', 'real.Dockerfile']);
    expect(followLinks(root, ['chain'])).toEqual(['beside', 'chain', 'real.Dockerfile']);
    expect(followLinks(root, ['through-folder'])).toEqual(['build', 'files/app.Dockerfile', 'through-folder']);
    expect(followLinks(root, ['build/app.Dockerfile'])).toEqual(['build', 'files/app.Dockerfile']);
  });

  it('resolves inside the folder as its root: `..` stops there, an absolute target starts there', () => {
    expect(followLinks(root, ['climbing'])).toEqual(['climbing', 'files/app.Dockerfile']);
    expect(followLinks(root, ['outside'])).toEqual(['elsewhere/Dockerfile', 'outside']);
    expect(followLinks(root, ['absolute'])).toEqual(['absolute', 'files/app.Dockerfile']);
    expect(followLinks(root, ['absolute-host'])).toEqual(['absolute-host', 'etc/passwd']);
  });

  it('ends a loop of links instead of following it forever', () => {
    expect(followLinks(root, ['loop-a'])).toEqual(['loop-a', 'loop-b']);
    expect(followLinks(root, ['self'])).toEqual(['self']);
  });

  it('reachesFile: true where the links end at a regular file inside the folder', () => {
    for (const name of ['Dockerfile', 'beside', 'chain', 'through-folder', 'climbing', 'absolute']) expect(reachesFile(root, name), name).toBe(true);
    for (const name of ['outside', 'absolute-host', 'loop-a', 'self', 'dangling', 'through-file', 'files', 'missing'])
      expect(reachesFile(root, name), name).toBe(false);
  });

  it('counts a way through a file as absent, as fsutil does (ENOTDIR)', () => {
    expect(followLinks(root, ['through-file'])).toEqual(['real.Dockerfile/x', 'through-file']);
  });

  it('narrows nothing once a path leads to the folder itself', () => {
    symlinkSync('..', join(root, 'up'));
    expect(followLinks(root, ['Dockerfile', 'up'])).toEqual([]);
    expect(followLinks(root, ['.'])).toEqual([]);
  });
});
