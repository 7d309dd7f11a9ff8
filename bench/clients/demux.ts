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

  // The floors: the least any reader can do that hands out each frame's bytes as the library's API
  // does, on raw node:http. They check nothing and make no frame objects; what they keep is what the
  // API shape itself costs: a byte view per frame, in an array per chunk (as `batches()` hands them
  // out), and for frame-by-frame iteration also one `for await` step per frame.
  async 'floor-views'() {
    return timed(async () => {
      const response = await rawResponse();
      const walker = new FrameWalker();
      let payload = 0;
      response.on('data', (chunk: Buffer) => {
        for (const view of walker.views(chunk)) payload += view.length;
      });
      await once(response, 'end');
      return payload;
    });
  },

  async 'floor-awaits'() {
    return timed(async () => {
      const walker = new FrameWalker();
      let payload = 0;
      for await (const view of frameByFrame(await rawResponse(), walker)) payload += view.length;
      return payload;
    });
  },

  async 'raw-http'() {
    return timed(async () => {
      const response = await rawResponse();
      let wire = 0;
      response.on('data', (chunk: Buffer) => (wire += chunk.length));
      await once(response, 'end');
      return payloadOf(wire);
    });
  },
};

const rawResponse = () => new Promise<IncomingMessage>((resolve, reject) => get({ socketPath, path: route }, resolve).on('error', reject));

/**
 * Finds the frames in each chunk and makes a byte view of each, or of each piece of a frame that
 * runs across chunks (the least a reader must hand out; the library assembles small split frames).
 */
class FrameWalker {
  #headerBytes = 0;
  #size = 0;
  #remaining = 0;

  views(chunk: Buffer): Uint8Array[] {
    const views: Uint8Array[] = [];
    const end = chunk.length;
    const memory = chunk.buffer;
    const base = chunk.byteOffset;
    let offset = 0;
    while (offset < end) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, end - offset);
        views.push(new Uint8Array(memory, base + offset, take));
        this.#remaining -= take;
        offset += take;
      } else if (this.#headerBytes > 0 || end - offset < HEADER) {
        // A header split across chunks: only its size bytes matter.
        while (offset < end && this.#headerBytes < HEADER) {
          if (this.#headerBytes >= 4) this.#size = this.#size * 256 + chunk[offset]!;
          this.#headerBytes++;
          offset++;
        }
        if (this.#headerBytes === HEADER) {
          this.#remaining = this.#size;
          this.#headerBytes = 0;
          this.#size = 0;
        }
      } else {
        const size = chunk[offset + 4]! * 0x1000000 + ((chunk[offset + 5]! << 16) | (chunk[offset + 6]! << 8) | chunk[offset + 7]!);
        const start = offset + HEADER;
        const take = Math.min(size, end - start);
        views.push(new Uint8Array(memory, base + start, take));
        this.#remaining = size - take;
        offset = start + take;
      }
    }
    return views;
  }
}

/** The views of each chunk handed out one per `for await` step, as cheaply as an async iterator can. */
function frameByFrame(response: IncomingMessage, walker: FrameWalker): AsyncIterableIterator<Uint8Array> {
  const pending: Uint8Array[][] = [];
  let batch: Uint8Array[] = [];
  let index = 0;
  let ended = false;
  let wake: (() => void) | undefined;
  response.on('data', (chunk: Buffer) => {
    pending.push(walker.views(chunk));
    wake?.();
  });
  response.on('end', () => {
    ended = true;
    wake?.();
  });
  const refill = async (): Promise<IteratorResult<Uint8Array>> => {
    for (;;) {
      const next = pending.shift();
      if (next) {
        batch = next;
        index = 0;
        if (batch.length > 0) return { value: batch[index++]!, done: false };
      } else if (ended) {
        return { value: undefined, done: true };
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
  };
  const iterator: AsyncIterableIterator<Uint8Array> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => (index < batch.length ? Promise.resolve({ value: batch[index++]!, done: false }) : refill()),
  };
  return iterator;
}

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
