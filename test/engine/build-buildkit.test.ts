// BuildKit builds through docker.build() on the real Docker engines, with the Docker CLI and its
// buildx plugin (BuildKit's own client) as the oracle: each Dockerfile of the corpus is built by
// both, and the two images must hold the same files and the same Env, Cmd, Labels, User and
// WorkingDir. A failing RUN must fail in both with the same step, output and message. Also: the
// builder is chosen as the CLI chooses, a cache mount keeps its content between builds, and an
// abort stops the step that runs. Every Dockerfile builds FROM the local busybox image: no network.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildStepError, createDocker, DockerStreamError, PlainProgressText, type BuildMessage, type Docker } from '../../src/index.js';
import { runCollecting } from '../support/examples.js';
import { dockerCli, type DockerCli } from './support/docker-cli.js';
import { engines, isPodman } from './support/targets.js';

const run = randomUUID().slice(0, 8);
const work = mkdtempSync(join(tmpdir(), 'build-buildkit-'));

interface Case {
  name: string;
  dockerfile: string;
  files?: Record<string, string>;
  target?: string;
  buildargs?: Record<string, string>;
  /** Where the Dockerfile and the context are in the case's folder (default: `Dockerfile` in the folder itself). */
  dockerfilePath?: string;
  contextPath?: string;
  /** Paths in the image that must be there (true) or not (false), beyond being the same as the CLI's. */
  expectFiles?: Record<string, boolean>;
  /**
   * The Dockerfile is outside the file set (outside the context, or excluded): without a session
   * this library must send it in the context, where it stays as `.dockerfile.<digest>` under this
   * folder of the image: the one entry the CLI's image lacks.
   */
  dockerfileSentInto?: string;
  /** An engine whose built-in Dockerfile frontend refuses the Dockerfile: both clients must fail with this message. */
  refusedBy?: { engine: string; message: RegExp };
}

