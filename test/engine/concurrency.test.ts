// One client under load on each real engine: 500 requests in flight at once and 50 exec sessions
// at once, every answer checked, and the process's open file descriptors counted before and
// after (idle connections expire, hijacked ones close with their session, close() drops the rest).
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker } from '../../src/index.js';
import { engines } from './support/targets.js';

const openFileDescriptors = () => readdirSync('/proc/self/fd').length;

async function settlesTo(baseline: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (openFileDescriptors() > baseline && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return openFileDescriptors();
}

describe.each(engines())('one client under load on $name $version', (engine) => {
  const run = randomUUID().slice(0, 8);
  let container = '';
  // Set-up and clean-up use clients of their own, closed at once, so the counts see only the one under test.
  const withClient = async <T>(use: (docker: ReturnType<typeof createDocker>) => Promise<T>): Promise<T> => {
    const docker = createDocker({ socketPath: engine.socket });
    try {
      return await use(docker);
    } finally {
      await docker.close();
    }
  };

  beforeAll(async () => {
    container = await withClient(async (docker) => {
      const { Id } = await docker.containers.create({
        name: `load-${run}`,
        body: { Image: 'busybox:latest', Cmd: ['sleep', '600'], Labels: { 'test.run': run }, StopTimeout: 1 },
      });
      await docker.containers.start({ id: Id });
      return Id;
    });
  });

  afterAll(async () => {
    await withClient((docker) => docker.containers.delete({ id: container, force: true }));
  });

  it('answers 500 concurrent requests correctly and leaks no file descriptor', async () => {
    const baseline = openFileDescriptors();
    const docker = createDocker({ socketPath: engine.socket });
    const calls = Array.from({ length: 500 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return docker.containers.inspect({ id: container }).then((inspected) => inspected.Name === `/load-${run}`);
        case 1:
          return docker.containers.list({ filters: { label: [`test.run=${run}`] } }).then((list) => list.length === 1 && list[0]!.Id === container);
        case 2:
          return docker.system.version().then((version) => version.ApiVersion === engine.apiVersion);
        default:
          return docker.images.inspect({ name: 'busybox:latest' }).then((image) => image.Id.startsWith('sha256:'));
      }
    });
    const answers = await Promise.all(calls);
    expect(answers.filter((right) => !right)).toEqual([]);
    expect(openFileDescriptors()).toBeGreaterThan(baseline); // the connections are still open for reuse
    expect(await settlesTo(baseline, 15_000)).toBe(baseline); // idle connections expire on their own
    await docker.close();
    expect(openFileDescriptors()).toBe(baseline);
  });

  it('runs 50 concurrent exec sessions, each with its own output and exit code, and leaks no file descriptor', async () => {
    const baseline = openFileDescriptors();
    const docker = createDocker({ socketPath: engine.socket });
    const sessions = Array.from({ length: 50 }, (_, i) =>
      docker.exec.run(container, ['sh', '-c', 'echo "out $0"; echo "err $0" >&2; exit $(($0 % 7))', String(i)]),
    );
    const results = await Promise.all(sessions);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ stdout: `out ${i}\n`, stderr: `err ${i}\n`, exitCode: i % 7 })));
    expect(await settlesTo(baseline, 15_000)).toBe(baseline);
    await docker.close();
    expect(openFileDescriptors()).toBe(baseline);
  });
});
