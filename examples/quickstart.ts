// Quickstart: connect, look around, run a container and read its exit code and logs, load an
// image with a progress bar, clean up.
// Run it with `npm run quickstart` (which starts a private engine when none is configured),
// or against your own engine: `DOCKER_HOST=unix:///var/run/docker.sock npx tsx examples/quickstart.ts`.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createDocker, NotFoundError } from '../src/index.js';

const docker = createDocker(); // DOCKER_HOST, or /var/run/docker.sock
const image = process.env.QUICKSTART_IMAGE ?? 'busybox:latest';

try {
  const version = await docker.system.version();
  console.log(`engine ${version.Version} (API ${version.ApiVersion}), talking at API ${await docker.apiVersion()}`);

  const images = await docker.images.list({ filters: { reference: [image] } });
  console.log(`${image}: ${images.length ? `${(images[0]!.Size / 1e6).toFixed(1)} MB` : 'not present'}`);

  const { Id } = await docker.containers.create({
    name: `quickstart-${process.pid}`,
    body: { Image: image, Cmd: ['sh', '-c', 'echo hello from $(hostname); exit 7'], Labels: { example: 'quickstart' } },
  });
  console.log(`created ${Id.slice(0, 12)}`);

  const exited = docker.containers.wait({ id: Id, condition: 'next-exit' });
  await docker.containers.start({ id: Id });
  const { StatusCode } = await exited;
  console.log(`exited with status ${StatusCode}`);
  for await (const frame of docker.logs(Id)) console.log(`  ${frame.stream}: ${frame.text.trimEnd()}`);

  await docker.containers.delete({ id: Id });
  await docker.containers.inspect({ id: Id }).catch((error: unknown) => {
    if (error instanceof NotFoundError) console.log(`removed (inspect now answers ${error.status}: ${error.message})`);
    else throw error;
  });

  // A progress bar: a fresh 20 MB image is saved to a file, removed, and loaded back from it.
  const work = await mkdtemp(join(tmpdir(), 'quickstart-'));
  const name = `quickstart-progress:${process.pid}`;
  await writeFile(join(work, 'payload.bin'), randomBytes(20_000_000));
  // The tag inside `repo`: Podman before 4.6 ignores a separate `tag` on import.
  await docker.importImage(work, { repo: name }).done;
  await pipeline(await docker.saveImages(name), createWriteStream(join(work, 'image.tar')));
  await docker.images.delete({ name });
  const load = docker.loadImages(createReadStream(join(work, 'image.tar')));
  let barShown = false;
  for await (const message of load) {
    if (message.status !== 'Loading layer') continue;
    barShown = true;
    const fraction = load.progress.fraction ?? 0;
    const bar = '#'.repeat(Math.round(fraction * 30)).padEnd(30, '.');
    process.stdout.write(`\rloading [${bar}] ${Math.round(fraction * 100)}% of ${(load.progress.total / 1e6).toFixed(1)} MB`);
  }
  // Podman 4.3 loads without reporting progress.
  if (!barShown) process.stdout.write('loading: the engine reported no progress');
  console.log(`\nloaded ${(await load.done).images.join(', ')}`);
  await docker.images.delete({ name });
  await rm(work, { recursive: true });
} finally {
  await docker.close();
}
