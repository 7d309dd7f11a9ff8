// The Go client's (go-dockerclient's) helpers that have no engine operation of their own, used
// against each real engine the way the README's "Seed parity" table says: environment lists,
// restart policies, signal names, repository and tag, API version comparison.
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareApiVersions,
  createDocker,
  normalizeSignal,
  oldestApiVersion,
  parseEnvList,
  repositoryAndTag,
  restartPolicy,
  toEnvList,
} from '../../src/index.js';
import { busyboxContainers } from './support/hijack.js';
import { engines } from './support/targets.js';

describe.each(engines())('the seed helpers on $name $version', (engine) => {
  const docker = createDocker({ socketPath: engine.socket });
  const run = `seed-parity-${process.pid}`;
  const containers = busyboxContainers(docker, run);
  afterAll(async () => {
    await containers.removeAll();
    await docker.close();
  });

  it('Env: toEnvList sets a container environment; parseEnvList reads it back from inspect and from the process', async () => {
    const id = await containers.create({ Cmd: ['env'], Env: toEnvList({ GREETING: 'hello', EQUATION: 'a=b' }) });
    expect(parseEnvList((await docker.containers.inspect({ id })).Config?.Env)).toMatchObject({ GREETING: 'hello', EQUATION: 'a=b' });
    await docker.containers.start({ id });
    await docker.containers.wait({ id });
    let output = '';
    for await (const frame of docker.logs(id)) output += frame.text;
    expect(parseEnvList(output.trim().split('\n'))).toMatchObject({ GREETING: 'hello', EQUATION: 'a=b' });
  });

  it('RestartPolicy: restartPolicy.onFailure(2) is what the engine stores, and it restarts a failing container twice', async () => {
    const id = await containers.create({ Cmd: ['sh', '-c', 'exit 1'], HostConfig: { RestartPolicy: restartPolicy.onFailure(2) } });
    expect((await docker.containers.inspect({ id })).HostConfig?.RestartPolicy).toMatchObject({ Name: 'on-failure', MaximumRetryCount: 2 });
    await docker.containers.start({ id });
    const deadline = Date.now() + 20_000;
    let state = await docker.containers.inspect({ id });
    while ((state.RestartCount !== 2 || state.State?.Running) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await docker.containers.inspect({ id });
    }
    expect(state.RestartCount).toBe(2);
    expect(state.State?.ExitCode).toBe(1);
  });

  it('Signal: a name as normalizeSignal spells it is the signal the container receives', async () => {
    const id = await containers.create({ Cmd: ['sh', '-c', 'trap "exit 42" USR1; echo ready; while true; do sleep 0.1; done'] });
    await docker.containers.start({ id });
    for await (const frame of docker.logs(id, { follow: true })) if (frame.text.includes('ready')) break;
    await docker.containers.kill({ id, signal: normalizeSignal('usr1') });
    expect((await docker.containers.wait({ id })).StatusCode).toBe(42);
  });

  it('ParseRepositoryTag: repositoryAndTag splits a reference into what images.tag takes', async () => {
    const reference = `localhost:5000/seed-parity/${engine.name}:v${process.pid}`;
    const { repository, tag } = repositoryAndTag(reference);
    expect(repository).toBe(`localhost:5000/seed-parity/${engine.name}`);
    await docker.images.tag({ name: 'busybox:latest', repo: repository, tag });
    try {
      expect((await docker.images.inspect({ name: reference })).RepoTags).toContain(reference);
    } finally {
      await docker.images.delete({ name: reference });
    }
  });

  it('APIVersion: compareApiVersions orders the negotiated version against others', async () => {
    const negotiated = await docker.apiVersion();
    expect(compareApiVersions(negotiated, engine.apiVersion)).toBe(0);
    expect(compareApiVersions(negotiated, oldestApiVersion)).toBeGreaterThanOrEqual(0);
    expect(compareApiVersions('1.9', negotiated)).toBeLessThan(0);
  });
});
