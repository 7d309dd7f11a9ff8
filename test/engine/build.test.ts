// docker.build() on the real engines: folders, tar streams and remote URLs as contexts; build
// args, labels, targets, platform and tags; failures inside the stream; aborting.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerStreamError, DockerUsageError } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

async function tarBuffer(files: Record<string, string>): Promise<Buffer> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(targets())('build on $label', ({ docker, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const repo = `build-test-${run}`;
  const labels = { 'test.run': run };
  let folder: string;
  let server: Server | undefined;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'build-test-'));
  });

  afterAll(async () => {
    const images = await docker.images.list({ filters: { label: [`test.run=${run}`] } });
    for (const image of images) await docker.images.delete({ name: image.Id, force: true }).catch(() => undefined);
    server?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it(`builds a folder with build args, labels, a target stage and two tags with the classic builder, and resolves done with the image ID${podman ? ' (Podman 4.3 names the tags docker.io/library/…)' : ''}`, async () => {
    const context = join(folder, 'multi');
    mkdirSync(context);
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        'FROM busybox:latest AS base',
        'ARG GREETING=unset',
        'LABEL stage=base greeting=$GREETING',
        'COPY hello.txt /hello.txt',
        'FROM base AS final',
        'LABEL stage=final',
        '',
      ].join('\n'),
    );
    writeFileSync(join(context, 'hello.txt'), 'hello\n');
    const stream = docker.build({
      context,
      t: [`${repo}:a`, `${repo}:b`],
      buildargs: { GREETING: 'hi there' },
      labels,
      target: 'base',
      platform: 'linux/amd64',
      nocache: true,
      rm: true,
      builder: 'classic',
    });
    const texts: string[] = [];
    for await (const message of stream) if (message.stream) texts.push(message.stream);
    const { imageId } = await stream.done;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(texts.join('')).toContain('COPY hello.txt /hello.txt');
    const image = await docker.images.inspect({ name: `${repo}:a` });
    expect(image.Id).toBe(imageId);
    const tags = [`${repo}:a`, `${repo}:b`];
    expect(image.RepoTags).toEqual(expect.arrayContaining(podman ? tags.map((tag) => `docker.io/library/${tag}`) : tags));
    expect(image.Config?.Labels).toMatchObject({ stage: 'base', greeting: 'hi there', 'test.run': run });
  });

  it('builds from a tar stream with the Dockerfile under another name', async () => {
    const files = { 'build/Custom.dockerfile': 'FROM busybox:latest\nCOPY data.txt /data.txt\n', 'data.txt': 'from a tar\n' };
    const stream = docker.build({ context: Readable.from([await tarBuffer(files)]), dockerfile: 'build/Custom.dockerfile', t: `${repo}:tar`, labels });
    const { imageId } = await stream.done;
    expect((await docker.images.inspect({ name: `${repo}:tar` })).Id).toBe(imageId);
  });

  // Podman 4.3 follows `remote` only on its own (libpod) API; on Docker's it builds the upload, here none.
  it(`builds from a remote URL the engine fetches itself${podman ? ' (Podman 4.3 never fetches it: it fails in the stream for want of a Dockerfile in the empty upload)' : ''}`, async () => {
    const archive = await tarBuffer({ Dockerfile: 'FROM busybox:latest\nLABEL remote=yes\n' });
    const fetched: string[] = [];
    server = createServer((req, res) => {
      fetched.push(req.url ?? '');
      res.writeHead(req.url === '/context.tar' ? 200 : 404, { 'content-type': 'application/x-tar' });
      res.end(req.url === '/context.tar' ? archive : undefined);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    if (podman) {
      const failure = await docker.build({ remote: `http://127.0.0.1:${port}/context.tar`, t: `${repo}:remote`, labels }).done.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DockerStreamError);
      expect((failure as DockerStreamError).message).toMatch(/^stat \S+\/Dockerfile: no such file or directory\n?$/);
      expect(fetched).toEqual([]);
      return;
    }
    const { imageId } = await docker.build({ remote: `http://127.0.0.1:${port}/context.tar`, t: `${repo}:remote`, labels }).done;
    const image = await docker.images.inspect({ name: `${repo}:remote` });
    expect(image.Id).toBe(imageId);
    expect(image.Config?.Labels).toMatchObject({ remote: 'yes' });
  });

  it(`rejects done with DockerStreamError when a classic-builder step fails, and the iteration throws it too${podman ? ' (Podman 4.3 names the step, not the exit code)' : ''}`, async () => {
    const context = join(folder, 'failing');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), 'FROM busybox:latest\nRUN echo about to fail && exit 7\n');
    const stream = docker.build({ context, labels, forcerm: true, networkmode: 'none', builder: 'classic' });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const message of stream) if (message.stream) seen.push(message.stream);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DockerStreamError);
    expect((failure as DockerStreamError).message).toMatch(
      podman ? /^building at STEP "RUN echo about to fail && exit 7": .*exit status 7/ : /returned a non-zero code: 7/,
    );
    await expect(stream.done).rejects.toBe(failure);
    expect(seen.join('')).toContain('about to fail');
  });

  it('reports the failure of a tar stream that breaks while it is sent, not a connection error', async () => {
    const broken = new Error('the archive source broke');
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(4096));
        this.destroy(broken);
      },
    });
    await expect(docker.build({ context: source, labels }).done).rejects.toBe(broken);
  });

  it('stops a running classic build when its signal aborts (BuildKit: build-buildkit.test.ts)', async () => {
    const context = join(folder, 'slow');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), 'FROM busybox:latest\nRUN sleep 30\n');
    const controller = new AbortController();
    const stream = docker.build({ context, labels, forcerm: true, nocache: true, networkmode: 'none', builder: 'classic', signal: controller.signal });
    const started = Date.now();
    for await (const message of stream) if (message.stream?.includes('RUN sleep')) controller.abort();
    await expect(stream.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses a call with both a context and a remote URL, or with neither', () => {
    expect(() => docker.build({ context: folder, remote: 'http://x/', labels })).toThrow(DockerUsageError);
    expect(() => docker.build({ labels })).toThrow(DockerUsageError);
  });
});
