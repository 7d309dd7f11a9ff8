// docker.build(): builds an image from a local folder (packed with .dockerignore applied, see
// directory-context.ts), from a tar archive the caller already has, or from a URL the engine
// fetches itself (`remote`). Answers with the engine's progress stream; `done` resolves with the
// built image's ID.
import type { Readable } from 'node:stream';
import type { ApiTypes, ApiVersion } from '../../generated/versions.js';
import { buildRegistryConfig } from '../auth/request-auth.js';
import { DockerUsageError } from '../errors.js';
import { openOperation, type OpenedAnswer, type OperationContext } from '../request/operation-call.js';
import { ProgressStream } from '../streams/progress.js';
import type { ProgressMessage } from '../streams/progress-types.js';
import { sendFailure, tarBody } from '../archive/tar-source.js';
import { directoryContext } from './directory-context.js';

type ImageBuildOperation<V extends ApiVersion> = ApiTypes[V]['operations']['ImageBuild'];
type ImageBuildQuery<V extends ApiVersion> = NonNullable<NonNullable<ImageBuildOperation<V>['parameters']>['query']>;
type ImageBuildHeaders<V extends ApiVersion> = NonNullable<NonNullable<ImageBuildOperation<V>['parameters']>['header']>;

/** Credentials per registry (`{"registry.example:5000": {username, password}}`), sent as X-Registry-Config. */
export type RegistryConfig<V extends ApiVersion = ApiVersion> = NonNullable<ImageBuildHeaders<V>['X-Registry-Config']>;

export type BuildOptions<V extends ApiVersion = ApiVersion> = Omit<ImageBuildQuery<V>, 't' | 'remote' | 'dockerfile'> & {
  /**
   * What to build from: a local folder (its .dockerignore applied the way BuildKit applies it),
   * or a tar archive as a readable stream or async iterable. Leave it out when using `remote`.
   */
  context?: string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /** A URL the engine fetches the context from: a Git repository, a tar archive or a single Dockerfile. */
  remote?: string;
  /**
   * The Dockerfile. With a folder context: a path relative to the folder, or absolute (it may lie
   * outside the context). Otherwise: its path inside the archive or repository.
   */
  dockerfile?: string;
  /** Name(s) for the image, `name` or `name:tag`. */
  t?: string | readonly string[];
  /**
   * Credentials for the registries the build pulls from. Without them, every credential of the
   * Docker CLI configuration is sent, as the CLI does (`{}`: none).
   */
  registryAuth?: RegistryConfig<V>;
  signal?: AbortSignal;
};

export interface BuildSummary {
  /** The built image's ID (`sha256:…`), from the engine's `aux` message (or a quiet build's output). */
  imageId?: string;
}

export type BuildStream = ProgressStream<BuildSummary>;

export function build<V extends ApiVersion>(context: OperationContext, options: BuildOptions<V>): BuildStream {
  const { context: source, remote, dockerfile, t, registryAuth, signal, ...query } = options;
  if ((source === undefined) === (remote === undefined)) {
    throw new DockerUsageError('build needs exactly one of `context` (a folder or a tar archive) and `remote` (a URL)', { operation: 'ImageBuild' });
  }
  const open = async (): Promise<OpenedAnswer> => {
    // Before the context is packed, so a failing credential lookup leaves no tar stream open.
    const registryConfig = registryAuth ?? (await buildRegistryConfig(context.cliConfig, signal));
    const body = await buildBody(source, dockerfile, signal);
    const values: Record<string, unknown> = {
      ...query,
      t: typeof t === 'string' ? [t] : t,
      remote,
      dockerfile: body?.dockerfile ?? dockerfile,
      'X-Registry-Config': registryConfig,
      body: body?.tar,
    };
    try {
      return await openOperation(context, 'ImageBuild', values, { signal });
    } catch (error) {
      body?.tar.destroy();
      throw sendFailure(error, body?.tar);
    }
  };
  return new ProgressStream<BuildSummary>(open, {}, collectImageId, { signal });
}

async function buildBody(
  source: BuildOptions['context'],
  dockerfile: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ tar: Readable; dockerfile?: string } | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === 'string') return directoryContext(source, { dockerfile, signal });
  return { tar: await tarBody(source, 'ImageBuild', signal), dockerfile };
}

const QUIET_OUTPUT = /^(sha256:[0-9a-f]{64})\s*$/;

function collectImageId(summary: BuildSummary, message: ProgressMessage): void {
  const aux = message.aux as { ID?: unknown } | undefined;
  if (typeof aux?.ID === 'string') summary.imageId = aux.ID;
  else if (message.stream && !summary.imageId) summary.imageId = QUIET_OUTPUT.exec(message.stream)?.[1];
}
