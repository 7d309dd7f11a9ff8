// Faults for real: a private dockerd of each generation (scripts/engines/fault-engines.mjs), killed
// with SIGKILL in the middle of a logs, events, attach, exec, pull and build stream. Each stream must
// end with a typed error within seconds (nothing hangs), and an events stream must pick up again,
// without losing or repeating events, once the daemon is back. The shared engines are never touched.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultEngine, type PrivateEngineEntry } from '../../scripts/engines/fault-engines.mjs';
import { registryDown, registryUp } from '../../scripts/engines/registry.mjs';
import { createDocker, DockerConnectionError, type Docker } from '../../src/index.js';

// From SIGKILL to the typed error: generous for a loaded 2-core machine, far below "hangs".
const FAILS_WITHIN_MS = 5_000;
const USER = 'faults';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const registryAuth = { username: USER, password: PASSWORD, serveraddress: '127.0.0.1:5000' };

/** Waits for `promise` to fail; returns the error and how long after `since` it came. */
async function failureAfter(promise: Promise<unknown>, since: () => number): Promise<{ error: unknown; afterMs: number }> {
  const error = await promise.then(
    () => new Error('expected the stream to fail, it ended normally'),
    (caught: unknown) => caught,
  );
  return { error, afterMs: Date.now() - since() };
}

function expectConnectionLoss(failure: { error: unknown; afterMs: number }, endpoint: string): void {
  expect(failure.error).toBeInstanceOf(DockerConnectionError);
  expect((failure.error as DockerConnectionError).endpoint).toBe(endpoint);
  expect(failure.afterMs).toBeLessThan(FAILS_WITHIN_MS);
}

