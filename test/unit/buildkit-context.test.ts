// The context tar for a BuildKit build (directoryContext with `builder: 'buildkit'`): BuildKit in
// the engine takes the tar as the context without filtering it, so the tar is BuildKit's file set
// as it is, plus the Dockerfile when it lies outside that set, under a name made from its content.
// Read back with tar-stream. test/engine/build-buildkit.test.ts compares the images with buildx's.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directoryContext } from '../../src/build/directory-context.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'buildkit-context-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(work, path, '..'), { recursive: true });
    writeFileSync(join(work, path), content);
  }
}

async function contents(tar: Readable): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stream.on('end', () => {
      if (header.type === 'file') found[header.name] = text;
      next();
    });
  });
  tar.pipe(reader);
  await new Promise((resolve, reject) => reader.on('finish', resolve).on('error', reject));
  return found;
}

const DOCKERFILE = 'FROM busybox\nCOPY . /ctx/\n';
const nameFor = (content: string) => `.dockerfile.${createHash('sha256').update(content).digest('hex').slice(0, 20)}`;

describe('a BuildKit build context', () => {
  it('is the file set as BuildKit sees it, with the Dockerfile under its own name when the set holds it', async () => {
    write({ Dockerfile: DOCKERFILE, '.dockerignore': '*.log\n', 'app.js': 'x', 'debug.log': 'x' });
    const context = await directoryContext(work, { builder: 'buildkit' });
    expect(context.dockerfile).toBe('Dockerfile');
    expect(await contents(context.tar)).toEqual({ Dockerfile: DOCKERFILE, '.dockerignore': '*.log\n', 'app.js': 'x' });
  });

  it('leaves out a Dockerfile and .dockerignore the rules exclude, and sends the Dockerfile along under a name from its content, the same every time', async () => {
    write({ Dockerfile: DOCKERFILE, '.dockerignore': 'Dockerfile\n.dockerignore\n', 'app.js': 'x' });
    const first = await directoryContext(work, { builder: 'buildkit' });
    const second = await directoryContext(work, { builder: 'buildkit' });
    expect(first.dockerfile).toBe(nameFor(DOCKERFILE));
    expect(second.dockerfile).toBe(first.dockerfile);
    expect(await contents(first.tar)).toEqual({ [nameFor(DOCKERFILE)]: DOCKERFILE, 'app.js': 'x' });
    await contents(second.tar);
  });

  it('sends a Dockerfile from outside the folder along, and its own <Dockerfile>.dockerignore decides, the root one sent unchanged', async () => {
    write({
      'build/app.Dockerfile': DOCKERFILE,
      'build/app.Dockerfile.dockerignore': '*.env\n',
      'ctx/.dockerignore': 'kept.txt\n',
      'ctx/kept.txt': 'k',
      'ctx/local.env': 'e',
    });
    const context = await directoryContext(join(work, 'ctx'), { builder: 'buildkit', dockerfile: join(work, 'build/app.Dockerfile') });
    expect(await contents(context.tar)).toEqual({ [nameFor(DOCKERFILE)]: DOCKERFILE, '.dockerignore': 'kept.txt\n', 'kept.txt': 'k' });
    expect(context.dockerfile).toBe(nameFor(DOCKERFILE));
  });

  it('differs from the classic builder’s tar, which gains a .dockerignore naming the Dockerfile for the engine to delete', async () => {
    write({ 'build/Dockerfile': DOCKERFILE, 'ctx/app.js': 'x' });
    const options = { dockerfile: join(work, 'build/Dockerfile') };
    const classic = await directoryContext(join(work, 'ctx'), options);
    expect(await contents(classic.tar)).toEqual({ '.dockerignore': `.dockerignore\n${classic.dockerfile}\n`, [classic.dockerfile]: DOCKERFILE, 'app.js': 'x' });
    const buildkit = await directoryContext(join(work, 'ctx'), { ...options, builder: 'buildkit' });
    expect(await contents(buildkit.tar)).toEqual({ [nameFor(DOCKERFILE)]: DOCKERFILE, 'app.js': 'x' });
  });

  it('picks a longer name when the folder already holds one of that name', async () => {
    write({ 'build/Dockerfile': DOCKERFILE, [`ctx/${nameFor(DOCKERFILE)}`]: 'mine' });
    const context = await directoryContext(join(work, 'ctx'), { builder: 'buildkit', dockerfile: join(work, 'build/Dockerfile') });
    const longer = `.dockerfile.${createHash('sha256').update(DOCKERFILE).digest('hex').slice(0, 21)}`;
    expect(context.dockerfile).toBe(longer);
    expect(await contents(context.tar)).toEqual({ [nameFor(DOCKERFILE)]: 'mine', [longer]: DOCKERFILE });
  });
});
