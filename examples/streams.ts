// Streams and sessions: watch a container's events, attach to it before it starts and talk to its
// stdin, run commands in it, follow its logs, copy a folder into it, build an image with progress.
// Run it with `npm run example:streams` (a private engine is started when none is configured), or
// against your own engine: `DOCKER_HOST=unix:///var/run/docker.sock npx tsx examples/streams.ts`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocker, DockerStreamError } from '../src/index.js';

const docker = createDocker();
const image = process.env.QUICKSTART_IMAGE ?? 'busybox:latest';
const run = `streams-${process.pid}`;
const work = await mkdtemp(join(tmpdir(), 'streams-example-'));

// Ends the events stream early if the example fails half-way; aborting ends an iteration quietly.
const stopWatching = new AbortController();

try {
  // The container's events from now on (`since` makes the engine replay any that happen before the
  // stream is connected), until it is destroyed.
  const since = new Date();
  const lifecycle = (async () => {
    const actions: string[] = [];
    // Docker reports the removal as `destroy`, Podman as `remove`; a minute is more than the example needs.
    const signal = AbortSignal.any([stopWatching.signal, AbortSignal.timeout(60_000)]);
    for await (const event of docker.events({ since, filters: { type: ['container'], label: [`example=${run}`] }, signal })) {
      actions.push(event.Action!);
      if (event.Action === 'destroy' || event.Action === 'remove') break;
    }
    return actions;
  })();

  // Attach before start: nothing the container writes is lost. Ending stdin half-closes it.
  const { Id } = await docker.containers.create({
    body: {
      Image: image,
      // Echoes its stdin, then waits until told to finish (a file appears).
      Cmd: ['sh', '-c', 'while read line; do echo "got: $line"; done; echo "stdin closed" >&2; until [ -f /tmp/finish ]; do sleep 0.1; done'],
      OpenStdin: true,
      StdinOnce: true,
      Labels: { example: run },
    },
  });
  const session = docker.attach(Id, { stdin: true });
  await session.attached;
  await docker.containers.start({ id: Id });
  session.stdin.write('one\n');
  session.stdin.end('two\n');
  session.stdout.on('data', (chunk: Buffer) => process.stdout.write(`attach stdout: ${chunk}`));
  session.stderr.on('data', (chunk: Buffer) => process.stdout.write(`attach stderr: ${chunk}`));

  // A command in the running container: its output and exit code, with no race against its end.
  const { stdout, exitCode } = await docker.exec.run(Id, ['sh', '-c', 'uname -s; exit 3']);
  console.log(`exec: ${stdout.trim()}, exit code ${exitCode}`);

  // A folder copied in, and what the container then sees there.
  await writeFile(join(work, 'greeting.txt'), 'hello from the host\n');
  await docker.putArchive(Id, '/tmp', work);
  console.log(`copied in: ${(await docker.exec.run(Id, ['cat', '/tmp/greeting.txt'])).stdout.trim()}`);
  const stat = await docker.archiveStat(Id, '/tmp/greeting.txt');
  console.log(`stat: ${stat.name}, ${stat.size} bytes, mode ${stat.mode.toString(8)}`);

  // Logs, followed until the container exits; frames keep stdout and stderr apart.
  await docker.exec.run(Id, ['touch', '/tmp/finish']);
  for await (const frame of docker.logs(Id, { follow: true, timestamps: true })) {
    console.log(`log ${frame.stream}: ${frame.text.trimEnd()}`);
  }
  await session.done;
  await docker.containers.delete({ id: Id });
  console.log(`events: ${(await lifecycle).join(', ')}`);

  // A build from a folder, its output as it happens; `done` rejects if a step fails.
  await writeFile(join(work, 'Dockerfile'), `FROM ${image}\nCOPY greeting.txt /\nRUN wc -c /greeting.txt\n`);
  const build = docker.build({ context: work, t: `${run}:latest`, version: '1' });
  for await (const message of build) if (message.stream?.trim()) console.log(`build: ${message.stream.trim()}`);
  console.log(`built ${(await build.done).imageId}`);
  await docker.images.delete({ name: `${run}:latest` });

  await writeFile(join(work, 'Dockerfile'), `FROM ${image}\nRUN exit 5\n`);
  await docker.build({ context: work, version: '1', forcerm: true }).done.catch((error: unknown) => {
    if (!(error instanceof DockerStreamError)) throw error;
    console.log(`a failing build rejects: ${error.message}`);
  });
} finally {
  stopWatching.abort();
  await rm(work, { recursive: true, force: true });
  await docker.close();
}
