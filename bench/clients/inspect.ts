// One client of the REST call-rate benchmark, run in a fresh process by bench/run.mjs: inspects
// one container N times one after another, then N times with C calls in flight, and prints
// `{"sequential":seconds,"concurrent":seconds}`.
// Usage: inspect.ts <client> <socket> <container id> <api version> <calls> <concurrency>
import Docker from 'dockerode';
import { Agent, request } from 'undici';
import { createDocker } from '../../src/index.js';

const [client, socketPath, id, apiVersion, callsText, concurrencyText] = process.argv.slice(2) as [string, string, string, string, string, string];
const calls = Number(callsText);
const concurrency = Number(concurrencyText);

function inspector(): () => Promise<unknown> {
  if (client === 'library') {
    const docker = createDocker({ socketPath });
    return () => docker.containers.inspect({ id });
  }
  if (client === 'dockerode') {
    const container = new Docker({ socketPath }).getContainer(id);
    return () => container.inspect();
  }
  const dispatcher = new Agent({ connect: { socketPath } });
  const url = `http://localhost/v${apiVersion}/containers/${id}/json`;
  return async () => {
    const { statusCode, body } = await request(url, { dispatcher });
    const parsed = await body.json();
    if (statusCode !== 200) throw new Error(`inspect answered ${statusCode}`);
    return parsed;
  };
}

async function timed(total: number, inFlight: number, inspect: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const answer = (await inspect()) as { Id?: string };
      if (answer.Id !== id) throw new Error('inspect returned another container');
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - begin) / 1000;
}

const inspect = inspector();
await timed(200, concurrency, inspect); // warm-up: connections, JIT
const sequential = await timed(calls, 1, inspect);
const concurrent = await timed(calls, concurrency, inspect);
console.log(JSON.stringify({ sequential, concurrent }));
process.exit(0);
