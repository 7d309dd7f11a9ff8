// Reading a whole answer body: as text (JSON answers, error messages) or not at all (empty answers,
// whose connection is only free again once the body has been read to its end).
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/** The body as UTF-8 text; beyond `limit` bytes the rest is read and dropped. */
export function bodyText(body: Readable, limit = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    body.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, limit).toString('utf8')));
    body.once('error', reject);
  });
}

/** Reads the body to its end and drops it. */
export async function discardBody(body: Readable): Promise<void> {
  body.resume();
  await finished(body);
}
