// The build helper as it appears on the client: docker.build(...).
import type { ApiVersion } from '../api-version.js';
import type { OperationContext } from '../request/operation-call.js';
import { build, type BuildOptions, type BuildStream } from './build.js';

export type { BuildOptions, BuildStream, BuildSummary, RegistryConfig } from './build.js';
export type { DirectoryContext, DirectoryContextOptions } from './directory-context.js';

export interface BuildHelpers<V extends ApiVersion> {
  /**
   * Builds an image from a local folder, a tar archive or a remote URL. Iterate the result for
   * the engine's messages; `done` resolves with the image ID or rejects with the build's error.
   */
  build(options: BuildOptions<V>): BuildStream;
}

export function buildHelpers<V extends ApiVersion>(context: OperationContext): BuildHelpers<V> {
  return { build: (options) => build(context, options) };
}
