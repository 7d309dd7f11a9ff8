// Files in and out of a container: put a tar archive (or a local folder) at a path, get a path
// as a tar archive with its stat, stat it alone, and export the whole file system. All streamed.
import type { Readable } from 'node:stream';
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { discardBody } from '../request/answer-body.js';
import { openOperation, type OperationContext } from '../request/operation-call.js';
import { decodePathStat, PATH_STAT_HEADER, type PathStat } from './path-stat.js';
import { sendFailure, tarBody, type TarSource } from './tar-source.js';

/** The parameters of PutContainerArchive at API version V (`noOverwriteDirNonDir`, `copyUIDGID`, …). */
export type PutArchiveOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'PutContainerArchive', V>, 'id' | 'path' | 'body'> & {
  signal?: AbortSignal;
};

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

/** Extracts a tar archive (or a local folder's contents) into the folder `path` of the container. */
export async function putArchive(
  context: OperationContext,
  id: string,
  path: string,
  source: TarSource,
  options: PutArchiveOptions<ApiVersion> = {},
): Promise<void> {
  const { signal, ...parameters } = options;
  const body = await tarBody(source, 'PutContainerArchive', signal);
  try {
    const answer = await openOperation(context, 'PutContainerArchive', { ...parameters, id, path, body }, { signal });
    await discardBody(answer.body, answer.origin);
  } catch (error) {
    body.destroy();
    throw sendFailure(error, body);
  }
}

/** A path of the container as a tar stream, with the decoded stat of the path. */
export async function getArchive(context: OperationContext, id: string, path: string, options: ArchiveOptions = {}): Promise<ContainerArchive> {
  const { headers, body, context: errorContext } = await openOperation(context, 'ContainerArchive', { id, path }, { signal: options.signal });
  try {
    return { stat: decodePathStat(headers[PATH_STAT_HEADER], errorContext), tar: body };
  } catch (error) {
    body.destroy();
    throw error;
  }
}

/** What a path of the container is, without its content (HEAD). */
export async function archiveStat(context: OperationContext, id: string, path: string, options: ArchiveOptions = {}): Promise<PathStat> {
  const {
    headers,
    body,
    origin,
    context: errorContext,
  } = await openOperation(context, 'ContainerArchiveInfo', { id, path }, { signal: options.signal, emptyErrorText: missing });
  await discardBody(body, origin);
  return decodePathStat(headers[PATH_STAT_HEADER], errorContext);
}

/** The container's whole file system as a tar stream. */
export async function exportContainer(context: OperationContext, id: string, options: ArchiveOptions = {}): Promise<Readable> {
  const { body } = await openOperation(context, 'ContainerExport', { id }, { signal: options.signal });
  return body;
}
