// A BuildKit build that takes its folder context over the session (`contextTransfer: 'session'`,
// src/build/session/context-sync.ts, folder-sender.ts), on the real engines. What moved is read
// from BuildKit's own progress: its "transferring context:" count of bytes received. The first
// build of a folder moves its files; a second build of the unchanged folder moves its listing
// only; after one file changes, that file is what moves. The file sets the engine receives this
// way are compared with the Docker CLI's in build-buildkit.test.ts and
// build-context-differential.test.ts. Podman 4.3 serves no session: there the option is refused.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocker, DockerUsageError, type BuildStream } from '../../src/index.js';
import { dockerCli } from './support/docker-cli.js';
import { engines, isPodman } from './support/targets.js';

const run = randomUUID().slice(0, 8);
const work = mkdtempSync(join(tmpdir(), 'build-context-sync-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BIG = 8 * 1024 * 1024;

function contextFolder(name: string): string {
  const folder = join(work, name);
  mkdirSync(join(folder, 'data'), { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), 'FROM busybox:latest\nCOPY . /ctx\nRUN cat /ctx/data/small.txt && wc -c < /ctx/data/big.bin\n');
  writeFileSync(join(folder, 'data', 'big.bin'), randomBytes(BIG));
  writeFileSync(join(folder, 'data', 'small.txt'), `first ${run}\n`);
  return folder;
}

/** Runs the build to its end; returns the bytes BuildKit reports receiving for the context, and the step output. */
async function built(stream: BuildStream): Promise<{ moved: number; output: string }> {
  let moved = 0;
  let output = '';
  for await (const message of stream) {
    for (const status of message.trace?.statuses ?? []) if (status.id.startsWith('transferring context')) moved = Math.max(moved, status.current);
    for (const log of message.trace?.logs ?? []) output += Buffer.from(log.data).toString('utf8');
  }
  await stream.done;
  return { moved, output };
}

const dockerEngines = engines().filter((engine) => !isPodman(engine));
const podman = engines().find(isPodman);

describe.each(dockerEngines)('a folder context over the BuildKit session on $name $version', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });
  const tags: string[] = [];
  afterAll(async () => {
    for (const tag of tags) await docker.images.delete({ name: tag, force: true }).catch(() => undefined);
    await docker.close();
  });

  it('the first build moves the files, a second of the unchanged folder only its listing, and after an edit only the edited file', async () => {
    const folder = contextFolder(`${engine.name}-incremental`);
    const tag = `context-sync-${run}-${engine.name}`;
    tags.push(tag);
    const build = () => built(docker.build({ context: folder, contextTransfer: 'session', t: tag }));

    const first = await build();
    expect(first.moved).toBeGreaterThanOrEqual(BIG);
    expect(first.output).toContain(`first ${run}`);
    expect(first.output).toContain(String(BIG));

    const unchanged = await build();
    expect(unchanged.moved).toBeLessThan(4096);

    writeFileSync(join(folder, 'data', 'small.txt'), `second ${run}\n`);
    const edited = await build();
    expect(edited.moved).toBeLessThan(64 * 1024);
    expect(edited.output).toContain(`second ${run}`);
    expect(edited.output).toContain(String(BIG));
  });

  // The Docker CLI's client shares the link's folder, where the link leads nowhere: it fails. The
  // library shares the folder the link leads to instead. (A link inside its folder is read as the
  // CLI reads it: build-context-differential.test.ts.)
  it('a Dockerfile that is a link out of its folder, which the Docker CLI cannot build this way, is read from where the link leads', async () => {
    const folder = join(work, `${engine.name}-linked-dockerfile`);
    const outside = join(work, `${engine.name}-dockerfiles`);
    mkdirSync(join(folder, 'docker'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'app.Dockerfile'), 'FROM busybox:latest\nCOPY . /ctx\nRUN cat /ctx/hello.txt\n');
    writeFileSync(join(folder, 'hello.txt'), `hello ${run}\n`);
    const link = join(folder, 'docker', 'Dockerfile');
    symlinkSync(join('..', '..', `${engine.name}-dockerfiles`, 'app.Dockerfile'), link);
    const tag = `context-sync-${run}-${engine.name}-linked`;
    tags.push(tag);

    const cli = await dockerCli();
    await expect(cli.run(engine.socket, ['build', '--quiet', '--file', link, folder])).rejects.toThrow(/failed to read dockerfile/);
    const { output } = await built(docker.build({ context: folder, dockerfile: link, contextTransfer: 'session', t: tag }));
    expect(output).toContain(`hello ${run}`);
  });

  it("refuses contextTransfer 'session' with the classic builder, with a tar stream as the context, or with a session named by the caller", () => {
    const folder = contextFolder(`${engine.name}-refused`);
    const refusals = [
      () => docker.build({ context: folder, contextTransfer: 'session', builder: 'classic' }),
      () => docker.build({ context: Readable.from([Buffer.alloc(1024)]), contextTransfer: 'session' }),
      () => docker.build({ context: folder, contextTransfer: 'session', session: 'mine' }),
      () => docker.build({ context: folder, contextTransfer: 'rsync' as 'session' }),
    ];
    for (const refusal of refusals) expect(refusal).toThrow(DockerUsageError);
  });
});

describe.runIf(podman)('Podman 4.3 has no BuildKit session', () => {
  it("contextTransfer 'session' is refused with a DockerUsageError saying the context needs a session (Podman answers POST /session 404)", async () => {
    const docker = createDocker({ socketPath: podman!.socket });
    try {
      const error = await docker.build({ context: contextFolder('podman'), contextTransfer: 'session' }).done.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DockerUsageError);
      expect((error as Error).message).toMatch(
        /needs a BuildKit session \(for the context over the session\), and this engine serves none \(POST \/session answered 404\)/,
      );
    } finally {
      await docker.close();
    }
  });
});