const corpus: Case[] = [
  {
    name: 'multi-stage with --target, config set in several stages',
    dockerfile: [
      'FROM busybox:latest AS base',
      'ENV STAGE=base PATH=/opt/bin:$PATH',
      'WORKDIR /work',
      'COPY hello.txt ./',
      'FROM base AS build',
      'RUN mkdir -p /opt/bin && echo built > /artifact && chown 1234:1234 /artifact',
      'USER 1234:1234',
      'LABEL stage=build',
      'CMD ["sh", "-c", "cat /artifact"]',
      'FROM base AS final',
      'COPY --from=build /artifact /final-artifact',
      'LABEL stage=final',
    ].join('\n'),
    files: { 'hello.txt': 'hello\n' },
    target: 'build',
  },
  {
    name: 'build args into Env, Labels, files and the working directory',
    dockerfile: [
      'FROM busybox:latest',
      'ARG GREETING=unset',
      'ARG DIR=/default',
      'ARG UNUSED',
      'ENV GREETING=$GREETING',
      'LABEL greeting="$GREETING" dir=$DIR',
      'WORKDIR $DIR',
      'RUN echo "$GREETING from $DIR" > greeting.txt',
    ].join('\n'),
    buildargs: { GREETING: 'hi there', DIR: '/from-arg' },
  },
  {
    name: 'a cache mount and a bind mount of the context',
    dockerfile: [
      'FROM busybox:latest',
      `RUN --mount=type=cache,target=/cache,id=buildkit-oracle-${run} touch /cache/seen && ls /cache > /cache-listing`,
      'RUN --mount=type=bind,source=data,target=/mnt/data cat /mnt/data/*.txt > /bound',
      'RUN --mount=type=tmpfs,target=/scratch echo temp > /scratch/file && ls /scratch > /tmpfs-listing',
    ].join('\n'),
    files: { 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n' },
  },
  {
    name: 'a Dockerfile outside the context, whose own <Dockerfile>.dockerignore replaces the context’s (without a session the Dockerfile comes along as one extra file)',
    dockerfile: ['FROM busybox:latest', 'COPY . /ctx/'].join('\n'),
    dockerfilePath: 'build/app.Dockerfile',
    contextPath: 'ctx',
    files: {
      'build/app.Dockerfile.dockerignore': '*.env\n**/*.log\n',
      'ctx/.dockerignore': 'kept.txt\n',
      'ctx/kept.txt': 'the context’s own .dockerignore does not apply\n',
      'ctx/local.env': 'left out\n',
      'ctx/src/main.c': 'int main() {}\n',
      'ctx/src/debug.log': 'left out\n',
    },
    expectFiles: { 'ctx/kept.txt': true, 'ctx/src/main.c': true, 'ctx/local.env': false, 'ctx/src/debug.log': false, 'ctx/app.Dockerfile': false },
    dockerfileSentInto: 'ctx/',
  },
  {
    name: 'heredocs in RUN and COPY (Docker 20.10’s built-in Dockerfile frontend predates them: both clients fail alike there)',
    dockerfile: ['FROM busybox:latest', 'RUN <<EOF', 'echo from a heredoc > /heredoc-run', 'EOF', 'COPY <<EOF /heredoc-copy', 'copied', 'EOF'].join('\n'),
    expectFiles: { 'heredoc-run': true, 'heredoc-copy': true },
    refusedBy: { engine: 'legacy', message: /dockerfile parse error (on )?line 3: unknown instruction: echo/i },
  },
];

function folder(name: string, dockerfile: string, files: Record<string, string> = {}, dockerfilePath = 'Dockerfile'): string {
  const dir = join(work, name);
  for (const [path, content] of Object.entries({ [dockerfilePath]: `${dockerfile}\n`, ...files })) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface Entry {
  type: string;
  mode: number;
  size: number;
  link: string;
  sha256: string;
}

async function entries(archive: Readable): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const hash = createHash('sha256');
      stream.on('data', (chunk: Buffer) => hash.update(chunk));
      stream.on('end', () => {
        found.set(header.name, {
          type: header.type ?? 'file',
          mode: header.mode ?? 0,
          size: header.size ?? 0,
          link: header.linkname ?? '',
          sha256: hash.digest('hex'),
        });
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  archive.pipe(reader);
  await done;
  return found;
}

const dockerEngines = engines().filter((engine) => !isPodman(engine));

describe.each(dockerEngines)('BuildKit builds on $name $version, beside the Docker CLI with buildx', (engine) => {
  let docker: Docker;
  let cli: DockerCli;
  const images: string[] = [];

  beforeAll(async () => {
    docker = createDocker({ socketPath: engine.socket });
    cli = await dockerCli();
  });

  afterAll(async () => {
    for (const image of images) await docker.images.delete({ name: image, force: true }).catch(() => undefined);
    await docker.close();
  });

  async function files(image: string): Promise<Map<string, Entry>> {
    const container = await docker.containers.create({ body: { Image: image } });
    try {
      return await entries(await docker.exportContainer(container.Id));
    } finally {
      await docker.containers.delete({ id: container.Id, force: true });
    }
  }

  async function config(image: string) {
    const { Config } = await docker.images.inspect({ name: image });
    return { Env: Config?.Env, Cmd: Config?.Cmd, Labels: Config?.Labels, User: Config?.User, WorkingDir: Config?.WorkingDir };
  }

  it.each(corpus.map((testCase) => [testCase.name, testCase] as const))(
    '%s: the same files and config as the CLI builds, the context sent as a tar and over the session',
    async (_name, testCase) => {
      const dir = folder(`${engine.name}-${testCase.name.replace(/\W+/g, '-')}`, testCase.dockerfile, testCase.files, testCase.dockerfilePath);
      const context = join(dir, testCase.contextPath ?? '.');
      const dockerfile = testCase.dockerfilePath && join(dir, testCase.dockerfilePath);
      const [ours, synced, theirs] = [`buildkit-lib-${run}:${images.length}`, `buildkit-sync-${run}:${images.length}`, `buildkit-cli-${run}:${images.length}`];
      images.push(ours, synced, theirs);
      const args = ['build', '--quiet', '--tag', theirs];
      if (dockerfile) args.push('--file', dockerfile);
      if (testCase.target) args.push('--target', testCase.target);
      for (const [name, value] of Object.entries(testCase.buildargs ?? {})) args.push('--build-arg', `${name}=${value}`);

      const options = { context, dockerfile, target: testCase.target, buildargs: testCase.buildargs };
      const stream = docker.build({ ...options, t: ours });
      if (testCase.refusedBy?.engine === engine.name) {
        for (const refused of [stream, docker.build({ ...options, t: synced, contextTransfer: 'session' })]) {
          const refusal = await refused.done.catch((error: unknown) => error);
          expect(refusal).toBeInstanceOf(DockerStreamError);
          expect((refusal as Error).message).toMatch(testCase.refusedBy.message);
        }
        expect(await cli.run(engine.socket, [...args, context]).catch((error: Error) => error.message)).toMatch(testCase.refusedBy.message);
        return;
      }
      const messages: BuildMessage[] = [];
      for await (const message of stream) messages.push(message);
      const { imageId } = await stream.done;
      expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      // BuildKit was chosen without being asked: its trace records came, and no classic `Step 1/N` text.
      expect(messages.filter((message) => message.trace).length).toBeGreaterThan(3);
      expect(messages.some((message) => message.stream?.startsWith('Step 1/'))).toBe(false);
      expect(stream.buildkit.completed).toBe(stream.buildkit.steps.size);

      await cli.run(engine.socket, [...args, context]);

      expect(await config(ours)).toEqual(await config(theirs));
      const [mine, reference] = await Promise.all([files(ours), files(theirs)]);
      if (testCase.dockerfileSentInto !== undefined) {
        const extra = [...mine.keys()].filter((path) => !reference.has(path));
        expect(extra).toEqual([expect.stringMatching(new RegExp(`^${testCase.dockerfileSentInto}\\.dockerfile\\.[0-9a-f]{20}$`))]);
        expect(mine.get(extra[0]!)!.sha256).toBe(createHash('sha256').update(`${testCase.dockerfile}\n`).digest('hex'));
        mine.delete(extra[0]!);
      }
      expect(mine.size).toBeGreaterThan(100);
      expect(Object.fromEntries(mine)).toEqual(Object.fromEntries(reference));
      for (const [path, present] of Object.entries(testCase.expectFiles ?? {})) expect([path, mine.has(path)]).toEqual([path, present]);

      // Over the session the engine reads the Dockerfile from its own folder: no extra entry, even where the tar needed one.
      await docker.build({ ...options, t: synced, contextTransfer: 'session' }).done;
      expect(await config(synced)).toEqual(await config(theirs));
      expect(Object.fromEntries(await files(synced))).toEqual(Object.fromEntries(reference));
    },
  );

  // Not with nocache, which gives BuildKit's steps empty cache mounts too (measured on 20.10 and 28.5):
  // a build argument the step uses makes it run again.
  it('a cache mount keeps what one build left in it for the next', async () => {
    const context = folder(
      `${engine.name}-cache-persists`,
      [
        'FROM busybox:latest',
        'ARG ROUND',
        `RUN --mount=type=cache,target=/cache,id=buildkit-persist-${run} ls /cache > /before && touch /cache/mark-$ROUND`,
      ].join('\n'),
    );
    const listing = async (round: string) => {
      const tag = `buildkit-cache-${run}:${round}`;
      await docker.build({ context, t: tag, buildargs: { ROUND: round } }).done;
      images.push(tag);
      const container = await docker.containers.create({ body: { Image: tag } });
      try {
        const archive = await entries((await docker.getArchive(container.Id, '/before')).tar);
        return [...archive.values()][0]!.size;
      } finally {
        await docker.containers.delete({ id: container.Id, force: true });
      }
    };
    expect(await listing('first')).toBe(0);
    expect(await listing('second')).toBe('mark-first\n'.length);
  });

  it('a failing RUN rejects with a BuildStepError naming the step and carrying its output, as the CLI reports it', async () => {
    const context = folder(
      `${engine.name}-failing`,
      ['FROM busybox:latest', 'RUN echo one', 'RUN echo about to fail && echo on stderr >&2 && exit 7'].join('\n'),
    );
    const plain = new PlainProgressText();
    let text = '';
    const stream = docker.build({ context });
    const failure = await (async () => {
      for await (const message of stream) if (message.trace) text += plain.write(message.trace);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildStepError);
    await expect(stream.done).rejects.toBe(failure);
    const error = failure as BuildStepError;
    // Docker 20.10 names the stage (`[stage-0 3/3]`), Docker 28.5 leaves an unnamed single stage out.
    expect(error.step).toMatch(/^\[(stage-0 )?3\/3\] RUN echo about to fail && echo on stderr >&2 && exit 7$/);
    // stdout and stderr travel apart: their order is not kept.
    expect([...error.log].sort()).toEqual(['about to fail', 'on stderr']);
    expect(error.message).toMatch(/exit code: 7$/);
    expect(text).toMatch(/^#\d+ \[(stage-0 )?3\/3\] RUN echo about to fail/m);
    expect(text).toMatch(/^#\d+ \d+\.\d{3} about to fail$/m);
    expect(text).toMatch(/^#\d+ ERROR: .*exit code: 7$/m);

    const cliFailure = await cli.run(engine.socket, ['build', '--progress=plain', context]).catch((cliError: Error) => cliError.message);
    const engineMessage = error.message.slice(error.step.length + 2);
    expect(cliFailure).toContain(` > ${error.step}:`);
    expect(cliFailure).toMatch(/^\d+\.\d{3} about to fail$/m);
    expect(cliFailure).toMatch(/^\d+\.\d{3} on stderr$/m);
    expect(cliFailure).toContain(`failed to solve: ${engineMessage}`);
  });

  it('a COPY of a file the context lacks rejects with a BuildStepError naming the COPY, as the CLI names it', async () => {
    const context = folder(`${engine.name}-missing-copy`, 'FROM busybox:latest\nCOPY missing.txt /missing.txt\n');
    const error = await docker.build({ context }).done.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BuildStepError);
    expect((error as BuildStepError).step).toMatch(/^\[(stage-0 )?2\/2\] COPY missing\.txt \/missing\.txt$/);
    expect((error as Error).message).toMatch(/not found/);
    const cliFailure = await cli.run(engine.socket, ['build', '--progress=plain', context]).catch((cliError: Error) => cliError.message);
    // The CLI's plain progress heads the step's lines with the same name: `#6 [2/2] COPY missing.txt /missing.txt`.
    expect(cliFailure.split('\n').map((line) => line.replace(/^#\d+ /, ''))).toContain((error as BuildStepError).step);
  });

  it("builds with the classic builder when asked (builder: 'classic'), its output as text", async () => {
    const context = folder(`${engine.name}-classic`, 'FROM busybox:latest\nRUN echo classic-output\n');
    const stream = docker.build({ context, builder: 'classic', rm: true, forcerm: true });
    let text = '';
    for await (const message of stream) {
      expect(message.trace).toBeUndefined();
      text += message.stream ?? '';
    }
    expect(text).toMatch(/Step 2\/2 : RUN echo classic-output/);
    images.push((await stream.done).imageId!);
  });

  it('examples/build-buildkit.ts prints plain progress, the summary and the failed step, and no secret', async () => {
    const { code, output } = await runCollecting(process.execPath, ['--import', 'tsx', 'examples/build-buildkit.ts'], {
      env: { ...process.env, DOCKER_HOST: `unix://${engine.socket}` },
    });
    expect(code).toBe(0);
    expect(output).toMatch(/^#\d+ \[build 3\/3\] RUN --mount=type=secret,id=token,required=true wc -c/m);
    expect(output).toMatch(/^#\d+ DONE \d+\.\ds$/m);
    expect(output).toMatch(/^built sha256:[0-9a-f]{12}: (\d+)\/\1 steps, \d+ from the cache$/m);
    expect(output).toMatch(/^the build failed in \[(stage-0 )?2\/2\] RUN echo checking/m);
    expect(output).toMatch(/its last lines: \[("checking","the check failed"|"the check failed","checking")\]/);
    expect(output).not.toContain('not-to-be-seen');
  });

  it('an abort stops the running step, on the engine too', async () => {
    const marker = 987_000 + Math.floor(Math.random() * 999);
    const context = folder(`${engine.name}-abort`, `FROM busybox:latest\nRUN echo started && sleep ${marker}\n`);
    const controller = new AbortController();
    const sleeping = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(`sleep ${marker}`);
    const waitFor = async (wanted: boolean) => {
      const deadline = Date.now() + 10_000;
      while (sleeping() !== wanted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      return sleeping();
    };
    const stream = docker.build({ context, nocache: true, signal: controller.signal });
    const started = Date.now();
    let seenRunning = false;
    for await (const message of stream) {
      if (!message.trace?.logs.some((log) => Buffer.from(log.data).toString().includes('started'))) continue;
      // The step's process is seen from here first, so its absence later means something.
      seenRunning = await waitFor(true);
      controller.abort();
    }
    expect(seenRunning).toBe(true);
    await expect(stream.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await waitFor(false)).toBe(false);
  });
});

const podman = engines().find(isPodman);

describe.runIf(podman)('on Podman, which has no BuildKit', () => {
  it('a build without a builder named still works: Podman 4.3 takes version=2 and builds with Buildah, answering classic text without trace records', async () => {
    const docker = createDocker({ socketPath: podman!.socket });
    const tag = `buildkit-podman-${run}:latest`;
    try {
      const stream = docker.build({ context: folder('podman', 'FROM busybox:latest\nRUN echo from-buildah\n'), t: tag });
      let text = '';
      for await (const message of stream) {
        expect(message.trace).toBeUndefined();
        text += message.stream ?? '';
      }
      expect(text).toContain('from-buildah');
      expect((await stream.done).imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(stream.buildkit.steps.size).toBe(0);
    } finally {
      await docker.images.delete({ name: tag, force: true }).catch(() => undefined);
      await docker.close();
    }
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));
