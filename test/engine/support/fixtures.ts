// Test fixtures prepared straight over the engine socket, outside the operations under test.
import { request } from 'node:http';
import { pack } from 'tar-stream';

/** A one-file tar archive, enough for the engine to import as an image layer. */
async function tinyLayer(content: string): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: 'fixture.txt', uid: 0, gid: 0 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Imports a small image (`POST /images/create?fromSrc=-`). Without `reference` the image is
 * untagged, i.e. dangling. Returns the image ID.
 */
export async function importImage(socketPath: string, options: { labels: Record<string, string>; reference?: string; content?: string }): Promise<string> {
  const query = new URLSearchParams({ fromSrc: '-' });
  // The whole reference in `repo`: Podman before 4.6 ignores a separate `tag`; Docker reads both ways.
  if (options.reference) query.set('repo', options.reference);
  for (const [key, value] of Object.entries(options.labels)) query.append('changes', `LABEL ${key}=${value}`);
  const body = await tinyLayer(options.content ?? `fixture ${Date.now()} ${Math.random()}`);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: `/images/create?${query}`, headers: { 'content-type': 'application/x-tar' } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`import failed: ${res.statusCode} ${data}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { status?: string; error?: string });
  const failure = lines.find((line) => line.error);
  if (failure) throw new Error(`import failed: ${failure.error}`);
  const id = lines.map((line) => line.status).find((status) => status?.startsWith('sha256:'));
  if (!id) throw new Error(`import answered without an image ID: ${text}`);
  return id;
}
