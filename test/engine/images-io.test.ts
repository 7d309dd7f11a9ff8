// Image I/O on real engines: commit, save/load, export of several images, import, build, build
// cache prune and cancel, and the registry operations (pull, push, distribution inspect), which
// can only fail here since no registry is reachable from this machine.
//
// The operations are called directly; the streaming ones resolve to { status, headers, body } and
// the tests read the body themselves. Every progress message of an operation whose success answer
// the spec describes as JSON is validated against the spec of the API version in use.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, DockerApiError, DockerVersionError, NotFoundError, ServerError, type StreamingResponse } from '../../src/index.js';
import { compareApiVersions } from '../../src/api-version.js';
import { importImage } from './support/fixtures.js';
import { buildCacheRecords, contextRecords, readAll, readNdjson, removeCacheRecords, savedManifest, tarOf } from './support/images-fixtures.js';
import { isPodman, targets } from './support/targets.js';

type Message = Record<string, unknown>;
// A loose view of the surface for calls the 1.41-typed client does not offer (newer operations).
type Loose = Record<string, Record<string, (params?: Record<string, unknown>) => Promise<unknown>>>;

const errorOf = (messages: Message[]) => messages.find((message) => message.errorDetail !== undefined);

describe.each(targets())('image I/O on $label', ({ docker, engine, apiVersion, conformance }) => {
  const podman = isPodman(engine);
  // Podman reports the names it was given fully qualified (docker.io/…), busybox (imported by its
  // CLI under a short name) as localhost/busybox, and some IDs without sha256:.
  const named = (reference: string) => (podman ? `docker.io/${reference}` : reference);
  const run = randomUUID().slice(0, 8);
  const repo = `test-${run}/io`;
  const label = { 'test.run': run };
  const images: string[] = [];
  const containers: string[] = [];
  const cacheRecords: string[] = [];

  // Reads a progress stream and validates every message against the operation's spec.
  const progress = async (operationId: string, answer: StreamingResponse): Promise<Message[]> => {
    expect(answer.status).toBe(200);
    const messages = await readNdjson(answer.body);
    for (const message of messages) conformance.check(operationId, message);
    return messages;
  };

  // Nothing here needs a network: containers and build steps run with network mode `none`, so the
  // tests do not depend on the engines' bridges.
  const offline = { NetworkMode: 'none' };

  // Runs a busybox-based image with a shell command and returns its exit code.
  const runIn = async (image: string, command: string): Promise<number> => {
    const { Id } = await docker.containers.create({ body: { Image: image, Cmd: ['sh', '-c', command], Labels: label, HostConfig: offline } });
    containers.push(Id);
    await docker.containers.start({ id: Id });
    return (await docker.containers.wait({ id: Id })).StatusCode;
  };

  afterAll(async () => {
    for (const id of containers) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    for (const name of images.reverse()) await docker.images.delete({ name, force: true }).catch(() => undefined);
    await removeCacheRecords(engine.socket, cacheRecords);
  });

  it(`commits a container that wrote a file, then runs the committed image and finds the file${podman ? " (Podman 4.3: the ID without sha256:, and the body's Labels are not applied, only those in changes)" : ''}`, async () => {
    const { Id: source } = await docker.containers.create({
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', `echo committed-${run} > /marker`], Labels: label, HostConfig: offline },
    });
    containers.push(source);
    await docker.containers.start({ id: source });
    expect((await docker.containers.wait({ id: source })).StatusCode).toBe(0);

    const committed = `${repo}-committed:v1`;
    images.push(committed);
    const { Id } = await docker.images.commit({
      container: source,
      repo: `${repo}-committed`,
      tag: 'v1',
      comment: `commit ${run}`,
      author: 'Image IO Test <test@example.invalid>',
      changes: [`LABEL test.commit=${run}`, 'ENV COMMITTED=yes'],
      body: { Labels: { 'test.body': 'from-body' } },
    });
    expect(Id).toMatch(podman ? /^[0-9a-f]{64}$/ : /^sha256:[0-9a-f]{64}$/);

    const image = await docker.images.inspect({ name: committed });
    expect(image.Id).toBe(podman ? `sha256:${Id}` : Id);
    expect(image.Comment).toBe(`commit ${run}`);
    expect(image.Author).toBe('Image IO Test <test@example.invalid>');
    if (podman) {
      expect(image.Config?.Labels).toMatchObject({ 'test.commit': run });
      expect(image.Config?.Labels).not.toHaveProperty('test.body');
    } else expect(image.Config?.Labels).toMatchObject({ 'test.commit': run, 'test.body': 'from-body' });
    expect(image.Config?.Env).toContain('COMMITTED=yes');

    expect(await runIn(committed, `test "$(cat /marker)" = committed-${run} && test "$COMMITTED" = yes`)).toBe(0);
    await expect(docker.images.commit({ container: `no-such-container-${run}`, body: {} })).rejects.toBeInstanceOf(NotFoundError);
  });

  it(`saves an image to a tar (ImageGet) and loads it back (ImageLoad) under its new tag${podman ? ' (Podman 4.3: the archive as application/octet; charset=us-ascii, docker.io/ names, a result line without its newline)' : ''}`, async () => {
    const busybox = await docker.images.inspect({ name: 'busybox:latest' });
    const saved = `${repo}-saved:v1`;
    images.push(saved);
    await docker.images.tag({ name: 'busybox:latest', repo: `${repo}-saved`, tag: 'v1' });

    const answer = await docker.images.get({ name: saved });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(podman ? 'application/octet; charset=us-ascii' : 'application/x-tar');
    const archive = await readAll(answer.body);
    const manifest = await savedManifest(archive);
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags).toEqual([named(saved)]);

    // Only the tag goes (busybox:latest still points at the image), then the load brings it back.
    expect(await docker.images.delete({ name: saved })).toEqual([{ Untagged: named(saved) }]);
    await expect(docker.images.inspect({ name: saved })).rejects.toBeInstanceOf(NotFoundError);

    const loadedLine = podman ? `Loaded image: ${named(saved)}` : `Loaded image: ${saved}\n`;
    const messages = await progress('ImageLoad', await docker.images.load({ quiet: false, body: archive }));
    expect(errorOf(messages)).toBeUndefined();
    expect(messages.map((m) => m.stream)).toContain(loadedLine);
    expect((await docker.images.inspect({ name: saved })).Id).toBe(busybox.Id);

    // The engine's default for `quiet` is true: the result line still comes.
    const quiet = await progress('ImageLoad', await docker.images.load({ body: archive }));
    expect(quiet.map((m) => m.stream)).toContain(loadedLine);

    await expect(docker.images.get({ name: `${repo}-missing:v1` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it.runIf(podman)(
    'refuses a broken archive given to ImageLoad before any stream (Podman 4.3: 500, ServerError; Docker: in the stream, with HTTP 200)',
    async () => {
      const error = await docker.images.load({ quiet: false, body: Buffer.from('not a tar archive') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).status).toBe(500);
      expect((error as ServerError).operation).toBe('ImageLoad');
      expect((error as ServerError).message).toMatch(/payload does not match any of the supported image formats/);
    },
  );

  it.skipIf(podman)(
    `reports a broken archive given to ImageLoad in the stream, with HTTP 200${podman ? ' (skipped on Podman 4.3: it refuses before the stream, as the test above asserts)' : ''}`,
    async () => {
      const messages = await progress('ImageLoad', await docker.images.load({ quiet: false, body: Buffer.from('not a tar archive') }));
      const failure = errorOf(messages);
      expect(failure).toBeDefined();
      expect(typeof (failure!.errorDetail as Message).message).toBe('string');
    },
  );

  it(`exports two images in one archive (ImageGetAll)${podman ? ' (Podman 4.3: localhost/busybox and docker.io/ names; a missing image is 500, ServerError, not 404)' : ''}`, async () => {
    const other = `${repo}-two:v1`;
    images.push(other);
    const otherId = await importImage(engine.socket, { labels: label, reference: other });

    const answer = await docker.images.getAll({ names: ['busybox:latest', other] });
    expect(answer.status).toBe(200);
    const manifest = await savedManifest(await readAll(answer.body));
    expect(manifest).toHaveLength(2);
    expect(manifest.flatMap((entry) => entry.RepoTags ?? []).sort()).toEqual(
      podman ? ['localhost/busybox:latest', named(other)].sort() : ['busybox:latest', other].sort(),
    );
    expect(manifest.map((entry) => entry.Config).join(' ')).toContain(otherId.replace('sha256:', ''));

    const missing = docker.images.getAll({ names: ['busybox:latest', `${repo}-missing:v1`] });
    await expect(missing).rejects.toBeInstanceOf(podman ? ServerError : NotFoundError);
    if (podman) await expect(missing).rejects.toMatchObject({ status: 500, message: expect.stringMatching(/image not known/) });
  });

  it(`imports a root filesystem sent as the body (ImageCreate fromSrc=-) with changes and a message${podman ? ' (Podman 4.3 ignores a separate `tag`: the image is named :latest)' : ''}`, async () => {
    // Podman 4.3 names the image as if no tag had been given (the importImage helper sends repo:tag in `repo` for that reason).
    const imported = podman ? `${repo}-import:latest` : `${repo}-import:v1`;
    images.push(imported);
    const rootfs = await tarOf([
      { name: 'hello.txt', content: `hello ${run}\n` },
      { name: 'etc/imported', content: 'yes\n' },
    ]);
    const messages = await progress(
      'ImageCreate',
      await docker.images.create({
        fromSrc: '-',
        repo: `${repo}-import`,
        tag: 'v1',
        message: `imported ${run}`,
        changes: [`LABEL test.run=${run}`, 'CMD ["/hello.txt"]', 'ENV IMPORTED=yes'],
        body: rootfs,
      }),
    );
    expect(errorOf(messages)).toBeUndefined();
    const id = messages.map((m) => m.status).find((status) => typeof status === 'string' && status.startsWith('sha256:'));
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);

    const image = await docker.images.inspect({ name: imported });
    expect(image.Id).toBe(id);
    expect(image.Comment).toBe(`imported ${run}`);
    expect(image.Config?.Labels).toMatchObject(label);
    expect(image.Config?.Cmd).toEqual(['/hello.txt']);
    expect(image.Config?.Env).toContain('IMPORTED=yes');
    expect(image.RootFS?.Layers).toHaveLength(1);
    if (podman) await expect(docker.images.inspect({ name: `${repo}-import:v1` })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('builds from a tar context with the classic builder (version=1: BuildKit would ask for a session for more than an uploaded context)', async () => {
    const built = `${repo}-built`;
    images.push(`${built}:v1`, `${built}:v2`);
    const context = await tarOf([
      {
        name: 'Dockerfile',
        content: 'FROM busybox:latest\nARG GREETING=none\nCOPY note.txt /note.txt\nRUN echo hi > /x && echo "$GREETING" > /greeting\nLABEL test.build=yes\n',
      },
      { name: 'note.txt', content: `note ${run}\n` },
    ]);
    const messages = await progress(
      'ImageBuild',
      await docker.images.build({
        version: '1',
        networkmode: 'none',
        t: [`${built}:v1`, `${built}:v2`],
        buildargs: { GREETING: `hello-${run}` },
        labels: label,
        nocache: true,
        rm: true,
        forcerm: true,
        body: context,
      }),
    );
    expect(errorOf(messages)).toBeUndefined();
    const aux = messages.find((m) => m.aux !== undefined)?.aux as { ID?: string } | undefined;
    expect(aux?.ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    const output = messages.map((m) => m.stream ?? '').join('');
    expect(output).toContain('RUN echo hi');
    expect(output).toContain(`Successfully tagged ${built}:v2`);

    const image = await docker.images.inspect({ name: `${built}:v1` });
    expect(image.Id).toBe(aux!.ID);
    expect((await docker.images.inspect({ name: `${built}:v2` })).Id).toBe(image.Id);
    expect(image.Config?.Labels).toMatchObject({ ...label, 'test.build': 'yes' });
    expect(await runIn(`${built}:v1`, `test "$(cat /x)" = hi && test "$(cat /greeting)" = hello-${run} && test "$(cat /note.txt)" = "note ${run}"`)).toBe(0);
  });

  it(`reports a failing build step in the stream with HTTP 200, and refuses an unknown builder version${podman ? ' (Podman 4.3: the failure names the step, not the exit code; an unknown version is not refused, Buildah builds anyway)' : ''}`, async () => {
    const context = await tarOf([{ name: 'Dockerfile', content: 'FROM busybox:latest\nRUN exit 3\n' }]);
    const messages = await progress(
      'ImageBuild',
      await docker.images.build({ version: '1', networkmode: 'none', labels: label, forcerm: true, body: context }),
    );
    const failure = errorOf(messages);
    expect(failure).toBeDefined();
    expect(String((failure!.errorDetail as Message).message)).toMatch(
      podman ? /^building at STEP "RUN exit 3": .*exit status 3/ : /returned a non-zero code: 3/,
    );

    if (podman) {
      const anyway = await progress(
        'ImageBuild',
        await docker.images.build({ version: '3' as '1', networkmode: 'none', labels: label, forcerm: true, body: context }),
      );
      expect(anyway.map((m) => m.stream)).toContain('STEP 2/3: RUN exit 3\n');
      expect(String((errorOf(anyway)?.errorDetail as Message | undefined)?.message)).toMatch(/^building at STEP "RUN exit 3"/);
      return;
    }
    // 400 from recent engines, 500 from Docker 20.10.
    const refused = await docker.images.build({ version: '3' as '1', body: context }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DockerApiError);
    expect((refused as DockerApiError).message).toMatch(/invalid version/);
  });

  const NO_BUILDKIT = podman ? ' (skipped on Podman 4.3: no BuildKit, its 404 is asserted above)' : '';
  it.runIf(podman)(
    'answers BuildPrune and BuildCancel with 404 (Podman 4.3 has no BuildKit: a version=2 build runs on Buildah without trace records and leaves no build cache)',
    async () => {
      const context = await tarOf([{ name: 'Dockerfile', content: `FROM busybox:latest\nRUN echo ${run} > /run-id\n` }]);
      images.push(`${repo}-bk:v1`);
      const messages = await progress('ImageBuild', await docker.images.build({ version: '2', networkmode: 'none', t: [`${repo}-bk:v1`], body: context }));
      expect(errorOf(messages)).toBeUndefined();
      expect(messages.some((m) => m.id === 'moby.buildkit.trace')).toBe(false);
      expect(messages.map((m) => m.stream)).toContain(`STEP 2/2: RUN echo ${run} > /run-id\n`);
      expect(await buildCacheRecords(engine.socket)).toEqual([]);

      // One call at a time: a second call made up front could be refused while the first is
      // awaited, before anything handles its rejection.
      for (const refused of [
        () => docker.images.buildPrune({ all: true, filters: { id: [`no-such-record-${run}`] } }),
        () => docker.images.buildCancel({ id: `no-such-build-${run}` }),
      ]) {
        const error = await refused().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).status).toBe(404);
      }
    },
  );

  it.skipIf(podman)(`prunes the build cache record of a BuildKit build by ID (BuildPrune) and reports the counts${NO_BUILDKIT}`, async () => {
    const started = new Date();
    const context = await tarOf([{ name: 'Dockerfile', content: `FROM busybox:latest\nRUN echo ${run} > /run-id\n` }]);
    images.push(`${repo}-bk:v1`);
    const messages = await progress('ImageBuild', await docker.images.build({ version: '2', networkmode: 'none', t: [`${repo}-bk:v1`], body: context }));
    expect(errorOf(messages)).toBeUndefined();
    expect(messages.some((m) => m.id === 'moby.buildkit.trace')).toBe(true);
    const records = await buildCacheRecords(engine.socket);
    cacheRecords.push(...contextRecords(records, started, new Date()));
    const mine = records.find((record) => record.Description.includes(`echo ${run}`));
    expect(mine).toBeDefined();
    cacheRecords.push(mine!.ID);

    const pruned = await docker.images.buildPrune({ all: true, filters: { id: [mine!.ID] } });
    expect(pruned.CachesDeleted).toEqual([mine!.ID]);
    expect(pruned.SpaceReclaimed).toBeGreaterThanOrEqual(0);
    const again = await docker.images.buildPrune({ all: true, filters: { id: [mine!.ID] } });
    expect(again.CachesDeleted ?? []).toEqual([]);
    expect(again.SpaceReclaimed).toBe(0);
    expect((await buildCacheRecords(engine.socket)).map((record) => record.ID)).not.toContain(mine!.ID);

    await expect(docker.images.buildPrune({ filters: { bogus: ['x'] } as never })).rejects.toBeInstanceOf(BadRequestError);
  });

  it.skipIf(podman)(`cancels a running BuildKit build by its buildid (BuildCancel, a route the reference leaves out)${NO_BUILDKIT}`, async () => {
    const started = new Date();
    const buildid = `test-${run}-cancel`;
    const context = await tarOf([{ name: 'Dockerfile', content: `FROM busybox:latest\nRUN sleep 60 && echo ${run}\n` }]);
    const answer = await docker.images.build({ version: '2', networkmode: 'none', buildid, nocache: true, body: context });
    const reading = progress('ImageBuild', answer);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = Date.now();
    expect(await docker.images.buildCancel({ id: buildid })).toBeUndefined();
    const messages = await reading;
    expect(Date.now() - before).toBeLessThan(30_000);
    expect(String((errorOf(messages)?.errorDetail as Message | undefined)?.message)).toMatch(/cancel/);
    cacheRecords.push(...contextRecords(await buildCacheRecords(engine.socket), started, new Date()));

    // An unknown ID is no error; a missing one is (400, or 500 from Docker 20.10).
    expect(await docker.images.buildCancel({ id: `no-such-build-${run}` })).toBeUndefined();
    await expect(docker.images.buildCancel({} as never)).rejects.toBeInstanceOf(DockerApiError);
  });

  // Pull, push and distribution inspect need a registry; none is reachable from this machine, so
  // each ends in a typed error (before the stream) or an error message inside the stream.
  const expectRegistryFailure = async (operationId: string, call: Promise<StreamingResponse>) => {
    const outcome = await call.catch((e: unknown) => e);
    if (outcome instanceof DockerApiError) {
      expect(outcome.operation).toBe(operationId);
      expect(outcome.status).toBeGreaterThanOrEqual(400);
      return outcome.message;
    }
    const messages = await progress(operationId, outcome as StreamingResponse);
    const failure = errorOf(messages);
    expect(failure).toBeDefined();
    return String((failure!.errorDetail as Message).message);
  };

  it('pull (ImageCreate fromImage) ends in a typed or in-stream error: no registry reachable here', async () => {
    // The body is optional in the spec; the cast works around the surface typing optional bodies as required.
    const pull = { fromImage: 'registry.invalid/test/none', tag: 'v1' } as Parameters<typeof docker.images.create>[0];
    const message = await expectRegistryFailure('ImageCreate', docker.images.create(pull));
    expect(message).toMatch(/registry\.invalid/);
  });

  it(`push ends in an in-stream error: no registry reachable here${podman ? ' (Podman 4.3 pushes without X-Registry-Auth too, where Docker 20.10 answers 400)' : ''}`, async () => {
    const target = `registry.invalid/test-${run}/app`;
    images.push(`${target}:v1`);
    await docker.images.tag({ name: 'busybox:latest', repo: target, tag: 'v1' });
    const message = await expectRegistryFailure('ImagePush', docker.images.push({ name: target, tag: 'v1', 'X-Registry-Auth': {} }));
    expect(message).toMatch(/registry\.invalid/);

    // Docker 20.10 refuses a push without credentials; newer engines push anonymously (and fail here).
    const bare = docker.images.push({ name: target, tag: 'v1' } as never) as Promise<StreamingResponse>;
    if (engine.apiVersion === '1.41' && !podman) await expect(bare).rejects.toBeInstanceOf(BadRequestError);
    else expect(await expectRegistryFailure('ImagePush', bare)).toMatch(/registry\.invalid/);
  });

  it(`distribution inspect ends in a typed error: no registry reachable here${podman ? ' (Podman 4.3 has no such route: 404, NotFoundError)' : ''}`, async () => {
    const error = await docker.distribution
      .inspect({ name: `registry.invalid/test-${run}/app:v1`, 'X-Registry-Auth': { username: 'u', password: 'p' } })
      .catch((e: unknown) => e);
    if (podman) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).operation).toBe('DistributionInspect');
      expect((error as NotFoundError).message).toMatch(/is not supported/);
      return;
    }
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).operation).toBe('DistributionInspect');
    expect((error as ServerError).message).toMatch(/registry\.invalid/);
  });

  const attestationsServed = compareApiVersions(apiVersion, '1.55') >= 0;
  it.skipIf(!attestationsServed)(
    `lists attestations (ImageAttestations): skipped unless the API is 1.55 or newer, and this target speaks ${apiVersion}`,
    async () => {
      const outcome = await (docker as unknown as Loose).images!.attestations!({ name: 'busybox:latest' }).catch((e: unknown) => e);
      // Engines with the legacy image store answer 501; the containerd store answers a list.
      if (outcome instanceof DockerApiError) expect(outcome.status).toBe(501);
      else expect(Array.isArray(outcome)).toBe(true);
    },
  );

  it.skipIf(attestationsServed)('refuses ImageAttestations below API 1.55 before sending anything', async () => {
    const attestations = (docker as unknown as Loose).images!.attestations!;
    await expect(attestations({ name: 'busybox:latest' })).rejects.toBeInstanceOf(DockerVersionError);
  });
});
