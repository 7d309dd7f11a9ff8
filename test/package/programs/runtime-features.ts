// What a runtime's node:http, node:tls, node:child_process and streams must carry for this library,
// run from the installed package in each runtime (test/package/runtime-features.test.ts): TLS with
// client certificates, ssh through the system's ssh program, WebSocket attach, a BuildKit session
// over HTTP/2, cancellation and close(), plus the failures each must report as a typed DockerError rather than a TypeError.
// Prints one JSON object: a result (or the error's class and code) per feature.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocker, DockerError, type Docker } from '../../../src/index.js';

const env = (name: string) => process.env[name] ?? `missing ${name}`;
const socketPath = env('ENGINE_SOCKET');
const certs = env('TLS_CERTS');
const tls = { ca: readFileSync(join(certs, 'ca.pem')), cert: readFileSync(join(certs, 'cert.pem')), key: readFileSync(join(certs, 'key.pem')) };
const ssh = { args: JSON.parse(env('SSH_ARGS')) as string[] };
const image = 'busybox:latest';

/** A failure as the test compares it: whether it is typed, its class, its code and message. */
function described(error: unknown) {
  const { name, code, message } = error as { name?: string; code?: unknown; message?: string };
  return { typed: error instanceof DockerError, name, code, message };
}

async function attempt(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    return described(error);
  }
}

/** Writes `input` to a fresh `cat` through an attach session with stdin, ends stdin, and returns what came back. */
async function echo(docker: Docker, input: string, over: 'attach' | 'attachWebSocket'): Promise<string> {
  const { Id } = await docker.containers.create({ body: { Image: image, Cmd: ['cat'], OpenStdin: true, StdinOnce: true } });
  try {
    const session = docker[over](Id, { stdin: true });
    await session.attached;
    await docker.containers.start({ id: Id });
    let output = '';
    session.stdout.on('data', (chunk: Buffer) => (output += chunk));
    session.stdin.end(input);
    await session.done;
    return output;
  } finally {
    await docker.containers.delete({ id: Id, force: true });
  }
}

async function withClient<T>(docker: Docker, use: (docker: Docker) => Promise<T>): Promise<T> {
  try {
    return await use(docker);
  } finally {
    await docker.close();
  }
}

const results: Record<string, unknown> = {};
const unix = createDocker({ socketPath });

results.webSocketAttach = await attempt(() => echo(unix, 'over a websocket\n', 'attachWebSocket'));

// A BuildKit build serves the engine a session over HTTP/2 (node:http2 on the hijacked socket);
// the step succeeds only if the secret it asks the session for arrives intact.
results.buildKitSecret = await attempt(async () => {
  const work = await mkdtemp(join(tmpdir(), 'runtime-features-'));
  try {
    await writeFile(join(work, 'Dockerfile'), `FROM ${image}\nRUN --mount=type=secret,id=token test "$(cat /run/secrets/token)" = "from the session"\n`);
    const build = unix.build({ context: work, builder: 'buildkit', secrets: { token: { value: 'from the session' } }, nocache: true });
    for await (const _ of build);
    const { imageId } = await build.done;
    if (imageId) await unix.images.delete({ name: imageId });
    return imageId ? 'built' : 'no image';
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

results.tls = await attempt(() =>
  withClient(createDocker({ host: env('TLS_HOST'), tls }), async (docker) => ({
    apiVersion: (await docker.system.version()).ApiVersion,
    attach: await echo(docker, 'over tls\n', 'attach'),
  })),
);
results.tlsWithoutClientCertificate = await attempt(() =>
  withClient(createDocker({ host: env('TLS_HOST'), tls: { ca: tls.ca } }), (docker) => docker.system.ping()),
);

results.ssh = await attempt(() =>
  withClient(createDocker({ host: env('SSH_HOST'), ssh }), async (docker) => ({
    apiVersion: (await docker.system.version()).ApiVersion,
    attach: await echo(docker, 'over ssh\n', 'attach'),
  })),
);
results.sshProgramMissing = await attempt(() =>
  withClient(createDocker({ host: env('SSH_HOST'), ssh: { ...ssh, command: '/nonexistent/ssh' } }), (docker) => docker.system.ping()),
);

results.namedPipe = await attempt(() => withClient(createDocker({ host: 'npipe:////./pipe/docker_engine' }), (docker) => docker.system.ping()));

// A long poll cut by the caller's signal rejects with the signal's reason (a TimeoutError here).
results.abortedWait = await attempt(async () => {
  const { Id } = await unix.containers.create({ body: { Image: image, Cmd: ['sleep', '30'] } });
  try {
    await unix.containers.start({ id: Id });
    return await unix.containers.wait({ id: Id }, { signal: AbortSignal.timeout(300) });
  } catch (error) {
    return { name: (error as Error).name };
  } finally {
    await unix.containers.delete({ id: Id, force: true });
  }
});

await unix.close();
await unix.close();
results.afterClose = await attempt(() => unix.system.ping());

console.log(JSON.stringify(results));
