// One client of the memory benchmark, run in a fresh process by bench/run.mjs: follows the logs
// of a container that wrote ~1 GiB, consuming them no faster than a given rate, and prints
// `{"seconds":…,"bytes":…,"peakRssMiB":…}` (peak RSS from the kernel's high-water mark).
// Usage: follow.ts <client> <socket> <container id> <api version> <bytes per second>
import { readFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { Agent, request } from 'undici';
// The package as it ships (dist/, through its exports map), as a user's program runs it; the types come from its sources.
const shipped: string = 'docker-engine-typed';
const { createDocker } = (await import(shipped)) as typeof import('../../src/index.js');

const [client, socketPath, id, apiVersion, rateText] = process.argv.slice(2) as [string, string, string, string, string];
const bytesPerMs = Number(rateText) / 1000;
const path = `/v${apiVersion}/containers/${id}/logs?follow=1&stdout=1&stderr=1`;

let consumed = 0;
const started = performance.now();
/** How long to wait before taking more, so that consumption keeps to the rate (undefined: no wait). */
function aheadBy(bytes: number): number | undefined {
  consumed += bytes;
  const ahead = started + consumed / bytesPerMs - performance.now();
  return ahead > 4 ? ahead : undefined;
}

const clients: Record<string, () => Promise<void>> = {
  async library() {
    const docker = createDocker({ socketPath });
    for await (const frame of docker.logs(id, { follow: true })) {
      const wait = aheadBy(frame.data.length);
      if (wait) await sleep(wait);
    }
  },

  async dockerode() {
    const docker = new Docker({ socketPath });
    const stream = (await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as IncomingMessage;
    // A consumer as dockerode users write one: a slow Writable. demuxStream does not wait for it.
    const sink = () =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          const wait = aheadBy(chunk.length);
          if (wait) setTimeout(done, wait);
          else done();
        },
      });
    const stdout = sink();
    docker.modem.demuxStream(stream, stdout, sink());
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('end', () => stdout.end(resolve));
    });
  },

  async 'raw-undici'() {
    const dispatcher = new Agent({ connect: { socketPath }, bodyTimeout: 0 });
    const { body } = await request(`http://localhost${path}`, { dispatcher });
    for await (const chunk of body) {
      const wait = aheadBy((chunk as Buffer).length);
      if (wait) await sleep(wait);
    }
  },

  // The baseline: node:http's own body, pulled chunk by chunk, so it buffers no more than its high-water mark.
  async 'raw-http'() {
    const response = await new Promise<IncomingMessage>((resolve, reject) => get({ socketPath, path }, resolve).on('error', reject));
    for await (const chunk of response) {
      const wait = aheadBy((chunk as Buffer).length);
      if (wait) await sleep(wait);
    }
  },
};

await clients[client]!();
const peakRssKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, bytes: consumed, peakRssMiB: peakRssKiB / 1024 }));
process.exit(0);
