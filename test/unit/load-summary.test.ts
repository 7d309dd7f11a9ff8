// What loadImages reports as loaded, from the result lines of each engine: Docker writes one line
// per image (an untagged one by its ID), Podman 4.3 one line naming them all, joined by commas.
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function loaded(messages: unknown[]): Promise<string[]> {
  engine = await fakeEngine((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(messages.map((message) => `${JSON.stringify(message)}\n`).join(''));
    });
  });
  const docker = createDocker({ socketPath: engine.socketPath });
  try {
    return (await docker.loadImages(Buffer.from('archive')).done).images;
  } finally {
    await docker.close();
  }
}

describe('loadImages summary', () => {
  it("names each image of Docker's lines, one per image, untagged ones by ID", async () => {
    const id = `sha256:${'a'.repeat(64)}`;
    expect(await loaded([{ stream: 'Loaded image: app:v1\n' }, { stream: 'Loaded image: busybox:latest\n' }, { stream: `Loaded image ID: ${id}\n` }])).toEqual([
      'app:v1',
      'busybox:latest',
      id,
    ]);
  });

  it("names each image of Podman's single line, the names joined by commas and no newline after them", async () => {
    expect(await loaded([{ stream: 'Loaded image: docker.io/library/app:v1,localhost/busybox:latest' }])).toEqual([
      'docker.io/library/app:v1',
      'localhost/busybox:latest',
    ]);
  });
});
