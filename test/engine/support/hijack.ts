// Helpers for the hijack engine tests: reading output streams, and an exec created straight over
// the engine socket (outside the helpers under test) for the execStart tests.
import { request } from 'node:http';
import type { Readable } from 'node:stream';

/** The two calls a hijack test needs to make busybox containers of its run and clear them away. */
interface ContainerCalls {
  containers: {
    create(parameters: { body: { Image: string; Labels: Record<string, string> } & Record<string, unknown> }): Promise<{ Id: string }>;
    delete(parameters: { id: string; force: boolean }): Promise<unknown>;
  };
}

/** `create(body)` makes a busybox container labelled with the run; `removeAll()` force-removes every one made. */
export function busyboxContainers(docker: ContainerCalls, run: string) {
  const created: string[] = [];
  return {
    async create(body: Record<string, unknown>): Promise<string> {
      const { Id } = await docker.containers.create({ body: { Image: 'busybox:latest', Labels: { 'test.run': run }, ...body } });
      created.push(Id);
      return Id;
    },
    async removeAll(): Promise<void> {
      for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    },
  };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface Watched {
  /** Everything received so far, as text. */
  text(): string;
  /** Resolves once the text so far matches; rejects if the stream ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves with all the text once the stream has ended. */
  ended: Promise<string>;
}

/** Reads a stream as it arrives, so a test can wait for a prompt before typing. */
export function watch(stream: Readable): Watched {
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(text)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  stream.setEncoding('utf8');
  const ended = (async () => {
    for await (const chunk of stream) {
      text += chunk as string;
      check();
    }
    for (const waiter of waiters) waiter.reject(new Error(`the stream ended without ${waiter.pattern}; got ${JSON.stringify(text)}`));
    return text;
  })();
  return {
    text: () => text,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        check();
      }),
    ended,
  };
}

/** `POST /containers/{id}/exec` sent directly; returns the exec ID. */
export function createExecDirectly(socketPath: string, containerId: string, config: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: `/containers/${containerId}/exec`, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () =>
        res.statusCode === 201 ? resolve((JSON.parse(data) as { Id: string }).Id) : reject(new Error(`exec create failed: ${res.statusCode} ${data}`)),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(config));
  });
}
