// readableChunks(): how the logs read an HTTP body. Fed a hand-driven Readable, so every order of
// pushes, pulls, errors and closes can be set up exactly.
import { Readable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readableChunks } from '../../src/streams/readable-chunks.js';

function body(): Readable {
  return new Readable({ read() {} });
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<string[]> {
  const seen: string[] = [];
  for await (const chunk of chunks) seen.push(chunk.toString());
  return seen;
}

describe('readableChunks', () => {
  it('hands out what has queued up since the last read as one chunk, then ends', async () => {
    const source = body();
    const chunks = readableChunks(source);
    source.push('a');
    source.push('bc');
    await turn();
    expect((await chunks.next()).value?.toString()).toBe('abc');
    source.push('d');
    await turn();
    expect((await chunks.next()).value?.toString()).toBe('d');
    source.push('e');
    source.push(null);
    expect(await collect(chunks)).toEqual(['e']);
  });

  it('hands a lone queued chunk over as it is, uncopied', async () => {
    const source = body();
    const chunks = readableChunks(source);
    const pushed = Buffer.from('alone');
    source.push(pushed);
    await turn();
    expect((await chunks.next()).value?.buffer).toBe(pushed.buffer);
  });

  it('answers a read that waits as soon as a chunk arrives', async () => {
    const source = body();
    const chunks = readableChunks(source);
    const first = chunks.next();
    await turn();
    source.push('late');
    expect((await first).value?.toString()).toBe('late');
    source.push(null);
    expect(await chunks.next()).toEqual({ value: undefined, done: true });
  });

  it('delivers the chunks that came before an error, then the error, then stays failed', async () => {
    const source = body();
    const chunks = readableChunks(source);
    source.push('kept');
    await turn();
    source.destroy(new Error('socket reset'));
    expect((await chunks.next()).value?.toString()).toBe('kept');
    await expect(chunks.next()).rejects.toThrow('socket reset');
    await expect(chunks.next()).rejects.toThrow('socket reset');
  });

  it('fails a read that waits when the body errors', async () => {
    const source = body();
    const chunks = readableChunks(source);
    const waiting = chunks.next();
    source.destroy(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
  });

  it('reports a body closed before its end as an error, not as the end', async () => {
    const source = body();
    const chunks = readableChunks(source);
    source.push('part');
    await turn();
    source.destroy();
    expect((await chunks.next()).value?.toString()).toBe('part');
    await expect(chunks.next()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('pauses the body once the read-ahead is queued, and resumes it as the chunks are taken', async () => {
    const source = body();
    const chunks = readableChunks(source, 10);
    source.push(Buffer.alloc(6));
    await turn();
    expect(source.isPaused()).toBe(false);
    source.push(Buffer.alloc(6));
    await turn();
    expect(source.isPaused()).toBe(true);
    // A paused body keeps what is pushed meanwhile in its own buffer: nothing is lost.
    source.push(Buffer.alloc(3));
    await chunks.next();
    expect(source.isPaused()).toBe(false);
    await turn();
    source.push(null);
    // The first read took both queued chunks; the one held back by the pause came after.
    expect((await collect(chunks)).map((chunk) => chunk.length)).toEqual([3]);
  });

  it('destroys the body on return() and ends a read that waits', async () => {
    const source = body();
    const chunks = readableChunks(source);
    const waiting = chunks.next();
    expect(await chunks.return!()).toEqual({ value: undefined, done: true });
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(source.destroyed).toBe(true);
    expect(await chunks.next()).toEqual({ value: undefined, done: true });
  });
});
