// The build helper as it appears on the client: docker.build(...).
import type { ApiVersion } from '../api-version.js';
import type { OperationContext } from '../request/operation-call.js';
import { build, type BuildOptions } from './build.js';
import type { BuildStream } from './build-stream.js';

export type { BuildOptions, RegistryConfig } from './build.js';
export { BuildStream, type BuildMessage, type BuildSummary } from './build-stream.js';
export type { Builder } from './builder-choice.js';
export { BuildStepError } from './build-step-error.js';
export { BuildKitProgress } from './buildkit-progress.js';
export { PlainProgressText, formatBytes } from './buildkit-plain.js';
export {
  decodeBuildKitTrace,
  decodeStatusResponse,
  type BuildKitStatus,
  type BuildKitVertex,
  type BuildKitVertexStatus,
  type BuildKitVertexLog,
  type BuildKitVertexWarning,
  type BuildKitRange,
} from './buildkit-status.js';
export type { DirectoryContext, DirectoryContextOptions } from './directory-context.js';
export type { BuildOutput } from './session/build-output.js';
export type { SecretSource } from './session/secrets.js';
export type { SshSource } from './session/ssh-forward.js';

export interface BuildHelpers<V extends ApiVersion> {
  /**
   * Builds an image from a local folder, a tar archive or a remote URL, with BuildKit unless
   * `builder: 'classic'` is asked for. Iterate the result for the engine's messages (BuildKit's
   * decoded in `trace`); `done` resolves with the image ID or rejects with the build's error.
   */
  build(options: BuildOptions<V>): BuildStream;
}

export function buildHelpers<V extends ApiVersion>(context: OperationContext): BuildHelpers<V> {
  return { build: (options) => build(context, options) };
}