describe.each(['legacy', 'newest'] as const)('a %s daemon killed mid-stream', (generation) => {
  const engine = faultEngine(generation);
  const run = randomUUID().slice(0, 8);
  const labels = { 'test.run': run };
  const work = mkdtempSync(join(tmpdir(), `faults-${generation}-`));
  let entry: PrivateEngineEntry;
  let docker: Docker;
  let endpoint: string;
  let killedAt = 0;
  const sinceKill = () => killedAt;

  const kill = async () => {
    killedAt = Date.now();
    await engine.kill();
  };

  const runningContainer = async (cmd: string[]) => {
    // StopTimeout 1: the restarted daemon stops what the killed one ran, and `sh` ignores SIGTERM.
    const { Id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: cmd, Labels: labels, StopTimeout: 1 } });
    await docker.containers.start({ id: Id });
    return Id;
  };

  beforeAll(async () => {
    entry = await engine.up();
    endpoint = `unix://${entry.socket}`;
  });

  /** The daemon back up after the previous test killed it (as a supervisor would restart it). */
  const ensureUp = async () => {
    const probe = createDocker({ socketPath: entry.socket });
    const answers = await probe.system.ping().then(
      () => true,
      () => false,
    );
    await probe.close();
    if (!answers) entry = await engine.restart();
  };

  beforeEach(async () => {
    await ensureUp();
    docker = createDocker({ socketPath: entry.socket });
    return () => docker.close();
  });

  afterAll(async () => {
    await engine.down();
    rmSync(work, { recursive: true, force: true });
  });

  it('a followed logs stream ends with DockerConnectionError', async () => {
    const id = await runningContainer(['sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
    const logs = docker.logs(id, { follow: true, stdout: true });
    const first = await logs.next();
    expect(first.done).toBe(false);
    const failure = failureAfter(drain(logs), sinceKill);
    await kill();
    expectConnectionLoss(await failure, endpoint);
  });

  it('an events stream without reconnect ends with DockerConnectionError', async () => {
    const events = docker.events({ filters: { label: [`test.run=${run}`] }, reconnect: false });
    const first = events.next();
    await runningContainer(['true']);
    expect((await first).done).toBe(false);
    const failure = failureAfter(drain(events), sinceKill);
    await kill();
    expectConnectionLoss(await failure, endpoint);
  });

  it('an events stream reconnects after the daemon comes back, none lost, none twice', async () => {
    const controller = new AbortController();
    const received: string[] = [];
    const events = docker.events({
      filters: { label: [`test.run=${run}`], type: ['container'], event: ['create'] },
      signal: controller.signal,
      reconnect: { initialDelay: 100, maxDelay: 1000, timeout: 60_000 },
    });
    const reading = (async () => {
      for await (const event of events) received.push(event.Actor?.Attributes?.name ?? '?');
    })();
    const name = (suffix: string) => `${run}-${generation}-${suffix}`;
    const create = (suffix: string) => docker.containers.create({ name: name(suffix), body: { Image: 'busybox:latest', Labels: labels } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await create('before');
    await waitUntil(() => received.length === 1);
    await kill();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the stream is down and retrying
    entry = await engine.restart();
    await create('after-1');
    await create('after-2');
    await waitUntil(() => received.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // time for a repeated event to show up
    controller.abort();
    await reading;
    expect(received).toEqual([name('before'), name('after-1'), name('after-2')]);
  });

  it('an attach session ends with DockerConnectionError', async () => {
    const id = await runningContainer(['sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
    const session = docker.attach(id);
    await session.attached;
    await new Promise((resolve) => session.stdout.once('data', resolve));
    session.stdout.resume();
    const failure = failureAfter(session.done, sinceKill);
    await kill();
    expectConnectionLoss(await failure, endpoint);
  });

  it('exec.run ends with DockerConnectionError', async () => {
    const id = await runningContainer(['sleep', '600']);
    const running = docker.exec.run(id, ['sh', '-c', 'echo started; sleep 600']);
    await waitUntil(async () => (await docker.containers.top({ id })).Processes!.length > 1);
    const failure = failureAfter(running, sinceKill);
    await kill();
    expectConnectionLoss(await failure, endpoint);
  });

  it('a build ends with DockerConnectionError', async () => {
    const context = folderWith(join(work, 'slow-build'), 'FROM busybox:latest\nRUN echo building && sleep 600\n');
    const messages = docker.build({ context, labels, forcerm: true, nocache: true, networkmode: 'none' })[Symbol.asyncIterator]();
    while (!JSON.stringify((await messages.next()).value).includes('building'));
    const failure = failureAfter(drain(messages), sinceKill);
    await kill();
    expectConnectionLoss(await failure, endpoint);
  });

  describe('with a 64 MiB image in a registry', () => {
    const image = `127.0.0.1:5000/faults/${generation}-${run}`;

    beforeAll(async () => {
      await ensureUp();
      await registryUp({ users: { [USER]: PASSWORD } });
      // Random bytes do not compress: pull and save are still moving data when the daemon dies.
      const context = folderWith(join(work, 'big-image'), 'FROM busybox:latest\nRUN head -c 67108864 /dev/urandom > /blob\n');
      const setup = createDocker({ socketPath: entry.socket });
      await setup.build({ context, t: image, labels, networkmode: 'none' }).done;
      await setup.push(image, { auth: registryAuth }).done;
      await setup.close();
    });

    afterAll(async () => {
      await registryDown();
    });

    it('an image save ends with DockerConnectionError in the archive stream', async () => {
      const archive = await docker.saveImages(image);
      const chunks = archive[Symbol.asyncIterator]();
      expect((await chunks.next()).done).toBe(false);
      const failure = failureAfter(drain(chunks), sinceKill);
      await kill();
      expectConnectionLoss(await failure, endpoint);
    });

    it('a pull ends with DockerConnectionError', async () => {
      await docker.images.delete({ name: image });
      const messages = docker.pull(image, { auth: registryAuth })[Symbol.asyncIterator]();
      expect((await messages.next()).done).toBe(false);
      const failure = failureAfter(drain(messages), sinceKill);
      await kill();
      expectConnectionLoss(await failure, endpoint);
    });
  });
});

/** Reads what is left of a stream whose first items were already taken. */
async function drain(iterator: AsyncIterator<unknown>): Promise<void> {
  while (!(await iterator.next()).done);
}

function folderWith(folder: string, dockerfile: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), dockerfile);
  return folder;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
