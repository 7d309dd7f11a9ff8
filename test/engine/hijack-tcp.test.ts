// Hijacked attach and exec over tcp://. The test engines listen on unix sockets only, so this
// test starts its own small TCP→unix proxy (net.createServer piping each connection to the
// engine socket, half-closes passed on) and points the client at tcp://127.0.0.1:PORT.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker, NotFoundError, type Docker } from '../../src/index.js';
import { readAll } from './support/hijack.js';
import { engines } from './support/targets.js';

interface TcpProxy {
  port: number;
  /** Connections the proxy has carried, so the test knows the traffic went through it. */
  connections(): number;
  close(): Promise<void>;
}

async function tcpToUnixProxy(socketPath: string): Promise<TcpProxy> {
  let count = 0;
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    count++;
    const upstream = connect({ path: socketPath, allowHalfOpen: true });
    for (const side of [client, upstream]) {
      open.add(side);
      side.on('close', () => open.delete(side));
      side.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // pipe() ends the other side when one side ends: a half-close travels through.
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no tcp port');
  return {
    port: address.port,
    connections: () => count,
    close: async () => {
      for (const side of open) side.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(engines())('hijack over tcp on $name $version', (engine) => {
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  let proxy: TcpProxy;
  let docker: Docker;

  beforeAll(async () => {
    proxy = await tcpToUnixProxy(engine.socket);
    docker = createDocker({ host: `tcp://127.0.0.1:${proxy.port}` });
  });

  afterAll(async () => {
    for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
    await docker.close();
    await proxy.close();
  });

  it('attaches before start and half-closes stdin through tcp', async () => {
    expect(docker.endpoint).toBe(`tcp://127.0.0.1:${proxy.port}`);
    const { Id: id } = await docker.containers.create({
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', 'cat; echo after-eof; echo err >&2'], OpenStdin: true, StdinOnce: true, Labels: { 'test.run': run } },
    });
    created.push(id);
    const session = docker.attach(id, { stdin: true });
    expect(await session.attached).toEqual({ tty: false });
    expect(proxy.connections()).toBeGreaterThan(0);
    await docker.containers.start({ id });
    session.stdin.end('over tcp\n');
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.done]);
    expect({ stdout: stdout.toString(), stderr: stderr.toString() }).toEqual({ stdout: 'over tcp\nafter-eof\n', stderr: 'err\n' });
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
  });

  it('runs execs with stdin and exit codes through tcp', async () => {
    const { Id: id } = await docker.containers.create({ body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'test.run': run } } });
    created.push(id);
    await docker.containers.start({ id });
    expect(await docker.exec.run(id, ['sh', '-c', 'cat; echo; exit 9'], { stdin: 'piped' })).toEqual({ stdout: 'piped\n', stderr: '', exitCode: 9 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => docker.exec.run(id, ['sh', '-c', `echo ${i}`])));
    expect(results.map((result) => result.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n']);
    await expect(docker.attach(`missing-${run}`).attached).rejects.toBeInstanceOf(NotFoundError);
  });
});
