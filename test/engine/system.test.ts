import { describe, expect, it } from 'vitest';
import { BadRequestError, DockerApiError, ServerError, UnauthorizedError } from '../../src/index.js';
import { isPodman, targets } from './support/targets.js';

describe.each(targets())('system on $label', ({ docker, engine, apiVersion }) => {
  it('negotiates the expected API version', async () => {
    expect(await docker.apiVersion()).toBe(apiVersion);
  });

  it('pings with GET and HEAD', async () => {
    expect(await docker.system.ping()).toBe('OK');
    await expect(docker.system.pingHead()).resolves.toBeUndefined();
  });

  it('reports its version, matching what the engine scripts read', async () => {
    const version = await docker.system.version();
    expect(version.Version).toBe(engine.version);
    expect(version.ApiVersion).toBe(engine.apiVersion);
    expect(version.MinAPIVersion).toBe(engine.minApiVersion);
    expect(version.Os).toBe('linux');
  });

  it('describes itself with /info, counting the busybox image', async () => {
    const info = await docker.system.info();
    expect(info.Images).toBeGreaterThanOrEqual(1);
    expect(info.OSType).toBe('linux');
    expect(typeof info.NCPU).toBe('number');
    expect(info.ServerVersion).toBe(engine.version);
  });

  it(`reports disk usage including the busybox image${isPodman(engine) ? ' (Podman 4.3 gives its RepoTags as the tag alone, its ID without sha256:)' : ''}`, async () => {
    const usage = await docker.system.dataUsage();
    if (isPodman(engine)) {
      // Podman 4.3 lists only the tag, without the repository, in RepoTags here, and the ID without its sha256: prefix.
      const { Id } = await docker.images.inspect({ name: 'busybox:latest' });
      expect(Id).toMatch(/^sha256:/);
      expect(usage.Images?.find((image) => `sha256:${image.Id}` === Id)?.RepoTags).toEqual(['latest']);
      return;
    }
    expect(usage.Images?.some((image) => image.RepoTags?.includes('busybox:latest'))).toBe(true);
  });

  it('refuses a login to a registry that does not exist here with a typed error', async () => {
    // No registry runs on 127.0.0.1:9 (the discard port is closed): the engine reports the failure.
    const error = await docker.system
      .auth({ body: { username: 'nobody', password: 'secret-value', serveraddress: 'http://127.0.0.1:9' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerApiError);
    expect([BadRequestError, UnauthorizedError, ServerError].some((type) => error instanceof type)).toBe(true);
    expect((error as Error).message).not.toContain('secret-value');
  });
});
