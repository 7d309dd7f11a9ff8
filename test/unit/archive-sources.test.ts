// Archives given in memory (a Buffer or Uint8Array, the most natural form of a small tar) reach the
// engine byte for byte, as streams and folders do. A fake engine on a unix socket records the bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerUsageError } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function recordingEngine(bodies: Buffer[]): Promise<FakeEngine> {
  return fakeEngine((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      if (req.method === 'PUT') {
        res.writeHead(200);
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ stream: 'Loaded image: app:1\n' })}\n`);
    });
  });
}

describe('archives in memory', () => {
  const archive = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 251));

  it('putArchive sends a Buffer as the archive', async () => {
    const bodies: Buffer[] = [];
    engine = await recordingEngine(bodies);
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.putArchive('c', '/srv', archive);
    expect(engine.requests.at(-1)).toBe('PUT /v1.45/containers/c/archive?path=%2Fsrv');
    expect(bodies.at(-1)).toEqual(archive);
    await docker.close();
  });

  it('loadImages sends a Uint8Array view as the archive, only the viewed bytes', async () => {
    const bodies: Buffer[] = [];
    engine = await recordingEngine(bodies);
    const docker = createDocker({ socketPath: engine.socketPath });
    const view = new Uint8Array(archive.buffer, archive.byteOffset + 10, 1000);
    expect(await docker.loadImages(view).done).toEqual({ images: ['app:1'] });
    expect(bodies.at(-1)).toEqual(Buffer.from(view));
    await docker.close();
  });

  it('importImage sends repo and tag as one reference in repo (Podman 4.3 ignores a separate tag), unless repo already has one', async () => {
    engine = await recordingEngine([]);
    const docker = createDocker({ socketPath: engine.socketPath });
    await docker.importImage(archive, { repo: 'team/app', tag: 'v1', message: 'm' }).done;
    expect(engine.requests.at(-1)).toBe('POST /v1.45/images/create?fromSrc=-&repo=team%2Fapp%3Av1&message=m');
    await docker.importImage(archive, { repo: 'localhost:5000/app:v2', tag: 'v3' }).done;
    expect(engine.requests.at(-1)).toBe('POST /v1.45/images/create?fromSrc=-&repo=localhost%3A5000%2Fapp%3Av2&tag=v3');
    await docker.importImage(archive, { repo: 'app' }).done;
    expect(engine.requests.at(-1)).toBe('POST /v1.45/images/create?fromSrc=-&repo=app');
    await docker.close();
  });

  it('refuses what is not an archive with DockerUsageError', async () => {
    engine = await recordingEngine([]);
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.putArchive('c', '/srv', 42 as never)).rejects.toBeInstanceOf(DockerUsageError);
    await docker.close();
  });
});
