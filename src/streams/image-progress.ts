// Registry transfers of images, which answer with a progress stream: pull (POST /images/create)
// and push. Each returns a ProgressStream: iterate it for the messages, read `.progress` for a
// progress bar, await `.done` for the outcome. (Load and import live with the archives.)
import { registryAuthHeader } from '../auth/request-auth.js';
import type { OperationContext } from '../operation-call.js';
import { ProgressStream, type ProgressStreamOptions } from './progress.js';
import { summarizePull, summarizePush, type PullSummary, type PushSummary } from './progress-summaries.js';
import { openStream, requireApi } from './stream-request.js';

/** Registry credentials (`username`/`password`/`serveraddress`, or `identitytoken`), or an already encoded X-Registry-Auth value. */
export type RegistryAuth = { username?: string; password?: string; serveraddress?: string; identitytoken?: string; registrytoken?: string } | string;

/** An OCI platform, as the JSON-encoded platform parameters take it. */
export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PullOptions extends ProgressStreamOptions {
  /** Tag or digest, when the reference has none. Without either, `latest` is pulled (never every tag). */
  tag?: string;
  /** `os[/arch[/variant]]`. */
  platform?: string;
  /** Registry credentials; without them those of the Docker CLI configuration for the image's registry are used (`{}`: none). */
  auth?: RegistryAuth;
}

export interface PushOptions extends ProgressStreamOptions {
  /** Push only this tag (default: every tag of the repository). */
  tag?: string;
  /** Push only this platform of a multi-platform image (API 1.46+). */
  platform?: OciPlatform;
  /** Registry credentials; without them those of the Docker CLI configuration for the image's registry are used (`{}`: none). */
  auth?: RegistryAuth;
}

function hasTagOrDigest(reference: string): boolean {
  return reference.includes('@') || reference.slice(reference.lastIndexOf('/') + 1).includes(':');
}

export function pullImage(context: OperationContext, reference: string, options: PullOptions = {}): ProgressStream<PullSummary> {
  const tag = options.tag ?? (hasTagOrDigest(reference) ? undefined : 'latest');
  const open = async () =>
    openStream(context, {
      operation: 'ImageCreate',
      method: 'POST',
      path: '/images/create',
      query: { fromImage: reference, tag, platform: options.platform },
      headers: { 'x-registry-auth': await registryAuthHeader(reference, options.auth, context.cliConfig, options.signal) },
      signal: options.signal,
    });
  return new ProgressStream(open, {}, summarizePull, options);
}

export function pushImage(context: OperationContext, name: string, options: PushOptions = {}): ProgressStream<PushSummary> {
  const open = async () => {
    const apiVersion = await context.apiVersion(options.signal);
    if (options.platform) requireApi(apiVersion, '1.46', 'ImagePush parameter "platform"', 'ImagePush');
    return openStream(context, {
      operation: 'ImagePush',
      method: 'POST',
      path: `/images/${encodeURIComponent(name)}/push`,
      query: { tag: options.tag, platform: options.platform ? { ...options.platform } : undefined },
      headers: { 'x-registry-auth': await registryAuthHeader(name, options.auth, context.cliConfig, options.signal) },
      signal: options.signal,
    });
  };
  return new ProgressStream(open, {}, summarizePush, options);
}
