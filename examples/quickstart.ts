// Quickstart: connect, look around, run a container and read its exit code, clean up.
// Run it with `npm run quickstart` (which starts a private engine when none is configured),
// or against your own engine: `DOCKER_HOST=unix:///var/run/docker.sock npx tsx examples/quickstart.ts`.
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

  await docker.containers.delete({ id: Id });
  await docker.containers.inspect({ id: Id }).catch((error: unknown) => {
    if (error instanceof NotFoundError) console.log(`removed (inspect now answers ${error.status}: ${error.message})`);
    else throw error;
  });
} finally {
  await docker.close();
}
