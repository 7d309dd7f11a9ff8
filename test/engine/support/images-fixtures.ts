// Fixtures for the image I/O tests: tar archives built in memory, readers for the streamed answers
// (NDJSON progress, tar), and build-cache bookkeeping done straight over the engine socket so the
// operations under test are not used to prepare or clean up.
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';

export interface TarFile {
  name: string;
  content: string;
  mode?: number;
}

/** A tar archive of the given files (uid/gid 0), as the engine expects for contexts and imports. */
export async function tarOf(files: TarFile[]): Promise<Buffer> {
  const archive = pack();
  for (const file of files) archive.entry({ name: file.name, mode: file.mode ?? 0o644, uid: 0, gid: 0 }, file.content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a whole response body. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Reads a newline-delimited JSON stream to its end and returns every object in it. */
export async function readNdjson(body: Readable): Promise<Record<string, unknown>[]> {
  const text = (await readAll(body)).toString('utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The regular files of a tar archive, by name. */
export async function tarFiles(archive: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(archive);
  await done;
  return files;
}

/** `manifest.json` of a `docker save` archive: one entry per exported image. */
export async function savedManifest(archive: Buffer): Promise<{ Config: string; RepoTags: string[] | null; Layers: string[] }[]> {
  const manifest = (await tarFiles(archive)).get('manifest.json');
  if (!manifest) throw new Error('the archive has no manifest.json');
  return JSON.parse(manifest.toString('utf8')) as { Config: string; RepoTags: string[] | null; Layers: string[] }[];
}

function rawJson(socketPath: string, method: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${data}`));
        else resolve(JSON.parse(data));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export interface CacheRecord {
  ID: string;
  Description: string;
  CreatedAt: string;
}

/** The builder's cache records, read from `GET /system/df`. */
export async function buildCacheRecords(socketPath: string): Promise<CacheRecord[]> {
  const usage = (await rawJson(socketPath, 'GET', '/system/df')) as { BuildCache?: CacheRecord[] | null };
  return usage.BuildCache ?? [];
}

/** Removes the given build cache records, one `id` filter at a time (never an unfiltered prune). */
export async function removeCacheRecords(socketPath: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    const filters = encodeURIComponent(JSON.stringify({ id: [id] }));
    await rawJson(socketPath, 'POST', `/build/prune?all=1&filters=${filters}`).catch(() => undefined);
  }
}

/**
 * Records a BuildKit build leaves behind that carry no trace of the test run (the uploaded
 * context and its copy), created inside [since, until]. Tests run one file at a time under a
 * lock, so records of that shape made in that window are the test's own.
 */
export function contextRecords(records: CacheRecord[], since: Date, until: Date): string[] {
  return records
    .filter(
      (record) =>
        record.Description.startsWith('http url http://build-context-') || record.Description === 'copy /context /' || record.Description === 'fileop target',
    )
    .filter((record) => {
      const created = Date.parse(record.CreatedAt);
      return created >= since.getTime() - 1000 && created <= until.getTime() + 1000;
    })
    .map((record) => record.ID);
}
