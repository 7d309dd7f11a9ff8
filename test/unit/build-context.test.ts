// Build contexts and folder archives as tar streams: entry metadata, where the Dockerfile goes,
// and hostile folders (link loops, links out of the context, unreadable files, long and
// non-UTF-8 names). Archives are read back with tar-stream and GNU tar, not with this library.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryTarStream } from '../../src/archive/directory-tar.js';
import { encodeTarHeader } from '../../src/protocols/tar-header.js';
import { deletableName } from '../../src/build/deletable-name.js';
import { directoryContext } from '../../src/build/directory-context.js';
import { DockerignoreError, TarSourceError } from '../../src/errors.js';

interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string | null;
  content: Buffer;
}

async function entriesOf(tar: Readable): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const reader = extract({ filenameEncoding: 'latin1' });
  reader.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const name = Buffer.from(header.name, 'latin1').toString('utf8');
      entries.set(name.replace(/\/$/, ''), {
        name,
        type: header.type ?? '',
        mode: header.mode ?? 0,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        size: header.size ?? 0,
        linkname: header.linkname ?? null,
        content: Buffer.concat(chunks),
      });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
    tar.on('error', reject);
    tar.pipe(reader);
  });
  return entries;
}

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'build-context-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(path: string, content = 'x'): string {
  const full = join(folder, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

describe('folder archives', () => {
  it('writes entries with their modes, sizes and content, owned by 0:0, folders before their contents', async () => {
    chmodSync(write('bin/run.sh', '#!/bin/sh\necho hi\n'), 0o755);
    chmodSync(write('secret', 'shh'), 0o600);
    mkdirSync(join(folder, 'empty'), { mode: 0o700 });
    const entries = await entriesOf(new DirectoryTarStream(folder));
    expect([...entries.keys()]).toEqual(['bin', 'bin/run.sh', 'empty', 'secret']);
    expect(entries.get('bin/run.sh')).toMatchObject({ type: 'file', mode: 0o755, uid: 0, gid: 0, size: 18 });
    expect(entries.get('bin/run.sh')!.content.toString()).toBe('#!/bin/sh\necho hi\n');
    expect(entries.get('secret')).toMatchObject({ mode: 0o600 });
    expect(entries.get('empty')).toMatchObject({ type: 'directory', mode: 0o700, name: 'empty/' });
  });

  it('stores symbolic links as links, whatever they point at, and never follows them', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    try {
      writeFileSync(join(outside, 'big'), 'outside content');
      symlinkSync(join(outside, 'big'), join(folder, 'absolute'));
      symlinkSync('../../etc/passwd', join(folder, 'relative-out'));
      symlinkSync(outside, join(folder, 'folder-out'));
      symlinkSync('loop', join(folder, 'loop'));
      symlinkSync('b', join(folder, 'a'));
      symlinkSync('a', join(folder, 'b'));
      const entries = await entriesOf(new DirectoryTarStream(folder));
      expect([...entries.values()].every((entry) => entry.type === 'symlink' && entry.size === 0)).toBe(true);
      expect(entries.get('absolute')!.linkname).toBe(join(outside, 'big'));
      expect(entries.get('relative-out')!.linkname).toBe('../../etc/passwd');
      expect(entries.get('loop')!.linkname).toBe('loop');
      expect(entries.has('folder-out/big')).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('keeps very long names and link targets (PAX), and names that are not UTF-8, byte for byte', async () => {
    const long = `${'a'.repeat(120)}/${'b'.repeat(200)}/${'c'.repeat(250)}.txt`;
    write(long, 'long');
    symlinkSync('t'.repeat(300), join(folder, 'long-link'));
    const raw = Buffer.from([0x6e, 0xff, 0xc3, 0x28, 0x2e, 0x62, 0x69, 0x6e]);
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), raw]), 'raw');
    const tarFile = join(mkdtempSync(join(tmpdir(), 'tar-')), 'out.tar');
    const chunks: Buffer[] = [];
    for await (const chunk of new DirectoryTarStream(folder)) chunks.push(chunk as Buffer);
    writeFileSync(tarFile, Buffer.concat(chunks));
    // GNU tar reads the PAX records and extracts the exact bytes.
    const target = mkdtempSync(join(tmpdir(), 'untar-'));
    execFileSync('tar', ['-xf', tarFile, '-C', target]);
    expect(execFileSync('cat', [join(target, long)]).toString()).toBe('long');
    expect(
      execFileSync('readlink', [join(target, 'long-link')])
        .toString()
        .trim(),
    ).toBe('t'.repeat(300));
    const listed = spawnSync('ls', ['-1', '--quoting-style=escape', target]).stdout.toString();
    expect(listed).toContain('n\\377\\303(.bin');
    rmSync(target, { recursive: true, force: true });
    rmSync(join(tarFile, '..'), { recursive: true, force: true });
  });

  it('writes a hard-linked file once and links the second name to it', async () => {
    write('first', 'shared');
    execFileSync('ln', [join(folder, 'first'), join(folder, 'second')]);
    const entries = await entriesOf(new DirectoryTarStream(folder));
    expect(entries.get('first')).toMatchObject({ type: 'file', size: 6 });
    expect(entries.get('second')).toMatchObject({ type: 'link', linkname: 'first', size: 0 });
  });

  it('streams a large file in chunks and waits for the reader (backpressure)', async () => {
    write('big', 'z'.repeat(8 * 1024 * 1024));
    const tar = new DirectoryTarStream(folder);
    const first = await new Promise<Buffer>((resolve) => tar.once('data', resolve));
    tar.pause();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Paused, it holds at most its buffer (one chunk plus the high-water mark), not the whole file.
    expect(first.length).toBeLessThanOrEqual(1024 * 1024);
    expect(tar.readableLength).toBeLessThanOrEqual(2 * 1024 * 1024);
    tar.destroy();
  });

  it('ends with an AbortError when its signal aborts', async () => {
    write('big', 'z'.repeat(4 * 1024 * 1024));
    const controller = new AbortController();
    const tar = new DirectoryTarStream(folder, { signal: controller.signal });
    tar.once('data', () => controller.abort());
    await expect(entriesOf(tar)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with TarSourceError naming the file it cannot read (EACCES)', async () => {
    write('readable');
    chmodSync(write('locked/unreadable'), 0o000);
    chmodSync(join(folder, 'locked'), 0o755);
    const error = await readAsUnprivileged(folder);
    expect(error).toEqual({ name: 'TarSourceError', code: 'EACCES', path: join(folder, 'locked', 'unreadable') });
  });

  it('skips an excluded folder it cannot read instead of failing', async () => {
    write('.dockerignore', 'private\n!private/keep\n!**/*.md\n');
    write('Dockerfile', 'FROM scratch\n');
    write('private/inner');
    chmodSync(join(folder, 'private'), 0o000);
    const result = await readContextAsUnprivileged(folder);
    expect(result).toEqual({ names: ['.dockerignore', 'Dockerfile'] });
  });
});

