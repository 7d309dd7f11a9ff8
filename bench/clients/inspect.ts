// One client of the REST call-rate benchmark, run in a fresh process by bench/run.mjs: inspects
// one container N times one after another, then N times with C calls in flight, and prints
// `{"sequential":seconds,"concurrent":seconds,"sequentialCpu":µs,"concurrentCpu":µs}`: the wall time
// of each phase and the CPU time (user + system) this process spent per call in it.
// Usage: inspect.ts <client> <socket> <container id> <api version> <calls> <concurrency>
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import Docker from 'dockerode';
import { Agent, request } from 'undici';
// The package as it ships (dist/, through its exports map), as a user's program runs it; the types come from its sources.
const shipped: string = 'docker-engine-typed';
const { createDocker } = (await import(shipped)) as typeof import('../../src/index.js');

const [client, socketPath, id, apiVersion, callsText, concurrencyText] = process.argv.slice(2) as [string, string, string, string, string, string];
const calls = Number(callsText);
const concurrency = Number(concurrencyText);
const path = `/v${apiVersion}/containers/${id}/json`;

/** Each client's one inspect call, made once its connection pool is set up. */
const inspectors: Record<string, () => () => Promise<unknown>> = {
  library() {
    const docker = createDocker({ socketPath });
    return () => docker.containers.inspect({ id });
  },

  dockerode() {
    const container = new Docker({ socketPath }).getContainer(id);
    return () => container.inspect();
  },

  'raw-undici'() {
    const dispatcher = new Agent({ connect: { socketPath } });
    const url = `http://localhost${path}`;
    return async () => {
      const { statusCode, body } = await request(url, { dispatcher });
      const parsed = await body.json();
      if (statusCode !== 200) throw new Error(`inspect answered ${statusCode}`);
      return parsed;
    };
  },

  // The least node:http needs for the same call: a keep-alive pool on the socket, the body read whole.
  'raw-http'() {
    const agent = new HttpAgent({ keepAlive: true });
    return () =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest({ socketPath, path, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            if (response.statusCode !== 200) return reject(new Error(`inspect answered ${response.statusCode}`));
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          });
        });
        outgoing.on('error', reject);
        outgoing.end();
      });
  },
};

async function timed(total: number, inFlight: number, inspect: () => Promise<unknown>): Promise<{ seconds: number; cpu: number }> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const answer = (await inspect()) as { Id?: string };
      if (answer.Id !== id) throw new Error('inspect returned another container');
    }
  };
  const begin = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - begin) / 1000, cpu: (cpu.user + cpu.system) / total };
}

const inspect = inspectors[client]!();
await timed(200, concurrency, inspect); // warm-up: connections, JIT
const sequential = await timed(calls, 1, inspect);
const concurrent = await timed(calls, concurrency, inspect);
console.log(JSON.stringify({ sequential: sequential.seconds, concurrent: concurrent.seconds, sequentialCpu: sequential.cpu, concurrentCpu: concurrent.cpu }));
process.exit(0);
