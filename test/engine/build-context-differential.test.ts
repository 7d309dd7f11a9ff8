// The differential proof of the .dockerignore rules: every context of the corpus is built three
// times on each engine — by the Docker CLI with BuildKit (today's default, the reference), by
// the Docker CLI with the classic builder, and by this library — and the file sets of the three
// images are compared entry by entry (path, type, mode, size, link target, owner). The library
// must match BuildKit everywhere; the classic builder must match too except in the cases the
// corpus marks, where it must really differ (so each such case shows the difference it documents).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker, type Docker } from '../../src/index.js';
import { corpus, writeCase, type ContextCase } from './build-context-corpus.js';
import { dockerCli, type Builder, type DockerCli } from './support/docker-cli.js';
import { engines } from './support/targets.js';

interface ImageEntry {
  path: string;
  type: string;
  mode: string;
  size: number;
  link: string;
  owner: string;
}

const run = randomUUID().slice(0, 8);

describe.each(engines())('build contexts on $name $version: this library vs the Docker CLI', (engine) => {
  let cli: DockerCli;
  let docker: Docker;
  let workspace: string;
  const images: string[] = [];

  beforeAll(async () => {
    cli = await dockerCli();
    docker = createDocker({ socketPath: engine.socket });
    workspace = mkdtempSync(join(tmpdir(), 'build-context-differential-'));
  });

  afterAll(async () => {
    if (images.length) await cli.run(engine.socket, ['rmi', '--force', ...images]).catch(() => undefined);
    await docker?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  async function fileSet(image: string): Promise<Map<string, ImageEntry>> {
    const container = (await cli.run(engine.socket, ['create', image])).trim();
    try {
      const exported = cli.stream(engine.socket, ['export', container]);
      const [entries] = await Promise.all([readEntries(exported.stdout), exported.exited]);
      return entries;
    } finally {
      await cli.run(engine.socket, ['rm', '--force', container]);
    }
  }

  async function buildWithCli(testCase: ContextCase, folder: string, builder: Builder, tag: string): Promise<void> {
    const { context, dockerfile } = writeCaseOnce(testCase, folder);
    await cli.run(engine.socket, ['build', '--quiet', '--tag', tag, '--file', dockerfile, context], builder);
    images.push(tag);
  }

  async function buildWithLibrary(testCase: ContextCase, folder: string, tag: string): Promise<void> {
    const { context, dockerfile } = writeCaseOnce(testCase, folder);
    const summary = await docker.build({ context, dockerfile, t: tag, rm: true, forcerm: true }).done;
    images.push(tag);
    expect(summary.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
  }

  it.each(corpus.map((testCase, index) => [testCase.name, testCase, index] as const))('%s', async (_name, testCase, index) => {
    const folder = join(workspace, `case-${index}`);
    const tag = (builder: string) => `differential-${run}-${index}:${builder}`;
    const refused = await buildWithCli(testCase, folder, 'buildkit', tag('buildkit')).then(
      () => undefined,
      (error: Error) => error,
    );
    await buildWithCli(testCase, folder, 'classic', tag('classic'));
    await buildWithLibrary(testCase, folder, tag('library'));
    const classic = await fileSet(tag('classic'));
    const library = await fileSet(tag('library'));
    if (refused) {
      if (!testCase.buildkitMayRefuse) throw refused;
      expect(refused.message).toMatch(testCase.buildkitMayRefuse);
      expect(comparable(library, testCase)).toEqual(comparable(classic, testCase));
      return;
    }
    const buildkit = await fileSet(tag('buildkit'));

    expect(buildkit.size, 'the BuildKit image holds something').toBeGreaterThan(0);
    expect(comparable(library, testCase)).toEqual(comparable(buildkit, testCase));
    if (testCase.classicDiffers) expect(comparable(classic, testCase), testCase.classicDiffers).not.toEqual(comparable(buildkit, testCase));
    else expect(comparable(classic, testCase)).toEqual(comparable(buildkit, testCase));
  });
});

const written = new Map<string, { context: string; dockerfile: string }>();

function writeCaseOnce(testCase: ContextCase, folder: string): { context: string; dockerfile: string } {
  let paths = written.get(folder);
  if (!paths) {
    paths = writeCase(folder, testCase);
    written.set(folder, paths);
  }
  return paths;
}

// The entries under ctx/ as comparable lines, sorted; sizes the case allows to differ are left out.
function comparable(entries: Map<string, ImageEntry>, testCase: ContextCase): string[] {
  return [...entries.values()]
    .map((entry) => {
      const size = testCase.sizeMayDiffer?.[entry.path] ? '*' : String(entry.size);
      return `${entry.type} ${entry.mode} ${entry.owner} ${size} ${entry.path}${entry.link ? ` -> ${entry.link}` : ''}`;
    })
    .sort();
}

// Reads an exported file system with tar-stream (not with this library's code) and keeps what is under ctx/.
async function readEntries(tar: NodeJS.ReadableStream): Promise<Map<string, ImageEntry>> {
  const entries = new Map<string, ImageEntry>();
  const reader = extract({ filenameEncoding: 'latin1' });
  reader.on('entry', (header, stream, next) => {
    const path = header.name.replace(/\/$/, '');
    if (path.startsWith('ctx/')) {
      entries.set(path, {
        path,
        // Hard links are files with the same content; engines differ in whether they keep the link.
        type: header.type === 'link' ? 'file' : (header.type ?? 'unknown'),
        mode: (header.mode ?? 0).toString(8),
        size: header.type === 'link' ? (entries.get(header.linkname ?? '')?.size ?? -1) : (header.size ?? 0),
        link: header.type === 'symlink' ? (header.linkname ?? '') : '',
        owner: `${header.uid}:${header.gid}`,
      });
    }
    stream.on('end', next);
    stream.resume();
  });
  tar.pipe(reader);
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  return entries;
}
