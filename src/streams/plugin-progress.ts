// Plugin installs and updates that answer with a progress stream: pull, upgrade and push.
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { transferCredentials } from '../auth/request-auth.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { openOperation, type OperationContext } from '../request/operation-call.js';
import type { RegistryAuthOption } from './image-progress.js';
import { ProgressStream, type ProgressStreamOptions } from './progress.js';
import { summarizePlugin, type PluginSummary } from './progress-summaries.js';

/** A privilege a plugin asks for, as `GET /plugins/privileges` lists them; granting means sending them back. */
export interface PluginPrivilege {
  Name: string;
  Description?: string;
  Value: string[];
}

interface GrantOption {
  /** The privileges granted to the plugin (those it asks for; default none). */
  privileges?: PluginPrivilege[];
}

/** The parameters of PluginPull at API version V (`name`: the local name, default the remote reference). */
export type PluginPullOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'PluginPull', V>, 'remote' | 'X-Registry-Auth' | 'body'> &
  GrantOption &
  RegistryAuthOption &
  ProgressStreamOptions;

export type PluginUpgradeOptions<V extends ApiVersion = NewestApiVersion> = Omit<
  OperationParamsOf<'PluginUpgrade', V>,
  'name' | 'remote' | 'X-Registry-Auth' | 'body'
> &
  GrantOption &
  RegistryAuthOption &
  ProgressStreamOptions;

export type PluginPushOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'PluginPush', V>, 'name' | 'X-Registry-Auth'> &
  RegistryAuthOption &
  ProgressStreamOptions;

type HelperOptions = GrantOption & RegistryAuthOption & ProgressStreamOptions & Record<string, unknown>;

export function pullPlugin(context: OperationContext, remote: string, options: PluginPullOptions<ApiVersion> = {}): ProgressStream<PluginSummary> {
  return pluginStream(context, 'PluginPull', { remote }, remote, options as HelperOptions);
}

export function upgradePlugin(
  context: OperationContext,
  name: string,
  remote: string,
  options: PluginUpgradeOptions<ApiVersion> = {},
): ProgressStream<PluginSummary> {
  return pluginStream(context, 'PluginUpgrade', { name, remote }, remote, options as HelperOptions);
}

export function pushPlugin(context: OperationContext, name: string, options: PluginPushOptions<ApiVersion> = {}): ProgressStream<PluginSummary> {
  return pluginStream(context, 'PluginPush', { name }, name, options as HelperOptions);
}

/** `reference`: whose registry the credentials are for (the remote, or the plugin's name for push). */
function pluginStream(
  context: OperationContext,
  operation: 'PluginPull' | 'PluginUpgrade' | 'PluginPush',
  values: Record<string, unknown>,
  reference: string,
  options: HelperOptions,
): ProgressStream<PluginSummary> {
  const { privileges, auth, signal, maxRecordSize, ...parameters } = options;
  const open = async () => {
    const credentials = await transferCredentials(reference, auth, context.cliConfig, signal);
    // Pull and upgrade take the granted privileges as their body; push has none.
    const body = operation === 'PluginPush' ? {} : { body: privileges ?? [] };
    return openOperation(context, operation, { ...parameters, ...values, ...body, 'X-Registry-Auth': credentials }, { signal });
  };
  return new ProgressStream(open, {}, summarizePlugin, { signal, maxRecordSize });
}
