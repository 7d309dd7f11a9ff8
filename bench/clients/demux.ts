// One client of the demultiplexing benchmark, run in a fresh process by bench/run.mjs:
// reads the whole multiplexed log stream of the bench log server and prints
// `{"seconds":…,"payload":…}` (payload = bytes of frame content received).
// Usage: demux.ts <client> <socket> <frame size> <MiB of content>
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { Agent, request } from 'undici';
// The package as it ships (dist/, through its exports map), as a user's program runs it; the types come from its sources.
const shipped: string = 'docker-engine-typed';
const { createDocker } = (await import(shipped)) as typeof import('../../src/index.js');

const [client, socketPath, frameSizeText, mebibytes] = process.argv.slice(2) as [string, string, string, string];
const frameSize = Number(frameSizeText);
const container = `${frameSize}-${mebibytes}`;
const route = `/v1.51/containers/${container}/logs?follow=1&stdout=1&stderr=1`;
const HEADER = 8;

/** Wire bytes carry an 8-byte header per frame; what the raw readers count, minus those. */
const payloadOf = (wireBytes: number) => wireBytes - (wireBytes / (frameSize + HEADER)) * HEADER;

const clients: Record<string, () => Promise<number>> = {
  async library() {
    const docker = createDocker({ socketPath });
    await docker.apiVersion();
    return timed(async () => {
      let payload = 0;
      for await (const frame of docker.logs(container, { follow: true })) payload += frame.data.length;
      return payload;
    });
  },

  async 'library-batches'() {
    const docker = createDocker({ socketPath });
    await docker.apiVersion();
    return timed(async () => {
      let payload = 0;
      for await (const batch of docker.logs(container, { follow: true }).batches()) {
        for (const frame of batch) payload += frame.data.length;
      }
      return payload;
    });
  },

  async dockerode() {
    const docker = new Docker({ socketPath });
    return timed(async () => {
      let payload = 0;
      const sink = () => new Writable({ write: (chunk: Buffer, _encoding, done) => ((payload += chunk.length), done()) });
      const stream = (await docker.getContainer(container).logs({ follow: true, stdout: true, stderr: true })) as IncomingMessage;
      docker.modem.demuxStream(stream, sink(), sink());
      await once(stream, 'end');
      return payload;
    });
  },

  async 'raw-undici'() {
    const dispatcher = new Agent({ connect: { socketPath } });
    return timed(async () => {
      const { body } = await request(`http://localhost${route}`, { dispatcher });
      let wire = 0;
      for await (const chunk of body) wire += (chunk as Buffer).length;
      return payloadOf(wire);
    });
  },

  async 'raw-http'() {
    return timed(async () => {
      const response = await new Promise<IncomingMessage>((resolve, reject) => get({ socketPath, path: route }, resolve).on('error', reject));
      let wire = 0;
      response.on('data', (chunk: Buffer) => (wire += chunk.length));
      await once(response, 'end');
      return payloadOf(wire);
    });
  },
};

let seconds = 0;
async function timed(read: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const payload = await read();
  seconds = (performance.now() - started) / 1000;
  return payload;
}

const payload = await clients[client]!();
console.log(JSON.stringify({ seconds, payload }));
process.exit(0);