// Root reads everything, so permission failures are produced by a child process that runs as
// nobody (uid 65534) when the tests run as root. The child starts as root and loads everything it
// needs first (static imports run before its body), then drops its privileges for the read itself:
// nobody may not be able to reach the checkout at all (a clone below a 0700 folder, as mktemp -d or
// root's home makes), nor the Node binary (npx keeps it under /root/.npm). Only the folder being
// read must be reachable, and it lies in the shared temporary folder.
function runUnprivileged(imports: string, body: string, path: string): unknown {
  chmodSync(folder, 0o755);
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  const runner = join(dir, 'run.mts');
  const asRoot = process.getuid?.() === 0;
  // setgroups first: root's supplementary groups would otherwise stay and could grant access.
  const drop = asRoot ? 'process.setgroups([]); process.setgid(65534); process.setuid(65534);\n' : '';
  writeFileSync(runner, `${imports}\n${drop}${body}`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', runner, path], {
    cwd: process.cwd(),
    env: { ...process.env, TSX_TSCONFIG_PATH: join(process.cwd(), 'tsconfig.json'), HOME: tmpdir() },
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  if (child.error) throw new Error(`cannot start the unprivileged reader: ${child.error.message}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`unprivileged reader failed: ${child.stderr}`);
  return JSON.parse(line);
}

function readAsUnprivileged(path: string): unknown {
  return runUnprivileged(
    `import { DirectoryTarStream } from ${JSON.stringify(join(process.cwd(), 'src/archive/directory-tar.ts'))};`,
    `try { for await (const chunk of new DirectoryTarStream(process.argv[2])) void chunk; console.log('{"ok":true}'); }
     catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, path: error.path })); }`,
    path,
  );
}

function readContextAsUnprivileged(path: string): unknown {
  return runUnprivileged(
    `import { directoryContext } from ${JSON.stringify(join(process.cwd(), 'src/build/directory-context.ts'))};
     import { extract } from ${JSON.stringify(join(process.cwd(), 'node_modules/tar-stream/index.js'))};`,
    `try {
       const { tar } = await directoryContext(process.argv[2]);
       const names = [];
       const reader = extract();
       reader.on('entry', (header, stream, next) => { names.push(header.name); stream.resume(); stream.on('end', next); });
       tar.pipe(reader);
       await new Promise((resolve, reject) => { reader.on('finish', resolve); reader.on('error', reject); tar.on('error', reject); });
       console.log(JSON.stringify({ names }));
     } catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, path: error.path })); }`,
    path,
  );
}

describe('build contexts from a folder', () => {
  async function names(options: Parameters<typeof directoryContext>[1] = {}) {
    const context = await directoryContext(folder, options);
    return { dockerfile: context.dockerfile, entries: await entriesOf(context.tar) };
  }

  it('applies .dockerignore and sends the Dockerfile under its own name when it is part of the context', async () => {
    write('Dockerfile', 'FROM scratch\n');
    write('.dockerignore', '*.log\n');
    write('app.js');
    write('debug.log');
    const { dockerfile, entries } = await names();
    expect(dockerfile).toBe('Dockerfile');
    expect([...entries.keys()]).toEqual(['.dockerignore', 'Dockerfile', 'app.js']);
  });

  it('falls back to a lower-case dockerfile', async () => {
    write('dockerfile', 'FROM scratch\n');
    expect((await names()).dockerfile).toBe('dockerfile');
  });

  it('sends an excluded Dockerfile under its own name when the engine will delete it, and no .dockerignore it would not', async () => {
    write('Dockerfile', 'FROM scratch\n');
    write('.dockerignore', 'Dockerfile\n');
    const { dockerfile, entries } = await names();
    expect(dockerfile).toBe('Dockerfile');
    expect([...entries.keys()]).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('sends a Dockerfile from outside under a name the context’s own patterns delete and it does not send', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    try {
      writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
      write('.dockerignore', 'logs\n!logs/keep\n*.tmp\n');
      write('logs/old');
      write('logs/keep');
      write('a.txt');
      const { dockerfile, entries } = await names({ dockerfile: join(outside, 'Dockerfile') });
      // Not `logs`: that folder is excluded but still sends logs/keep.
      expect(dockerfile).toBe('dockerfile.tmp');
      expect(entries.get('dockerfile.tmp')!.content.toString()).toBe('FROM scratch\nCOPY . /\n');
      expect(entries.get('.dockerignore')!.content.toString()).toBe('logs\n!logs/keep\n*.tmp\n');
      expect([...entries.keys()].sort()).toEqual(['.dockerignore', 'a.txt', 'dockerfile.tmp', 'logs', 'logs/keep']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('adds a generated Dockerfile name to .dockerignore when no pattern of its own fits', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    try {
      writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
      const { dockerfile, entries } = await names({ dockerfile: join(outside, 'Dockerfile') });
      expect(dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
      expect(entries.get('.dockerignore')!.content.toString()).toBe(`.dockerignore\n${dockerfile}\n`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile to the root .dockerignore', async () => {
    write('docker/app.Dockerfile', 'FROM scratch\n');
    write('docker/app.Dockerfile.dockerignore', 'b.txt\n');
    write('.dockerignore', 'a.txt\n');
    write('a.txt');
    write('b.txt');
    const context = await directoryContext(folder, { dockerfile: 'docker/app.Dockerfile' });
    expect(context.ignoreFile).toBe(join(folder, 'docker/app.Dockerfile.dockerignore'));
    const entries = await entriesOf(context.tar);
    expect(entries.has('a.txt')).toBe(true);
    expect(entries.has('b.txt')).toBe(false);
  });

  it('reports a missing Dockerfile, a non-folder context and a malformed pattern with typed errors', async () => {
    await expect(directoryContext(folder)).rejects.toBeInstanceOf(TarSourceError);
    write('file');
    await expect(directoryContext(join(folder, 'file'))).rejects.toMatchObject({ name: 'TarSourceError', code: 'ENOTDIR' });
    write('Dockerfile', 'FROM scratch\n');
    write('.dockerignore', 'ok\n[unclosed\n');
    await expect(directoryContext(folder)).rejects.toBeInstanceOf(DockerignoreError);
  });
});

describe('deletableName', () => {
  it('derives a top-level name from a pattern and checks it both ways', () => {
    expect(
      deletableName(
        ['**/*.log'],
        (name) => name.endsWith('.log'),
        () => false,
      ),
    ).toBe('dockerfile.log');
    expect(
      deletableName(
        ['tmp-?'],
        () => true,
        () => false,
      ),
    ).toBe('tmp-x');
    expect(
      deletableName(
        ['a.txt'],
        () => true,
        (name) => name === 'a.txt',
      ),
    ).toBeUndefined();
    expect(
      deletableName(
        ['!x', 'dir/*', '[ab]'],
        () => true,
        () => false,
      ),
    ).toBeUndefined();
    expect(
      deletableName(
        ['*.log'],
        () => false,
        () => false,
      ),
    ).toBeUndefined();
  });
});

describe('tar headers', () => {
  it('encodes a header GNU tar accepts, with a PAX size record beyond 8 GiB', async () => {
    const header = encodeTarHeader({ name: 'huge.bin', type: 'file', mode: 0o644, size: 9 * 1024 ** 3, mtime: 1_700_000_000 });
    expect(header.length).toBe(512 * 3);
    expect(header.subarray(512, 1024).toString('latin1')).toContain('size=9663676416\n');
    const entries = await entriesOf(
      Readable.from([encodeTarHeader({ name: 'dir', type: 'directory', mode: 0o750, mtime: 1_700_000_000 }), Buffer.alloc(1024)]),
    );
    expect(entries.get('dir')).toMatchObject({ name: 'dir/', type: 'directory', mode: 0o750, uid: 0, gid: 0 });
  });
});
