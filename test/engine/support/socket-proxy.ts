// A TCP proxy in front of an engine's unix socket that a test can cut: endAll() ends every
// connection it carries in an orderly way (FIN to both sides), as an ssh tunnel or a proxy that
// exits does, while the engine and the processes it runs go on.
import { connect, createServer, type Socket } from 'node:net';

export interface SocketProxy {
  port: number;
  /** Ends both sides of every connection carried so far; new connections are still accepted. */
  endAll(): void;
  close(): Promise<void>;
}

export async function socketProxy(engineSocket: string): Promise<SocketProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(engineSocket);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side may reset once the other is ended; the test looks at what the client saw.
    for (const side of pair) side.on('error', () => side.destroy());
    client.on('close', () => pairs.delete(pair));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    endAll() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.end();
        upstream.end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) for (const side of pair) side.destroy();
        server.close(() => resolve());
      }),
  };
}
