// BuildKit outputs other than an image (src/build/session/build-output.ts, folder-receiver.ts), on
// the real engines, beside the Docker CLI with buildx as the oracle: `--output type=local` into a
// folder and `type=tar` into an archive. The result holds a nested folder, an executable, an empty
// file, a setgid folder, a symbolic link and a hard link; both must come out as the CLI writes them.
// Podman 4.3 has no BuildKit and serves no /session, through which outputs travel: there the
// library refuses them, and the tests assert that refusal.
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker, DockerUsageError, NotFoundError, type Docker } from '../../src/index.js';
import { dockerCli } from './support/docker-cli.js';
import { readAll, tarFiles } from './support/images-fixtures.js';
import { engines } from './support/targets.js';

const run = randomUUID().slice(0, 8);
const work = mkdtempSync(join(tmpdir(), 'build-output-'));
const context = join(work, 'context');
mkdirSync(context);
writeFileSync(
  join(context, 'Dockerfile'),
  [
    'FROM busybox:latest AS build',
    `RUN mkdir -p /out/nested/deeper /out/shared && echo ${run} > /out/nested/deeper/run.txt \\`,
    '    && printf "#!/bin/sh\\necho hi\\n" > /out/tool.sh && chmod 755 /out/tool.sh && : > /out/empty \\',
    '    && chmod 2775 /out/shared && ln -s nested/deeper/run.txt /out/link && ln /out/tool.sh /out/tool-hardlink',
    'FROM scratch',
    'COPY --from=build /out /',
  ].join('\n'),
);

/** Every entry of a folder: type, permissions (with setuid/setgid/sticky), link target or content. */
function describeFolder(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const stat = lstatSync(join(root, path));
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) found[path] = `link -> ${readlinkSync(join(root, path))}`;
      else if (stat.isDirectory()) {
        found[path] = `dir ${mode}`;
        visit(path);
      } else found[path] = `file ${mode} ${JSON.stringify(readFileSync(join(root, path), 'utf8'))}`;
    }
  };
  visit('');
  return found;
}

const dockerEngines = engines().filter((engine) => engine.name !== 'podman');
const podman = engines().find((engine) => engine.name === 'podman');

describe.each(dockerEngines)('BuildKit outputs on $name (Docker $version)', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });
  afterAll(() => docker.close());

  it('writes a local output as the Docker CLI does: the same entries, types, permissions, links and contents', async () => {
    const dest = join(work, `local-${engine.name}`);
    const summary = await docker.build({ context, output: { type: 'local', dest } }).done;
    expect(summary.imageId).toBeUndefined();
    const cliDest = join(work, `local-cli-${engine.name}`);
    await (await dockerCli()).run(engine.socket, ['build', '-q', '--output', `type=local,dest=${cliDest}`, context]);
    const ours = describeFolder(dest);
    expect(ours).toEqual(describeFolder(cliDest));
    expect(ours).toMatchObject({
      'nested/deeper/run.txt': `file 644 ${JSON.stringify(`${run}\n`)}`,
      'tool.sh': expect.stringMatching(/^file 755/),
      link: 'link -> nested/deeper/run.txt',
      shared: 'dir 2775',
    });
    expect(lstatSync(join(dest, 'tool-hardlink')).ino).toBe(lstatSync(join(dest, 'tool.sh')).ino);
  });

  it('writes a tar output to a stream with the same entries and contents as the Docker CLI’s archive', async () => {
    const stream = new PassThrough();
    const archive = readAll(stream);
    await docker.build({ context, output: { type: 'tar', to: stream } }).done;
    const cliArchive = join(work, `cli-${engine.name}.tar`);
    await (await dockerCli()).run(engine.socket, ['build', '-q', '--output', `type=tar,dest=${cliArchive}`, context]);
    const ours = await tarFiles(await archive);
    const theirs = await tarFiles(readFileSync(cliArchive));
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, content] of theirs) expect(ours.get(name)?.equals(content), name).toBe(true);
    expect(ours.get('nested/deeper/run.txt')?.toString()).toBe(`${run}\n`);
  });

  it('writes a tar output into a file stream, ended and complete when done resolves', async () => {
    const path = join(work, `out-${engine.name}.tar`);
    const file = createWriteStream(path);
    await docker.build({ context, output: { type: 'tar', to: file } }).done;
    await finished(file);
    expect((await tarFiles(readFileSync(path))).get('nested/deeper/run.txt')?.toString()).toBe(`${run}\n`);
  });

  it('refuses a local output into a folder that is not empty, before building', async () => {
    const dest = join(work, `busy-${engine.name}`);
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'mine');
    await expect(docker.build({ context, output: { type: 'local', dest } }).done).rejects.toThrow(DockerUsageError);
    expect(readFileSync(join(dest, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe.runIf(podman)('Podman 4.3 has no BuildKit session, so no outputs', () => {
  // Made in beforeAll: the suite is still collected where Podman is not among the engines.
  let docker: Docker;
  beforeAll(() => {
    docker = createDocker({ socketPath: podman!.socket });
  });
  afterAll(() => docker.close());

  /** The refusal of an output: a DockerUsageError caused by the engine's 404 for POST /session. */
  const expectNoSession = (error: unknown) => {
    expect(error).toBeInstanceOf(DockerUsageError);
    expect((error as Error).message).toBe('this build needs a BuildKit session (for an output), and this engine serves none (POST /session answered 404)');
    expect((error as Error).cause).toBeInstanceOf(NotFoundError);
    expect(((error as Error).cause as NotFoundError).status).toBe(404);
  };

  it('refuses a local output with a DockerUsageError (Podman 4.3: POST /session answers 404), and creates no folder', async () => {
    const dest = join(work, 'local-podman');
    expectNoSession(await docker.build({ context, output: { type: 'local', dest } }).done.catch((e: unknown) => e));
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a tar output with a DockerUsageError (Podman 4.3: POST /session answers 404), and writes nothing to the stream', async () => {
    const stream = new PassThrough();
    const written: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => written.push(chunk));
    expectNoSession(await docker.build({ context, output: { type: 'tar', to: stream } }).done.catch((e: unknown) => e));
    expect(written).toEqual([]);
  });

  it('refuses a local output into a folder that is not empty before asking the engine, as on Docker', async () => {
    const dest = join(work, 'busy-podman');
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'mine');
    const error = await docker.build({ context, output: { type: 'local', dest } }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerUsageError);
    expect((error as Error).message).toMatch(/is not empty/);
    expect(readdirSync(dest)).toEqual(['keep.txt']);
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));
