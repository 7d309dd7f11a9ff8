// What docker.build() and the archive helpers put on the wire, seen by a local unix-socket
// server standing in for the engine (a real engine does not echo its request back): the query
// encodings, X-Registry-Config as URL-safe base64 JSON, the tar body, and the decoded path stat.
import type { IncomingMessage } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocker, DockerResponseError, DockerUsageError } from '../../src/index.js';
import { fakeEngine, type FakeEngine } from './support/fake-engine.js';

interface Captured {
  url: URL;
  headers: IncomingMessage['headers'];
  entries: string[];
}

async function tarNames(req: IncomingMessage): Promise<string[]> {
  const names: string[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    names.push(header.name);
    stream.resume();
    stream.on('end', next);
  });
  req.pipe(reader);
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  return names;
}

let engine: FakeEngine | undefined;
let folder: string | undefined;
afterEach(async () => {
  await engine?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('build request', () => {
  it('sends tags repeated, build args and labels as JSON, registry credentials in X-Registry-Config, and the context as a tar', async () => {
    const captured: Captured[] = [];
    engine = await fakeEngine(async (req, res) => {
      captured.push({ url: new URL(req.url!, 'http://x'), headers: req.headers, entries: await tarNames(req) });
      // Serving no BuildKit session, as Podman does: the build goes on without one.
      if (req.url!.endsWith('/session')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"page not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"stream":"Step 1/1 : FROM scratch\\n"}\n{"aux":{"ID":"sha256:${'a'.repeat(64)}"}}\n`);
    });
    folder = mkdtempSync(join(tmpdir(), 'build-request-'));
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(folder, '.dockerignore'), 'secret\n');
    writeFileSync(join(folder, 'secret'), 'x');
    writeFileSync(join(folder, 'src', 'main.c'), 'x');
    const docker = createDocker({ socketPath: engine.socketPath });
    const auth = { 'registry.example:5000': { username: 'me', password: 'p+/=?' } };
    const { imageId } = await docker.build({
      context: folder,
      t: ['a:1', 'b:2'],
      buildargs: { X: '1 2' },
      labels: { l: 'v' },
      nocache: true,
      registryAuth: auth,
    }).done;
    await docker.close();

    expect(imageId).toBe(`sha256:${'a'.repeat(64)}`);
    // First the ping that picks the builder (this stand-in names neither a builder nor its OS, so
    // BuildKit), then the session BuildKit builds are given, which this stand-in refuses.
    expect(captured.map((request) => request.url.pathname)).toEqual(['/v1.45/_ping', '/v1.45/session', '/v1.45/build']);
    const request = captured[2];
    expect(request!.url.searchParams.get('version')).toBe('2');
    expect(request!.url.searchParams.getAll('t')).toEqual(['a:1', 'b:2']);
    expect(JSON.parse(request!.url.searchParams.get('buildargs')!)).toEqual({ X: '1 2' });
    expect(JSON.parse(request!.url.searchParams.get('labels')!)).toEqual({ l: 'v' });
    expect(request!.url.searchParams.get('nocache')).toBe('1');
    expect(request!.url.searchParams.get('dockerfile')).toBe('Dockerfile');
    expect(request!.headers['content-type']).toBe('application/x-tar');
    const header = String(request!.headers['x-registry-config']);
    // URL-safe alphabet with '=' padding, as Go's base64.URLEncoding in the engine requires.
    expect(header).toMatch(/^[A-Za-z0-9_-]*=*$/);
    expect(header.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual(auth);
    expect(request!.entries.sort()).toEqual(['.dockerignore', 'Dockerfile', 'src/', 'src/main.c']);
  });

  it('builds without a session when the answer to POST /session does not upgrade (a proxy strips the header), and refuses secrets then', async () => {
    const paths: string[] = [];
    engine = await fakeEngine(async (req, res) => {
      paths.push(new URL(req.url!, 'http://x').pathname);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"aux":{"ID":"sha256:${'b'.repeat(64)}"}}\n`);
    });
    folder = mkdtempSync(join(tmpdir(), 'build-request-'));
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    const docker = createDocker({ socketPath: engine.socketPath, apiVersion: '1.45' });
    expect((await docker.build({ context: folder, builder: 'buildkit' }).done).imageId).toBe(`sha256:${'b'.repeat(64)}`);
    expect(paths).toEqual(['/v1.45/session', '/v1.45/build']);
    const refused = docker.build({ context: folder, builder: 'buildkit', secrets: { token: { value: 'never-shown' } } }).done;
    await expect(refused).rejects.toThrow(DockerUsageError);
    await expect(refused).rejects.toThrow(
      /needs a BuildKit session \(for secrets\), and the session could not be opened: the engine answered 200 without upgrading/,
    );
    await expect(refused).rejects.not.toThrow(/never-shown/);
    await docker.close();
  });
});

describe('archive stat header', () => {
  function statEngine(value: string | undefined) {
    return fakeEngine((_req, res) => {
      res.writeHead(200, value === undefined ? {} : { 'X-Docker-Container-Path-Stat': value });
      res.end();
    });
  }

  it('decodes the base64 JSON, with the kind and permissions taken from Go’s FileMode bits', async () => {
    const stat = { name: 'bin', size: 4096, mode: 2 ** 31 + 2 ** 20 + 0o755, mtime: '2024-01-02T03:04:05.123456789Z', linkTarget: '' };
    engine = await statEngine(Buffer.from(JSON.stringify(stat)).toString('base64'));
    const docker = createDocker({ socketPath: engine.socketPath });
    expect(await docker.archiveStat('c1', '/bin')).toEqual({ ...stat, kind: 'directory', permissions: 0o1755 });
    await docker.close();
  });

  it('turns a missing or garbled header into DockerResponseError', async () => {
    for (const value of [undefined, '%%%not base64%%%', Buffer.from('[1,2]').toString('base64')]) {
      engine = await statEngine(value);
      const docker = createDocker({ socketPath: engine.socketPath });
      await expect(docker.archiveStat('c1', '/x')).rejects.toBeInstanceOf(DockerResponseError);
      await docker.close();
      await engine.close();
      engine = undefined;
    }
  });
});
