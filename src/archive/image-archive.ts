// Images as tar archives: save one or more (docker save), load a saved archive (docker load),
// import a root file system as a new image (docker import). Archives are streamed both ways;
// load and import answer with a progress stream.
import type { Readable } from 'node:stream';
import type { OperationContext } from '../operation-call.js';
import { ProgressStream } from '../streams/progress.js';
import type { ProgressMessage } from '../streams/progress-types.js';
import { openStream, type OpenedStream, type StreamRequest } from '../streams/stream-request.js';
import { sendFailure, tarBody, type TarSource } from './tar-source.js';

export interface SaveOptions {
  signal?: AbortSignal;
}

export interface LoadOptions {
  /** Report no per-layer progress. Sent explicitly: the engine's default is quiet. */
  quiet?: boolean;
  signal?: AbortSignal;
}

export interface LoadSummary {
  /** What the archive held: tags (`name:tag`) and, for untagged images, `sha256:` IDs. */
  images: string[];
}

export interface ImportOptions {
  /** Repository (and `:tag`) to give the new image. */
  repo?: string;
  tag?: string;
  /** Commit message of the new image. */
  message?: string;
  /** Dockerfile instructions applied to the image, e.g. `CMD ["sh"]`, `ENV A=b`. */
  changes?: string[];
  /** `os[/arch[/variant]]` of the image. */
  platform?: string;
  signal?: AbortSignal;
}

export interface ImportSummary {
  /** The new image's ID. */
  imageId?: string;
}

/** One image (by name or ID) or several, with their layers, as one tar stream. */
export async function saveImages(context: OperationContext, names: string | readonly string[], options: SaveOptions = {}): Promise<Readable> {
  const request: StreamRequest = typeof names === 'string'
    ? { operation: 'ImageGet', method: 'GET', path: `/images/${encodeURIComponent(names)}/get`, signal: options.signal }
    : { operation: 'ImageGetAll', method: 'GET', path: '/images/get', query: { names: [...names] }, signal: options.signal };
  const { body } = await openStream(context, request);
  return body;
}

/** Loads images from an archive made by saveImages (or `docker save`). */
export function loadImages(context: OperationContext, archive: TarSource, options: LoadOptions = {}): ProgressStream<LoadSummary> {
  const open = () => sendArchive(context, archive, { operation: 'ImageLoad', method: 'POST', path: '/images/load', query: { quiet: options.quiet ?? false }, signal: options.signal });
  return new ProgressStream<LoadSummary>(open, { images: [] }, collectLoaded, { signal: options.signal });
}

/** Creates an image whose only layer is the given root file system archive. */
export function importImage(context: OperationContext, archive: TarSource, options: ImportOptions = {}): ProgressStream<ImportSummary> {
  const query = { fromSrc: '-', repo: options.repo, tag: options.tag, message: options.message, changes: options.changes, platform: options.platform };
  const open = () => sendArchive(context, archive, { operation: 'ImageCreate', method: 'POST', path: '/images/create', query, signal: options.signal });
  return new ProgressStream<ImportSummary>(open, {}, collectImported, { signal: options.signal });
}

async function sendArchive(context: OperationContext, archive: TarSource, request: Omit<StreamRequest, 'body' | 'headers'>): Promise<OpenedStream> {
  const body = await tarBody(archive, request.operation, request.signal);
  try {
    return await openStream(context, { ...request, body, headers: { 'content-type': 'application/x-tar' } });
  } catch (error) {
    body.destroy();
    throw sendFailure(error, body);
  }
}

const LOADED = /^Loaded image(?: ID)?: (.+)$/;

function collectLoaded(summary: LoadSummary, message: ProgressMessage): void {
  for (const line of message.stream?.split('\n') ?? []) {
    const match = LOADED.exec(line.trim());
    if (match) summary.images.push(match[1]!);
  }
}

function collectImported(summary: ImportSummary, message: ProgressMessage): void {
  if (message.status?.startsWith('sha256:')) summary.imageId = message.status;
}
