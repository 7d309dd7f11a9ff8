// Plugin installs and updates that answer with a progress stream: pull, upgrade and push.
import type { OperationContext } from '../operation-call.js';
import { encodeAuth, type RegistryAuth } from './image-progress.js';
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
  return pluginStream(context, `/plugins/${encodeURIComponent(name)}/push`, 'PluginPush', {}, options);
}

function pluginStream(
  context: OperationContext,
  path: string,
  operation: string,
  query: Record<string, string | undefined>,
  options: PluginInstallOptions,
): ProgressStream<PluginSummary> {
  const granting = operation !== 'PluginPush';
  const open = () =>
    openStream(context, {
      operation,
      method: 'POST',
      path,
      query,
      headers: { 'x-registry-auth': encodeAuth(options.auth), ...(granting ? { 'content-type': 'application/json' } : {}) },
      body: granting ? JSON.stringify(options.privileges ?? []) : undefined,
      signal: options.signal,
    });
  return new ProgressStream(open, {}, summarizePlugin, options);
}
