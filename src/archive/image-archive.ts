// Images as tar archives: save one or more (docker save), load a saved archive (docker load),
// import a root file system as a new image (docker import). Archives are streamed both ways;
// load and import answer with a progress stream.
import type { Readable } from 'node:stream';
import type { OperationId } from '../../generated/operations.js';
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import type { OperationParamsOf } from '../operation-surface.js';
import type { BuildOptions } from '../request/build-request.js';
import { openOperation, type OpenedAnswer, type OperationContext } from '../request/operation-call.js';
import { ProgressStream } from '../streams/progress.js';
import type { ProgressMessage } from '../streams/progress-types.js';
import { parseImageReference } from '../helpers/image-reference.js';
import { sendFailure, tarBody, type TarSource } from './tar-source.js';

interface SignalOption {
  signal?: AbortSignal;
}

/** The parameters of ImageGet / ImageGetAll at API version V (from 1.48 `platform`). */
export type SaveOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ImageGet', V>, 'name'> & SignalOption;

/** The parameters of ImageLoad at API version V (`quiet`, from 1.48 `platform`). `quiet` is sent explicitly: the engine's default is quiet. */
export type LoadOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ImageLoad', V>, 'body'> & SignalOption;

/** The parameters of ImageCreate that concern an import at API version V (`repo`, `tag`, `message`, `changes`, `platform`). */
export type ImportOptions<V extends ApiVersion = NewestApiVersion> = Omit<
  OperationParamsOf<'ImageCreate', V>,
  'fromImage' | 'fromSrc' | 'X-Registry-Auth' | 'body'
> &
  SignalOption;

export interface LoadSummary {
  /** What the archive held: tags (`name:tag`) and, for untagged images, `sha256:` IDs. */
  images: string[];
}

export interface ImportSummary {
  /** The new image's ID. */
  imageId?: string;
}

/** One image (by name or ID) or several, with their layers, as one tar stream. */
export async function saveImages(context: OperationContext, names: string | readonly string[], options: SaveOptions<ApiVersion> = {}): Promise<Readable> {
  const { signal, ...parameters } = options;
  const { body } =
    typeof names === 'string'
      ? await openOperation(context, 'ImageGet', { ...parameters, name: names }, { signal })
      : await openOperation(context, 'ImageGetAll', { ...parameters, names: [...names] }, { signal });
  return body;
}

/** Loads images from an archive made by saveImages (or `docker save`). */
export function loadImages(context: OperationContext, archive: TarSource, options: LoadOptions<ApiVersion> = {}): ProgressStream<LoadSummary> {
  const { signal, ...parameters } = options;
  const open = () => sendArchive(context, archive, 'ImageLoad', parameters, { signal, defaults: { quiet: false } });
  return new ProgressStream<LoadSummary>(open, { images: [] }, collectLoaded, { signal });
}

/** Creates an image whose only layer is the given root file system archive. */
export function importImage(context: OperationContext, archive: TarSource, options: ImportOptions<ApiVersion> = {}): ProgressStream<ImportSummary> {
  const { signal, ...parameters } = options;
  const open = () => sendArchive(context, archive, 'ImageCreate', { ...withTagInRepo(parameters), fromSrc: '-' }, { signal });
  return new ProgressStream<ImportSummary>(open, {}, collectImported, { signal });
}

/**
 * `repo` and `tag` sent as one reference in `repo` (`app:v1`), which Docker reads as it reads the
 * two apart, while Podman before 4.6 ignores a separate `tag` on import and names the image
 * `app:latest`. Left alone when `repo` already has a tag or digest, or is no valid reference.
 */
function withTagInRepo<T extends { repo?: string; tag?: string }>(parameters: T): T {
  const { repo, tag } = parameters;
  if (!repo || !tag) return parameters;
  try {
    const reference = parseImageReference(repo);
    if (reference.tag !== undefined || reference.digest !== undefined) return parameters;
  } catch {
    return parameters;
  }
  const { tag: _joined, ...rest } = parameters;
  return { ...rest, repo: `${repo}:${tag}` } as T;
}

async function sendArchive(
  context: OperationContext,
  archive: TarSource,
  operation: OperationId,
  values: Record<string, unknown>,
  options: BuildOptions & SignalOption,
): Promise<OpenedAnswer> {
  const body = await tarBody(archive, operation, options.signal);
  try {
    return await openOperation(context, operation, { ...values, body }, options);
  } catch (error) {
    body.destroy();
    throw sendFailure(error, body);
  }
}

const LOADED = /^Loaded image(?: ID)?: (.+)$/;

// Docker writes a line per image; Podman 4.3 one line for all, the names joined by commas (which
// no image reference contains).
function collectLoaded(summary: LoadSummary, message: ProgressMessage): void {
  for (const line of message.stream?.split('\n') ?? []) {
    const match = LOADED.exec(line.trim());
    if (match) summary.images.push(...match[1]!.split(','));
  }
}

function collectImported(summary: ImportSummary, message: ProgressMessage): void {
  if (message.status?.startsWith('sha256:')) summary.imageId = message.status;
}
