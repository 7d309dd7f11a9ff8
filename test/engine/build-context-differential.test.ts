// The differential proof of the .dockerignore rules: every context of the corpus is built five
// times on each engine — by the Docker CLI with BuildKit (today's default, the reference), by
// the Docker CLI with the classic builder, and by this library with the classic builder, with
// BuildKit from a tar, and with BuildKit over the session — and the file sets of the images are
// compared entry by entry (path, type, mode, size, link target, owner). The library's classic
// build must match BuildKit everywhere. Its BuildKit build from a tar, which the engine takes as it
// is, must match too, but for the one file a client without a session cannot keep out, the
// Dockerfile itself (`.dockerfile.<digest>`) when it lies outside the context or is excluded. Over
// the session the engine applies the .dockerignore as it does for the CLI: that build must match
// with no exception. The CLI's classic builder must match except in the cases the corpus marks,
// where it must really differ (so each such case shows the difference it documents).
//
// Podman 4.3 has no BuildKit (the CLI's buildx would fall back to a builder container of its own,
// moby/buildkit, which is not Podman's builder), so there the reference is the CLI's classic build
// (DOCKER_BUILDKIT=0), which the library's classic and BuildKit builds (Buildah takes both) must
// match but where the corpus marks a Podman difference. Buildah reads .dockerignore and
// <Dockerfile>.dockerignore from the uploaded context again, so the image holds what its own pass
// over each upload leaves. Contexts it refuses must be refused to the CLI and the library alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker, ServerError, type Docker } from '../../src/index.js';
import { corpus, writeCase, type ContextCase } from './build-context-corpus.js';
import { dockerCli, type Builder, type DockerCli } from './support/docker-cli.js';
import { engines, isPodman } from './support/targets.js';

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
  const podman = isPodman(engine);
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

  async function buildWithLibrary(testCase: ContextCase, folder: string, builder: Builder, tag: string, contextTransfer?: 'session'): Promise<void> {
    const { context, dockerfile } = writeCaseOnce(testCase, folder);
    const summary = await docker.build({ context, dockerfile, builder, t: tag, rm: true, forcerm: true, contextTransfer }).done;
    images.push(tag);
    expect(summary.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
  }

  // The Dockerfile a client without a session cannot keep out of a BuildKit build's context (see above).
  function withoutCarriedDockerfile(entries: Map<string, ImageEntry>): Map<string, ImageEntry> {
    const carried = [...entries.keys()].filter((path) => /^ctx\/\.dockerfile\.[0-9a-f]{20,}$/.test(path));
    expect(carried.length, 'at most the Dockerfile itself comes along').toBeLessThanOrEqual(1);
    for (const path of carried) entries.delete(path);
    return entries;
  }

  async function podmanCase(testCase: ContextCase, folder: string, tag: (builder: string) => string): Promise<void> {
    if (testCase.podmanRefuses) {
      await expect(buildWithCli(testCase, folder, 'classic', tag('classic'))).rejects.toThrow(/500 Internal Server Error/);
      for (const builder of ['classic', 'buildkit'] as const) {
        const error = await buildWithLibrary(testCase, folder, builder, tag(`library-${builder}`)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ServerError);
        expect((error as ServerError).status).toBe(500);
      }
      return;
    }
    await buildWithCli(testCase, folder, 'classic', tag('classic'));
    await buildWithLibrary(testCase, folder, 'classic', tag('library'));
    await buildWithLibrary(testCase, folder, 'buildkit', tag('library-buildkit'));
    const classic = comparable(await fileSet(tag('classic')), testCase);
    const library = comparable(await fileSet(tag('library')), testCase);
    const libraryBuildKit = comparable(withoutCarriedDockerfile(await fileSet(tag('library-buildkit'))), testCase);
    expect(classic.length, 'the CLI’s image holds something').toBeGreaterThan(0);
    expect(libraryBuildKit).toEqual(library);
    if (testCase.podmanDiffers) expect(library, testCase.podmanDiffers).not.toEqual(classic);
    else expect(library).toEqual(classic);
  }

  const podmanNote = (testCase: ContextCase) => {
    if (testCase.podmanRefuses) return ` (Podman 4.3 refuses it: ${testCase.podmanRefuses})`;
    return ` (Podman 4.3: compared with the CLI’s classic build, no BuildKit${testCase.podmanDiffers ? `; they differ: ${testCase.podmanDiffers}` : ''})`;
  };
  const named = (testCase: ContextCase) => (podman ? `${testCase.name}${podmanNote(testCase)}` : testCase.name);

  it.each(corpus.map((testCase, index) => [named(testCase), testCase, index] as const))('%s', async (_name, testCase, index) => {
    const folder = join(workspace, `case-${index}`);
    const tag = (builder: string) => `differential-${run}-${index}:${builder}`;
    if (podman) return podmanCase(testCase, folder, tag);
    const refused = await buildWithCli(testCase, folder, 'buildkit', tag('buildkit')).then(
      () => undefined,
      (error: Error) => error,
    );
    await buildWithCli(testCase, folder, 'classic', tag('classic'));
    await buildWithLibrary(testCase, folder, 'classic', tag('library'));
    await buildWithLibrary(testCase, folder, 'buildkit', tag('library-buildkit'));
    const sessionRefused = await buildWithLibrary(testCase, folder, 'buildkit', tag('library-session'), 'session').then(
      () => undefined,
      (error: Error) => error,
    );
    const classic = await fileSet(tag('classic'));
    const library = await fileSet(tag('library'));
    const libraryBuildKit = await fileSet(tag('library-buildkit'));
    const carriedDockerfile = [...libraryBuildKit.keys()].filter((path) => /^ctx\/\.dockerfile\.[0-9a-f]{20,}$/.test(path));
    expect(carriedDockerfile.length, 'at most the Dockerfile itself comes along').toBeLessThanOrEqual(1);
    for (const path of carriedDockerfile) libraryBuildKit.delete(path);
    if (refused) {
      if (!testCase.buildkitMayRefuse) throw refused;
      expect(refused.message).toMatch(testCase.buildkitMayRefuse);
      // Over the session the engine reads the context as the CLI's BuildKit client makes it read it: refused alike.
      expect(sessionRefused?.message).toMatch(testCase.buildkitMayRefuse);
      expect(comparable(library, testCase)).toEqual(comparable(classic, testCase));
      expect(comparable(libraryBuildKit, testCase)).toEqual(comparable(classic, testCase));
      return;
    }
    const buildkit = await fileSet(tag('buildkit'));

    expect(buildkit.size, 'the BuildKit image holds something').toBeGreaterThan(0);
    expect(comparable(library, testCase)).toEqual(comparable(buildkit, testCase));
    expect(comparable(libraryBuildKit, testCase)).toEqual(comparable(buildkit, testCase));
    if (sessionRefused) throw sessionRefused;
    // The context sent over the session, where the engine applies the .dockerignore: nothing carried, nothing left out.
    expect(comparable(await fileSet(tag('library-session')), testCase)).toEqual(comparable(buildkit, testCase));
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
