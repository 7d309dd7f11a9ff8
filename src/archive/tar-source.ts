// What a caller may hand over as a tar archive to send: a local folder (packed on the fly), the
// archive in memory, a readable stream or any async iterable of bytes (sent as is).
import { realpath, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DockerUsageError, TarSourceError } from '../errors.js';
import { asSourceError, DirectoryTarStream } from './directory-tar.js';

/** A folder path (its contents are packed), or a tar archive in memory, as a stream or as an async iterable. */
export type TarSource = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** The body to send: a Readable, so that a failure while producing it can be told apart from a network one. */
export async function tarBody(source: TarSource, operation: string, signal?: AbortSignal): Promise<Readable> {
  if (typeof source === 'string') return new DirectoryTarStream(await folder(source), { signal });
  if (source instanceof Uint8Array) return Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)], { objectMode: false });
  if (source instanceof Readable) return source;
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source)
    return Readable.from(source as AsyncIterable<Uint8Array>, { objectMode: false });
  throw new DockerUsageError(`${operation}: the archive must be a folder path, a Buffer or Uint8Array, a readable stream or an async iterable of bytes`, {
    operation,
  });
}

async function folder(path: string): Promise<string> {
  try {
    const real = await realpath(path);
    if (!(await stat(real)).isDirectory()) throw new TarSourceError(`${path} is not a folder`, path, 'ENOTDIR');
    return real;
  } catch (error) {
    throw asSourceError(error, path);
  }
}

/**
 * The error to report when sending failed: the body's own failure (an unreadable file, say)
 * explains more than the broken request it caused.
 */
export function sendFailure(error: unknown, body: Readable | undefined): unknown {
  const bodyError = body?.errored;
  return bodyError ?? error;
}
