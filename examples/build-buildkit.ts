// A BuildKit build with readable progress: a two-stage Dockerfile with a cache mount, a secret and a
// build argument, its progress printed as `docker build --progress=plain` prints it, a summary from
// the aggregated view, and a failing step whose error names the step and shows what it printed.
// Run it against an engine: `DOCKER_HOST=unix:///var/run/docker.sock npx tsx examples/build-buildkit.ts`
// (set EXAMPLE_IMAGE to build FROM another local image than busybox:latest).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildStepError, createDocker, PlainProgressText, type BuildStream } from '../src/index.js';

const docker = createDocker();
const image = process.env.EXAMPLE_IMAGE ?? 'busybox:latest';
const tag = `build-buildkit-example:${process.pid}`;
const work = await mkdtemp(join(tmpdir(), 'build-buildkit-example-'));

/** Prints a build's progress as plain text while it runs; resolves with the image ID. */
async function followPlain(build: BuildStream): Promise<string | undefined> {
  const plain = new PlainProgressText();
  for await (const message of build) {
    if (message.trace) process.stdout.write(plain.write(message.trace));
    else if (message.stream) process.stdout.write(message.stream); // the classic builder, e.g. on Podman
  }
  return (await build.done).imageId;
}

try {
  await writeFile(
    join(work, 'Dockerfile'),
    [
      `FROM ${image} AS build`,
      'ARG FLAVOUR=plain',
      // The cache mount outlives the build: the next build of this Dockerfile finds /cache as this one left it.
      'RUN --mount=type=cache,target=/cache echo "$FLAVOUR" >> /cache/history && wc -l < /cache/history > /builds',
      // The secret is a file for this step only: what the step makes of it stays, the secret does not.
      'RUN --mount=type=secret,id=token,required=true wc -c < /run/secrets/token > /token-length',
      `FROM ${image}`,
      'COPY --from=build /builds /token-length /',
      'CMD ["cat", "/builds"]',
    ].join('\n'),
  );

  // BuildKit is chosen the way the Docker CLI chooses it; `builder: 'classic'` asks for the old builder.
  // Secrets come from a value, a file ({ file }) or an environment variable ({ env }).
  const secrets = { token: { value: `not-to-be-seen-${process.pid}` } };
  const build = docker.build({ context: work, t: tag, buildargs: { FLAVOUR: `run-${process.pid}` }, secrets });
  const imageId = await followPlain(build);
  const { steps, completed, cached } = build.buildkit;
  console.log(`\nbuilt ${imageId?.slice(0, 19)}: ${completed}/${steps.size} steps, ${cached} from the cache`);

  await writeFile(join(work, 'Dockerfile'), `FROM ${image}\nRUN echo checking && echo "the check failed" >&2 && exit 3\n`);
  await followPlain(docker.build({ context: work })).catch((error: unknown) => {
    if (!(error instanceof BuildStepError)) throw error;
    console.log(`\nthe build failed in ${error.step}\n  ${error.message}\n  its last lines: ${JSON.stringify(error.log)}`);
  });
} finally {
  await docker.images.delete({ name: tag }).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
  await docker.close();
}
