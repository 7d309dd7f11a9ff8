import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DockerApiError, NotFoundError } from '../../src/index.js';
import { importImage } from './support/fixtures.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('images on $label', ({ docker, engine }) => {
  const podman = isPodman(engine);
  // Podman names an image imported under a short name localhost/NAME, and lists it so.
  const busyboxTag = podman ? 'localhost/busybox:latest' : 'busybox:latest';
  const asPodman = podman ? ' (Podman 4.3 tags it localhost/busybox:latest)' : '';
  // Podman reports the names it was given fully qualified (docker.io/…), and image IDs without sha256: in some answers.
  const named = (reference: string) => (podman ? `docker.io/${reference}` : reference);
  const bareOnPodman = (id: string) => (podman ? id.replace(/^sha256:/, '') : id);
  const qualified = podman ? ' (Podman 4.3 answers with docker.io/ names and IDs without sha256:)' : '';
  const run = randomUUID().slice(0, 8);
  const repo = `test-${run}/app`;
  let busyboxId = '';

  beforeAll(async () => {
    busyboxId = (await docker.images.inspect({ name: 'busybox:latest' })).Id;
  });

  afterAll(async () => {
    for (const name of [`${repo}:v1`, `${repo}:v2`]) await docker.images.delete({ name, force: true }).catch(() => undefined);
  });

  it(`lists the busybox image with its tag, and filters by reference${asPodman}`, async () => {
    const images = await docker.images.list();
    const busybox = images.find((image) => image.Id === busyboxId);
    expect(busybox?.RepoTags).toContain(busyboxTag);
    expect(busybox?.Size).toBeGreaterThan(500_000);
    const filtered = await docker.images.list({ filters: { reference: ['busybox:latest'] } });
    expect(filtered.map((image) => image.Id)).toEqual([busyboxId]);
  });

  it(`inspects an image by name and by ID${asPodman}`, async () => {
    const byName = await docker.images.inspect({ name: 'busybox:latest' });
    expect(byName.Id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(byName.Os).toBe('linux');
    expect(byName.RepoTags).toContain(busyboxTag);
    expect((await docker.images.inspect({ name: byName.Id })).Id).toBe(byName.Id);
  });

  it(`gives the history of an image${podman ? ' (Podman 4.3: the ID without sha256:, of any image whose top layer is the same; Tags null)' : ''}`, async () => {
    const history = await docker.images.history({ name: 'busybox:latest' });
    expect(history.length).toBeGreaterThanOrEqual(1);
    if (podman) {
      // Podman names the newest entry by an image found to end in the same layer, and a build
      // whose steps change no file (ARG, LABEL) makes such images: busybox's own ID only when
      // no such image exists.
      const topLayer = async (name: string) => (await docker.images.inspect({ name })).RootFS?.Layers?.at(-1);
      expect(history[0]!.Id).toMatch(/^[0-9a-f]{64}$/);
      expect(await topLayer(history[0]!.Id)).toBe(await topLayer(busyboxId));
      expect(history[0]!.Tags).toBeNull();
    } else {
      expect(history[0]!.Id).toBe(busyboxId);
      expect(history[0]!.Tags).toContain('busybox:latest');
    }
  });

  it(`tags an image under a name with a registry-like path, and untags it again${qualified}`, async () => {
    await docker.images.tag({ name: 'busybox:latest', repo, tag: 'v1' });
    await docker.images.tag({ name: busyboxId, repo, tag: 'v2' });
    expect((await docker.images.inspect({ name: `${repo}:v1` })).Id).toBe(busyboxId);
    const tagged = await docker.images.list({ filters: { reference: [`${repo}:*`] } });
    expect(tagged[0]?.RepoTags).toEqual(expect.arrayContaining([named(`${repo}:v1`), named(`${repo}:v2`)]));

    const removed = await docker.images.delete({ name: `${repo}:v1` });
    expect(removed).toEqual([{ Untagged: named(`${repo}:v1`) }]);
    await expect(docker.images.inspect({ name: `${repo}:v1` })).rejects.toBeInstanceOf(NotFoundError);
    expect((await docker.images.inspect({ name: 'busybox:latest' })).Id).toBe(busyboxId);
  });

  it(`deletes an imported image entirely, and refuses one a container uses${qualified}`, async () => {
    const id = await importImage(engine.socket, { labels: { 'test.run': run }, reference: `${repo}-del:x` });
    const { Id: container } = await docker.containers.create({ body: { Image: `${repo}-del:x`, Cmd: ['/fixture.txt'] } });
    await expect(docker.images.delete({ name: id })).rejects.toBeInstanceOf(ConflictError);
    await docker.containers.delete({ id: container });
    const removed = await docker.images.delete({ name: `${repo}-del:x` });
    expect(removed).toContainEqual({ Untagged: named(`${repo}-del:x`) });
    expect(removed).toContainEqual({ Deleted: bareOnPodman(id) });
    await expect(docker.images.delete({ name: id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it(`prunes a dangling image matched by label, and only that one${qualified}`, async () => {
    const dangling = await importImage(engine.socket, { labels: { 'test.run': run } });
    const pruned = await docker.images.prune({ filters: { dangling: ['true'], label: [`test.run=${run}`] } });
    expect(pruned.ImagesDeleted).toContainEqual({ Deleted: bareOnPodman(dangling) });
    expect(pruned.SpaceReclaimed).toBeGreaterThanOrEqual(0);
    await expect(docker.images.inspect({ name: dangling })).rejects.toBeInstanceOf(NotFoundError);
    expect((await docker.images.inspect({ name: 'busybox:latest' })).Id).toBe(busyboxId);
  });

  it('fails a search with a typed error, since no registry is reachable from this machine', async () => {
    const error = await docker.images.search({ term: 'busybox', limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerApiError);
    expect((error as DockerApiError).operation).toBe('ImageSearch');
    expect((error as DockerApiError).status).toBeGreaterThanOrEqual(400);
  });
});
