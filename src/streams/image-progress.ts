// Registry transfers of images, which answer with a progress stream: pull (ImageCreate with
// fromImage) and push. Each returns a ProgressStream: iterate it for the messages, read `.progress`
// for a progress bar, await `.done` for the outcome. (Load and import live with the archives.)
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { transferCredentials } from '../auth/request-auth.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { openOperation, type OperationContext } from '../request/operation-call.js';
import { ProgressStream, type ProgressStreamOptions } from './progress.js';
import { summarizePull, summarizePush, type PullSummary, type PushSummary } from './progress-summaries.js';

/** Registry credentials (`username`/`password`/`serveraddress`, or `identitytoken`), or an already encoded X-Registry-Auth value. */
export type RegistryAuth = { username?: string; password?: string; serveraddress?: string; identitytoken?: string; registrytoken?: string } | string;

export interface RegistryAuthOption {
  /** Registry credentials; without them those of the Docker CLI configuration for the image's registry are used (`{}`: none). */
  auth?: RegistryAuth;
}

/** The parameters of ImageCreate that concern a pull at API version V (`tag`, `platform`, …). */
export type PullOptions<V extends ApiVersion = NewestApiVersion> = Omit<
  OperationParamsOf<'ImageCreate', V>,
  'fromImage' | 'fromSrc' | 'repo' | 'message' | 'changes' | 'X-Registry-Auth' | 'body'
> &
  RegistryAuthOption &
  ProgressStreamOptions;

/** The parameters of ImagePush at API version V (`tag`, and from 1.46 `platform`). */
export type PushOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ImagePush', V>, 'name' | 'X-Registry-Auth'> &
  RegistryAuthOption &
  ProgressStreamOptions;

type HelperOptions = RegistryAuthOption & ProgressStreamOptions & Record<string, unknown>;

function hasTagOrDigest(reference: string): boolean {
  return reference.includes('@') || reference.slice(reference.lastIndexOf('/') + 1).includes(':');
}

export function pullImage(context: OperationContext, reference: string, options: PullOptions<ApiVersion> = {}): ProgressStream<PullSummary> {
  const { auth, signal, maxRecordSize, ...parameters } = options as HelperOptions;
  // Without a tag or digest the engine would pull every tag of the repository; the CLI pulls `latest`.
  const defaults = hasTagOrDigest(reference) ? {} : { tag: 'latest' };
  const open = async () => {
    const credentials = await transferCredentials(reference, auth, context.cliConfig, signal);
    return openOperation(context, 'ImageCreate', { ...parameters, fromImage: reference, 'X-Registry-Auth': credentials }, { signal, defaults });
  };
  return new ProgressStream(open, {}, summarizePull, { signal, maxRecordSize });
}

export function pushImage(context: OperationContext, name: string, options: PushOptions<ApiVersion> = {}): ProgressStream<PushSummary> {
  const { auth, signal, maxRecordSize, ...parameters } = options as HelperOptions;
  const open = async () => {
    const credentials = await transferCredentials(name, auth, context.cliConfig, signal);
    return openOperation(context, 'ImagePush', { ...parameters, name, 'X-Registry-Auth': credentials }, { signal });
  };
  return new ProgressStream(open, {}, summarizePush, { signal, maxRecordSize });
}
