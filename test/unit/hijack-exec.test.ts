// exec.run() against a local unix-socket server that plays the engine
// (test/unit/support/hijack-server.ts): it lets a test hold the exit back after the output has
// ended, send an in-band start error, or flood the output — timings a real daemon gives only by
// chance. The same helper against real engines is in test/engine/hijack-exec.test.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerUsageError, NotFoundError, type Docker } from '../../src/index.js';
import { frame, hijackServer, switchProtocols, type HijackServer, type UpgradeHandler } from './support/hijack-server.js';

let server: HijackServer | undefined;
let docker: Docker | undefined;

afterEach(async () => {
  await docker?.close();
  await server?.close();
  docker = server = undefined;
});

interface FakeExec {
  /** Inspect answers "running" this many times after the output has ended. */
  runningPolls?: number;
  exitCode?: number;
  /** 0 means the engine never started the process. */
  pid?: number;
  onStart?: UpgradeHandler;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function engineWithExec(exec: FakeExec): Promise<{ docker: Docker; created: () => unknown[]; inspections: () => number }> {
  const created: unknown[] = [];
  let inspections = 0;
  let polls = exec.runningPolls ?? 0;
  const plain = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === '/v1.45/containers/box/exec') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        created.push(JSON.parse(body));
        json(res, 201, { Id: 'exec1' });
      });
    } else if (req.url === '/v1.45/exec/exec1/json') {
      inspections++;
      const running = polls-- > 0;
      json(res, 200, { ID: 'exec1', Running: running, ExitCode: running ? null : (exec.exitCode ?? 0), Pid: exec.pid ?? 4242 });
    } else {
      json(res, 404, { message: `No such container: ${req.url}` });
    }
  };
  server = await hijackServer(exec.onStart ?? (() => undefined), { plain });
  docker = createDocker({ socketPath: server.socketPath });
  return { docker, created: () => created, inspections: () => inspections };
}

describe('exec.run', () => {
  it('creates the exec with the options, and waits for the engine to record the exit after the output ends', async () => {
    const fake = await engineWithExec({
      runningPolls: 3,
      exitCode: 7,
      onStart: (_request, socket) => {
        switchProtocols(socket);
        socket.end(Buffer.concat([frame(1, 'out'), frame(2, 'err')]));
      },
    });
    const result = await fake.docker.exec.run('box', ['sh', '-c', 'exit 7'], {
      env: { A: '1' },
      workdir: '/tmp',
      user: '1000:1000',
      Privileged: true,
      ConsoleSize: [24, 80],
    });
    expect(result).toEqual({ stdout: 'out', stderr: 'err', exitCode: 7 });
    expect(fake.inspections()).toBe(4);
    expect(fake.created()).toEqual([
      {
        Cmd: ['sh', '-c', 'exit 7'],
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Env: ['A=1'],
        WorkingDir: '/tmp',
        User: '1000:1000',
        // The rest of ContainerExec's body passes through from the generated type.
        Privileged: true,
        ConsoleSize: [24, 80],
      },
    ]);
    expect(JSON.parse(server!.upgrades[0]!.body)).toEqual({ Detach: false, Tty: false });
  });

  it('refuses stdin under a TTY before sending anything (the engine passes no EOF on, the process would never end)', async () => {
    const docker = createDocker({ socketPath: '/nonexistent/docker.sock' });
    const error = await docker.exec.run('box', ['cat'], { tty: true, stdin: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerUsageError);
    expect((error as Error).message).toMatch(/cannot feed stdin under a TTY/);
    await docker.close();
  });

  it('moves the engine in-band start error out of stdout when the process never started', async () => {
    const fake = await engineWithExec({
      exitCode: 127,
      pid: 0,
      onStart: (_request, socket) => {
        switchProtocols(socket);
        socket.end(frame(1, 'exec: "nope": executable file not found in $PATH\r\n'));
      },
    });
    const result = await fake.docker.exec.run('box', ['nope']);
    expect(result).toEqual({ stdout: '', stderr: 'exec: "nope": executable file not found in $PATH\r\n', exitCode: 127 });
  });

  it('feeds stdin from a Readable and half-closes it', async () => {
    const fake = await engineWithExec({
      onStart: (_request, socket) => {
        switchProtocols(socket);
        const input: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => input.push(chunk));
        socket.on('end', () => socket.end(frame(1, Buffer.concat(input))));
        socket.resume();
      },
    });
    const result = await fake.docker.exec.run('box', ['cat'], { stdin: Readable.from(['a', 'b', Buffer.from('c')]), encoding: 'buffer' });
    expect(result.stdout).toEqual(Buffer.from('abc'));
    expect((fake.created()[0] as { AttachStdin: boolean }).AttachStdin).toBe(true);
  });

  it('rejects with the input error when the stdin source fails', async () => {
    const fake = await engineWithExec({ onStart: (_request, socket) => switchProtocols(socket) });
    const failure = new Error('disk gone');
    const input = new Readable({
      read() {
        this.destroy(failure);
      },
    });
    await expect(fake.docker.exec.run('box', ['cat'], { stdin: input })).rejects.toBe(failure);
  });

  it('fails past maxBuffer instead of holding unbounded output', async () => {
    const fake = await engineWithExec({
      onStart: (_request, socket) => {
        switchProtocols(socket);
        socket.end(Buffer.concat([frame(1, Buffer.alloc(3000)), frame(2, Buffer.alloc(3000))]));
      },
    });
    const error = await fake.docker.exec.run('box', ['yes'], { maxBuffer: 4096 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerUsageError);
    expect((error as Error).message).toMatch(/maxBuffer \(4096 bytes\)/);
  });

  it('passes the engine error through when the container does not exist', async () => {
    const fake = await engineWithExec({});
    await expect(fake.docker.exec.run('missing', ['true'])).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([[[]], [['sh', 1]], ['sh -c true']])('rejects the command %j before sending anything', async (cmd) => {
    const fake = await engineWithExec({});
    await expect(fake.docker.exec.run('box', cmd as string[])).rejects.toBeInstanceOf(DockerUsageError);
    expect(fake.created()).toEqual([]);
  });

  it('aborting while waiting for the exit stops polling and rejects with the reason', async () => {
    const fake = await engineWithExec({
      runningPolls: Number.POSITIVE_INFINITY,
      onStart: (_request, socket) => {
        switchProtocols(socket);
        socket.end(frame(1, 'out'));
      },
    });
    const controller = new AbortController();
    const running = fake.docker.exec.run('box', ['sleep', '1000'], { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    const polled = fake.inspections();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.inspections()).toBe(polled);
  });
});
