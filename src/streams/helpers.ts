// The streaming helpers as methods of a client: `docker.logs(id)`, `docker.events()`, `docker.pull(ref)`, …
import type { ApiVersion } from '../api-version.js';
import type { OperationContext } from '../request/operation-call.js';
import type { ItemStream } from './decoded-stream.js';
import { followEvents, type EventsOptions } from './events.js';
import { pullImage, pushImage, type PullOptions, type PushOptions } from './image-progress.js';
import { containerLogs, serviceLogs, taskLogs, type ContainerLogsOptions, type LogStream, type ServiceLogsOptions, type TaskLogsOptions } from './logs.js';
import { pullPlugin, pushPlugin, upgradePlugin, type PluginPullOptions, type PluginPushOptions, type PluginUpgradeOptions } from './plugin-progress.js';
import type { ProgressStream } from './progress.js';
import type { PluginSummary, PullSummary, PushSummary } from './progress-summaries.js';
import { containerStats, containerStatsOnce, type StatsOnceOptions, type StatsOptions } from './stats.js';
import type { ContainerStats, DockerEvent } from './stream-types.js';

export interface StreamHelpers<V extends ApiVersion> {
  /** A container's output (`GET /containers/{id}/logs`), frame by frame. */
  logs(id: string, options?: ContainerLogsOptions<V>): LogStream;
  /** A swarm service's output, merged from its tasks. */
  serviceLogs(id: string, options?: ServiceLogsOptions<V>): LogStream;
  /** One swarm task's output. */
  taskLogs(id: string, options?: TaskLogsOptions<V>): LogStream;
  /** Resource usage samples of a running container, about one a second. */
  stats(id: string, options?: StatsOptions<V>): ItemStream<ContainerStats<V>>;
  /** A single resource usage sample. */
  statsOnce(id: string, options?: StatsOnceOptions<V>): Promise<ContainerStats<V>>;
  /** The engine's events, in order; survives engine restarts without losing or repeating events. */
  events(options?: EventsOptions<V>): AsyncGenerator<DockerEvent<V>, void, undefined>;
  /** Pulls an image from a registry (`latest` when the reference names no tag or digest). */
  pull(reference: string, options?: PullOptions<V>): ProgressStream<PullSummary>;
  /** Pushes an image (or one tag of it) to its registry. */
  push(name: string, options?: PushOptions<V>): ProgressStream<PushSummary>;
  /** Installs a plugin from a registry. */
  pluginPull(remote: string, options?: PluginPullOptions<V>): ProgressStream<PluginSummary>;
  /** Replaces an installed (disabled) plugin with another version. */
  pluginUpgrade(name: string, remote: string, options?: PluginUpgradeOptions<V>): ProgressStream<PluginSummary>;
  /** Pushes a plugin to its registry. */
  pluginPush(name: string, options?: PluginPushOptions<V>): ProgressStream<PluginSummary>;
}

export function streamHelpers<V extends ApiVersion>(context: OperationContext): StreamHelpers<V> {
  return {
    logs: (id, options) => containerLogs(context, id, options),
    serviceLogs: (id, options) => serviceLogs(context, id, options),
    taskLogs: (id, options) => taskLogs(context, id, options),
    stats: (id, options) => containerStats(context, id, options),
    statsOnce: (id, options) => containerStatsOnce(context, id, options),
    events: (options) => followEvents(context, options),
    pull: (reference, options) => pullImage(context, reference, options),
    push: (name, options) => pushImage(context, name, options),
    pluginPull: (remote, options) => pullPlugin(context, remote, options),
    pluginUpgrade: (name, remote, options) => upgradePlugin(context, name, remote, options),
    pluginPush: (name, options) => pushPlugin(context, name, options),
  };
}
