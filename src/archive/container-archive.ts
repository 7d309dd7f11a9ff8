// Files in and out of a container: put a tar archive (or a local folder) at a path, get a path
// as a tar archive with its stat, stat it alone, and export the whole file system. All streamed.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { OperationContext } from '../operation-call.js';
import { openStream } from '../streams/stream-request.js';
import { decodePathStat, PATH_STAT_HEADER, type PathStat } from './path-stat.js';
import { sendFailure, tarBody, type TarSource } from './tar-source.js';

export interface PutArchiveOptions {
  /** Fail instead of replacing a folder with a non-folder or the reverse. */
  noOverwriteDirNonDir?: boolean;
  /** Give the files the owner of the container's user instead of the archive's uid/gid (API 1.41+). */
  copyUIDGID?: boolean;
  signal?: AbortSignal;
}

export interface ArchiveOptions {
  signal?: AbortSignal;
}

export interface ContainerArchive {
  /** What the path is. */
  stat: PathStat;
  /** The path as a tar archive: a folder's entries are under its base name. Read it to the end or destroy it. */
  tar: Readable;
}

const missing = (status: number) => (status === 404 ? 'no such container, or no such path in it' : `HTTP ${status}`);

/** Reads an answer that carries nothing (PUT, HEAD) to its end, so the connection is free again. */
function emptied(body: Readable): Promise<void> {
  return finished(body.resume());
}

function archivePath(id: string): string {
  return `/containers/${encodeURIComponent(id)}/archive`;
}

/** Extracts a tar archive (or a local folder's contents) into the folder `path` of the container. */
export async function putArchive(context: OperationContext, id: string, path: string, source: TarSource, options: PutArchiveOptions = {}): Promise<void> {
  const operation = 'PutContainerArchive';
  const body = await tarBody(source, operation, options.signal);
  try {
    const { body: answer } = await openStream(context, {
      operation,
      method: 'PUT',
      path: archivePath(id),
      query: { path, noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUIDGID },
      headers: { 'content-type': 'application/x-tar' },
      body,
      signal: options.signal,
    });
    await emptied(answer);
  } catch (error) {
    body.destroy();
    throw sendFailure(error, body);
  }
}

/** A path of the container as a tar stream, with the decoded stat of the path. */
export async function getArchive(context: OperationContext, id: string, path: string, options: ArchiveOptions = {}): Promise<ContainerArchive> {
  const { headers, body, context: errorContext } = await openStream(context, {
    operation: 'ContainerArchive',
    method: 'GET',
    path: archivePath(id),
    query: { path },
    signal: options.signal,
  });
  try {
    return { stat: decodePathStat(headers[PATH_STAT_HEADER], errorContext), tar: body };
  } catch (error) {
    body.destroy();
    throw error;
  }
}

/** What a path of the container is, without its content (HEAD). */
export async function archiveStat(context: OperationContext, id: string, path: string, options: ArchiveOptions = {}): Promise<PathStat> {
  const { headers, body, context: errorContext } = await openStream(context, {
    operation: 'ContainerArchiveInfo',
    method: 'HEAD',
    path: archivePath(id),
    query: { path },
    signal: options.signal,
    emptyErrorText: missing,
  });
  await emptied(body);
  return decodePathStat(headers[PATH_STAT_HEADER], errorContext);
}

/** The container's whole file system as a tar stream. */
export async function exportContainer(context: OperationContext, id: string, options: ArchiveOptions = {}): Promise<Readable> {
  const { body } = await openStream(context, {
    operation: 'ContainerExport',
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/export`,
    signal: options.signal,
  });
  return body;
}
