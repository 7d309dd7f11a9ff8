// Archives on the real engines: files into and out of a container (with the path stat), the
// container's file system exported, and images saved, loaded and imported, all as streams.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ServerError } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

interface Entry {
  type: string;
  mode: number;
  linkname: string | null;
  content: string;
}

async function readTar(tar: NodeJS.ReadableStream, limit = Infinity): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (header.size! <= limit) chunks.push(chunk);
    });
    stream.on('end', () => {
      entries.set(header.name.replace(/\/$/, ''), {
        type: header.type!,
        mode: header.mode!,
        linkname: header.linkname ?? null,
        content: Buffer.concat(chunks).toString(),
      });
      next();
    });
  });
  tar.pipe(reader);
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  return entries;
}

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mode: 0o640 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(targets())('archives on $label', ({ docker, engine }) => {
  const podman = isPodman(engine);
  // Podman names an image given by a short name with its registry: docker.io/library/NAME.
  const qualified = (reference: string) => (podman ? `docker.io/library/${reference}` : reference);
  const run = randomUUID().slice(0, 8);
  const labels = { 'test.run': run };
  let container = '';
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'archive-test-'));
    container = (await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: ['true'], Labels: labels } })).Id;
  });

  afterAll(async () => {
    await docker.containers.delete({ id: container, force: true }).catch(() => undefined);
    for (const image of await docker.images.list({ filters: { label: [`test.run=${run}`] } })) {
      await docker.images.delete({ name: image.Id, force: true }).catch(() => undefined);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('puts a local folder into a container and gets it back with its stat', async () => {
    const source = join(folder, 'site');
    mkdirSync(join(source, 'assets'), { recursive: true });
    writeFileSync(join(source, 'index.html'), '<h1>hi</h1>');
    writeFileSync(join(source, 'assets', 'app.js'), 'console.log(1)');
    chmodSync(join(source, 'assets', 'app.js'), 0o700);
    symlinkSync('index.html', join(source, 'home.html'));
    await docker.putArchive(container, '/tmp', source);

    const stat = await docker.archiveStat(container, '/tmp/assets');
    // Only a link has a target (Podman sends the path itself, which the client drops).
    expect(stat).toMatchObject({ name: 'assets', kind: 'directory', permissions: 0o755, linkTarget: '' });
    const link = await docker.archiveStat(container, '/tmp/home.html');
    expect(link).toMatchObject({ kind: 'symlink', linkTarget: '/tmp/index.html' });

    const { stat: fileStat, tar } = await docker.getArchive(container, '/tmp/assets/app.js');
    expect(fileStat).toMatchObject({ name: 'app.js', kind: 'file', size: 14, permissions: 0o700 });
    expect(Date.parse(fileStat.mtime)).toBeGreaterThan(0);
    const entries = await readTar(tar);
    expect(entries.get('app.js')).toMatchObject({ type: 'file', content: 'console.log(1)' });
    expect(entries.get('app.js')!.mode & 0o7777).toBe(0o700);

    const whole = await readTar((await docker.getArchive(container, '/tmp')).tar);
    expect([...whole.keys()].sort()).toEqual(['tmp', 'tmp/assets', 'tmp/assets/app.js', 'tmp/home.html', 'tmp/index.html']);
    expect(whole.get('tmp/home.html')).toMatchObject({ type: 'symlink', linkname: 'index.html' });
  });

  it(`puts a tar stream, and refuses to replace a folder with a file when asked not to${podman ? " (Podman 4.3: 500 with its copier's message)" : ''}`, async () => {
    await docker.putArchive(container, '/etc', Readable.from([await tarOf({ 'notes.txt': 'first' })]));
    const notes = (await readTar((await docker.getArchive(container, '/etc/notes.txt')).tar)).get('notes.txt')!;
    expect(notes.content).toBe('first');
    expect(notes.mode & 0o7777).toBe(0o640);
    const refused = await docker
      .putArchive(container, '/tmp', Readable.from([await tarOf({ assets: 'a file where a folder is' })]), { noOverwriteDirNonDir: true })
      .catch((error: unknown) => error);
    // Engines answer 500 here, not 400: the refusal comes from unpacking.
    expect(refused).toBeInstanceOf(ServerError);
    expect((refused as ServerError).message).toMatch(
      podman ? /copier: put: error creating file at "\/tmp\/assets": open \/tmp\/assets: file exists/ : /cannot overwrite directory/,
    );
    expect(await docker.archiveStat(container, '/tmp/assets')).toMatchObject({ kind: 'directory' });
  });

  it(`answers a missing path with NotFoundError, for GET and for HEAD${podman ? ' (Podman 4.3: PUT creates the missing folder)' : ''}`, async () => {
    await expect(docker.getArchive(container, '/no/such/path')).rejects.toBeInstanceOf(NotFoundError);
    const error = await docker.archiveStat(container, '/no/such/path').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(/no such/);
    const put = docker.putArchive(container, '/no/such/folder', Readable.from([await tarOf({ a: 'b' })]));
    if (!podman) return expect(put).rejects.toBeInstanceOf(NotFoundError);
    await expect(put).resolves.toBeUndefined();
    expect(await docker.archiveStat(container, '/no/such/folder')).toMatchObject({ kind: 'directory' });
    expect((await readTar((await docker.getArchive(container, '/no/such/folder/a')).tar)).get('a')?.content).toBe('b');
  });

  it('exports the container’s file system as a stream', async () => {
    const entries = await readTar(await docker.exportContainer(container), 64 * 1024);
    expect(entries.get('bin/busybox')?.type).toBe('file');
    expect(entries.get('tmp/index.html')?.content).toBe('<h1>hi</h1>');
  });

  it(`imports a root file system, saves the image, and loads it back under its tag${podman ? ' (Podman 4.3 names the images docker.io/library/… and localhost/busybox)' : ''}`, async () => {
    const rootfs = join(folder, 'rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'motd'), `imported ${run}\n`);
    const repo = `archive-test-${run}`;
    const imported = docker.importImage(rootfs, { repo, tag: 'v1', changes: [`LABEL test.run=${run}`, 'CMD ["/etc/motd"]'], message: 'from a folder' });
    const { imageId } = await imported.done;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const image = await docker.images.inspect({ name: `${repo}:v1` });
    expect(image.Id).toBe(imageId);
    expect(image.Config?.Cmd).toEqual(['/etc/motd']);
    expect(image.Comment).toBe('from a folder');

    const saved = await readTar(await docker.saveImages(`${repo}:v1`), 1024 * 1024);
    expect(saved.has('manifest.json')).toBe(true);
    expect(JSON.parse(saved.get('manifest.json')!.content)[0].RepoTags).toEqual([qualified(`${repo}:v1`)]);

    const archive = await docker.saveImages([`${repo}:v1`, 'busybox:latest']);
    await docker.images.delete({ name: `${repo}:v1` });
    const loaded = docker.loadImages(archive);
    const { images } = await loaded.done;
    // Podman names both in one result line, joined by commas: the client splits it.
    if (podman) expect([...images].sort()).toEqual([qualified(`${repo}:v1`), 'localhost/busybox:latest']);
    else expect(images).toEqual(expect.arrayContaining([`${repo}:v1`, 'busybox:latest']));
    expect((await docker.images.inspect({ name: `${repo}:v1` })).Id).toBe(imageId);
  });

  it('fails a load of something that is not an image archive', async () => {
    const failure = await docker.loadImages(Readable.from([await tarOf({ 'random.txt': 'not an image' })])).done.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toMatch(/manifest|no such file|invalid|unexpected/i);
  });
});
