// The archive helpers as they appear on the client: files in and out of containers, and images
// saved, loaded and imported as tar archives.
import type { Readable } from 'node:stream';
import type { ApiVersion } from '../../generated/versions.js';
import type { OperationContext } from '../request/operation-call.js';
import type { ProgressStream } from '../streams/progress.js';
import {
  archiveStat,
  exportContainer,
  getArchive,
  putArchive,
  type ArchiveOptions,
  type ContainerArchive,
  type PutArchiveOptions,
} from './container-archive.js';
import {
  importImage,
  loadImages,
  saveImages,
  type ImportOptions,
  type ImportSummary,
  type LoadOptions,
  type LoadSummary,
  type SaveOptions,
} from './image-archive.js';
import type { PathStat } from './path-stat.js';
import type { TarSource } from './tar-source.js';

export type { ArchiveOptions, ContainerArchive, PutArchiveOptions } from './container-archive.js';
export type { ImportOptions, ImportSummary, LoadOptions, LoadSummary, SaveOptions } from './image-archive.js';
export type { PathKind, PathStat } from './path-stat.js';
export type { TarSource } from './tar-source.js';

export interface ArchiveHelpers<V extends ApiVersion> {
  /** Extracts a tar archive, or a local folder's contents, into the folder `path` of a container. */
  putArchive(id: string, path: string, source: TarSource, options?: PutArchiveOptions<V>): Promise<void>;
  /** A path of a container as a tar stream, with its decoded stat. */
  getArchive(id: string, path: string, options?: ArchiveOptions): Promise<ContainerArchive>;
  /** The stat of a path of a container. */
  archiveStat(id: string, path: string, options?: ArchiveOptions): Promise<PathStat>;
  /** A container's whole file system as a tar stream. */
  exportContainer(id: string, options?: ArchiveOptions): Promise<Readable>;
  /** One or more images as a tar stream (`docker save`). */
  saveImages(names: string | readonly string[], options?: SaveOptions<V>): Promise<Readable>;
  /** Loads images from a saved archive (`docker load`). */
  loadImages(archive: TarSource, options?: LoadOptions<V>): ProgressStream<LoadSummary>;
  /** Makes an image from a root file system archive (`docker import`). */
  importImage(archive: TarSource, options?: ImportOptions<V>): ProgressStream<ImportSummary>;
}

export function archiveHelpers<V extends ApiVersion>(context: OperationContext): ArchiveHelpers<V> {
  return {
    putArchive: (id, path, source, options) => putArchive(context, id, path, source, options),
    getArchive: (id, path, options) => getArchive(context, id, path, options),
    archiveStat: (id, path, options) => archiveStat(context, id, path, options),
    exportContainer: (id, options) => exportContainer(context, id, options),
    saveImages: (names, options) => saveImages(context, names, options),
    loadImages: (archive, options) => loadImages(context, archive, options),
    importImage: (archive, options) => importImage(context, archive, options),
  };
}
