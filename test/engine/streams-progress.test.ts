// Progress streams from the real engines. No registry is reachable here, so a push to an address
// where nothing listens is what makes the engine fail inside a 200 stream; a load of a freshly
// made image is what makes it report per-layer byte progress. Pull-like layer progress from a
// registry is covered with a fake engine in test/unit/streams-progress.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerStreamError, ServerError, type ProgressMessage } from '../../src/index.js';
import { readAll, tarOf } from './support/images-fixtures.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('progress streams on $label', ({ docker, engine }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const references: string[] = [];
  afterAll(async () => {
    for (const name of references) await docker.images.delete({ name, force: true }).catch(() => undefined);
  });

  /** An image of a layer no engine has seen (random content), saved to a tar and removed, so loading it moves bytes. */
  async function savedUnseenImage(): Promise<{ repo: string; imageId: string; saved: Buffer }> {
    const repo = `streams-load-${run}`;
    const layer = await tarOf([{ name: 'random.bin', content: randomBytes(3 * 1024 * 1024).toString('base64') }]);
    const { imageId } = await docker.importImage(Readable.from([layer]), { repo, tag: 'v1' }).done;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const saved = await readAll(await docker.saveImages(`${repo}:v1`));
    await docker.images.delete({ name: `${repo}:v1` });
    references.push(`${repo}:v1`);
    return { repo, imageId: imageId!, saved };
  }

  it(`rejects done with the error a push reports inside its stream, after the messages before it${podman ? ' (Podman 4.3 names the repository with its tag in the first message)' : ''}`, async () => {
    const reference = `127.0.0.1:1/streams-${run}:v1`;
    await docker.images.tag({ name: 'busybox:latest', repo: `127.0.0.1:1/streams-${run}`, tag: 'v1' });
    references.push(reference);
    const push = docker.push(reference);
    const messages: ProgressMessage[] = [];
    const thrown = await (async () => {
      for await (const message of push) messages.push(message);
    })().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(DockerStreamError);
    expect((thrown as DockerStreamError).message).toMatch(/127\.0\.0\.1:1.*connection refused/);
    expect((thrown as DockerStreamError).operation).toBe('ImagePush');
    expect(messages[0]?.status).toBe(`The push refers to repository [127.0.0.1:1/streams-${run}${podman ? ':v1' : ''}]`);
    await expect(push.done).rejects.toBe(thrown);
  });

  it('rejects done when only done is awaited, too', async () => {
    const reference = `127.0.0.1:1/streams-${run}:v2`;
    await docker.images.tag({ name: 'busybox:latest', repo: `127.0.0.1:1/streams-${run}`, tag: 'v2' });
    references.push(reference);
    await expect(docker.push(reference).done).rejects.toBeInstanceOf(DockerStreamError);
  });

  it(`reports a pull the engine refuses before streaming as a typed HTTP error${podman ? ' (Podman 4.3 answers 200 and fails inside the stream: DockerStreamError)' : ''}`, async () => {
    const error = await docker.pull(`127.0.0.1:1/streams-${run}:none`).done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(podman ? DockerStreamError : ServerError);
    expect((error as ServerError | DockerStreamError).operation).toBe('ImageCreate');
    expect((error as ServerError | DockerStreamError).message).toMatch(/127\.0\.0\.1:1.*connection refused/);
  });

  it.runIf(podman)('reports no byte progress for a load, only its result line with the name fully qualified (Podman 4.3)', async () => {
    const { repo, imageId, saved } = await savedUnseenImage();
    const load = docker.loadImages(Readable.from([saved]));
    const messages: ProgressMessage[] = [];
    for await (const message of load) messages.push(message);
    expect(messages).toEqual([{ stream: `Loaded image: docker.io/library/${repo}:v1` }]);
    expect(await load.done).toEqual({ images: [`docker.io/library/${repo}:v1`] });
    expect(load.progress.items.size).toBe(0);
    expect(load.progress.current).toBe(0);
    expect(load.progress.fraction).toBeUndefined();
    expect((await docker.images.inspect({ name: `${repo}:v1` })).Id).toBe(imageId);
  });

  it.skipIf(podman)(
    `aggregates a load’s per-layer byte progress into totals for a bar${podman ? ' (skipped on Podman 4.3: it reports no load progress, as the test above asserts)' : ''}`,
    async () => {
      const { repo, saved } = await savedUnseenImage();
      const load = docker.loadImages(Readable.from([saved]));
      const fractions: number[] = [];
      for await (const message of load) {
        if (message.status === 'Loading layer') fractions.push(load.progress.fraction!);
      }
      expect(await load.done).toEqual({ images: [`${repo}:v1`] });
      const [item, ...others] = load.progress.items.values();
      expect(others).toEqual([]);
      expect(item).toMatchObject({ status: 'Loading layer' });
      expect(item!.total).toBeGreaterThan(4 * 1024 * 1024); // base64 of 3 MiB, plus tar headers
      expect(load.progress.current).toBe(item!.total);
      expect(fractions.at(-1)).toBe(1);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    },
  );

  it('ends the loop quietly and rejects done when the signal aborts mid-stream', async () => {
    const reference = `127.0.0.1:1/streams-${run}:v3`;
    await docker.images.tag({ name: 'busybox:latest', repo: `127.0.0.1:1/streams-${run}`, tag: 'v3' });
    references.push(reference);
    const controller = new AbortController();
    const push = docker.push(reference, { signal: controller.signal });
    const messages: ProgressMessage[] = [];
    for await (const message of push) {
      messages.push(message);
      controller.abort();
    }
    expect(messages).toHaveLength(1);
    await expect(push.done).rejects.toMatchObject({ name: 'AbortError' });
  });
});
