// An interactive shell in a container, driven from your terminal as `docker run -it busybox sh`
// drives one (or, given a running container, as `docker exec -it <container> sh`): keys go through
// as typed, the container follows your terminal's size, ctrl-p ctrl-q detaches, and the terminal is
// restored however the program ends. Run it with `npm run example:shell` (a private engine is
// started when none is configured) or `npm run example:shell -- <container>`; DETACH_KEYS sets
// other detach keys in the Docker CLI's notation, e.g. DETACH_KEYS=ctrl-a,x.
import { createDocker, DEFAULT_DETACH_KEYS, DockerError, followTerminal, type HijackedStream } from '../src/index.js';

const docker = createDocker();
const image = process.env.QUICKSTART_IMAGE ?? 'busybox:latest';
const detachKeys = process.env.DETACH_KEYS ?? DEFAULT_DETACH_KEYS;
const givenContainer = process.argv[2];

// SIGTERM or SIGHUP (the terminal window closed) ends the session, so that what this example
// created is still removed; followTerminal restores the terminal before that.
const stop = new AbortController();
const onSignal = (signal: NodeJS.Signals) => stop.abort(new Error(`stopped by ${signal}`));
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

try {
  process.exitCode = givenContainer ? await execShell(givenContainer) : await runShell();
} catch (error) {
  // Every failure of the client is a typed DockerError; its message says what the engine said.
  if (!(error instanceof DockerError) && !stop.signal.aborted) throw error;
  console.error(`shell example: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  await docker.close();
}

/** `docker run -it --rm`: a new container with a TTY, attached before it starts; removed at the end, also after a detach. */
async function runShell(): Promise<number> {
  const { Id } = await docker.containers.create({
    body: { Image: image, Cmd: ['sh'], Tty: true, OpenStdin: true, Labels: { example: 'shell' } },
  });
  const name = Id.slice(0, 12);
  try {
    // The engine watches for its own detach keys too; it must know the same ones.
    const session = docker.attach(Id, { stdin: true, detachKeys });
    await session.attached;
    await docker.containers.start({ id: Id });
    console.log(`a shell in the new container ${name}; ${detachKeys} detaches`);
    if (await followUntilEnd(session, `container ${name}`)) {
      const { State } = await docker.containers.inspect({ id: Id });
      console.log(`container ${name} is still ${State?.Status}; removing it, since this example created it`);
      return 0;
    }
    const { State } = await docker.containers.inspect({ id: Id });
    return State?.ExitCode ?? 1;
  } finally {
    await docker.containers.delete({ id: Id, force: true });
  }
}

/** `docker exec -it <container> sh`: a shell beside what the container runs; a detach leaves it running. */
async function execShell(container: string): Promise<number> {
  const { Id } = await docker.exec.create({
    id: container,
    body: { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, DetachKeys: detachKeys },
  });
  const session = docker.execStart(Id, { tty: true });
  console.log(`a shell in container ${container}; ${detachKeys} detaches`);
  if (await followUntilEnd(session, `container ${container}`)) return 0;
  return (await docker.exec.inspect({ id: Id })).ExitCode ?? 1;
}

/** Follows the terminal until the shell ends (false) or the user detaches (true). */
async function followUntilEnd(session: HijackedStream, where: string): Promise<boolean> {
  const { reason } = await followTerminal(session, { detachKeys, signal: stop.signal });
  if (reason === 'detached') console.log(`\ndetached from the shell in ${where}`);
  return reason === 'detached';
}
