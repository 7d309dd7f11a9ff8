// Plugin installs and updates that answer with a progress stream: pull, upgrade and push.
import type { OperationContext } from '../operation-call.js';
import { registryAuthHeader } from '../auth/request-auth.js';
import type { RegistryAuth } from './image-progress.js';
import { ProgressStream, type ProgressStreamOptions } from './progress.js';
import { summarizePlugin, type PluginSummary } from './progress-summaries.js';
import { openStream } from './stream-request.js';

/** A privilege a plugin asks for, as `GET /plugins/privileges` lists them; granting means sending them back. */
export interface PluginPrivilege {
  Name: string;
  Description?: string;
  Value: string[];
}

export interface PluginInstallOptions extends ProgressStreamOptions {
  /** The privileges granted to the plugin (those it asks for; default none). */
  privileges?: PluginPrivilege[];
  /** Registry credentials; without them those of the Docker CLI configuration for the plugin's registry are used (`{}`: none). */
  auth?: RegistryAuth;
}

export interface PluginPullOptions extends PluginInstallOptions {
  /** The local name to install it under (default: the remote reference). */
  name?: string;
}

export function pullPlugin(context: OperationContext, remote: string, options: PluginPullOptions = {}): ProgressStream<PluginSummary> {
  return pluginStream(context, '/plugins/pull', 'PluginPull', { remote, name: options.name }, options);
}

export function upgradePlugin(context: OperationContext, name: string, remote: string, options: PluginInstallOptions = {}): ProgressStream<PluginSummary> {
  return pluginStream(context, `/plugins/${encodeURIComponent(name)}/upgrade`, 'PluginUpgrade', { remote }, options);
}

export function pushPlugin(context: OperationContext, name: string, options: Omit<PluginInstallOptions, 'privileges'> = {}): ProgressStream<PluginSummary> {
  return pluginStream(context, `/plugins/${encodeURIComponent(name)}/push`, 'PluginPush', {}, options, name);
}

function pluginStream(
  context: OperationContext,
  path: string,
  operation: string,
  query: Record<string, string | undefined>,
  options: PluginInstallOptions,
  /** The reference whose registry the credentials are for (the remote, or the plugin's name for push). */
  reference = query.remote ?? '',
): ProgressStream<PluginSummary> {
  const granting = operation !== 'PluginPush';
  const open = async () =>
    openStream(context, {
      operation,
      method: 'POST',
      path,
      query,
      headers: {
        'x-registry-auth': await registryAuthHeader(reference, options.auth, context.cliConfig, options.signal),
        ...(granting ? { 'content-type': 'application/json' } : {}),
      },
      body: granting ? JSON.stringify(options.privileges ?? []) : undefined,
      signal: options.signal,
    });
  return new ProgressStream(open, {}, summarizePlugin, options);
}
