// The public face of the streaming layer: logs, stats, events, progress streams and their parsers.
export type { StreamHelpers } from './helpers.js';
export type { ItemStream } from './decoded-stream.js';
export { demultiplex, jsonRecords } from './parsers.js';
export { OutputFrame, type OutputStreamName, type DemultiplexOptions } from './output-frames.js';
export { decodeOutputText, collectOutputText, type OutputText } from './output-text.js';
export type { JsonRecordOptions } from './json-records.js';
export type { ContainerLogsOptions, ServiceLogsOptions, TaskLogsOptions, LogStream } from './logs.js';
export type { StatsOptions, StatsOnceOptions } from './stats.js';
export type { EventsOptions, ReconnectOptions } from './events.js';
export type { ContainerStats, DockerEvent, EventFilters } from './stream-types.js';
export type { Timestamp } from './timestamps.js';
export { ProgressStream, type ProgressStreamOptions, type Summarize } from './progress.js';
export { ProgressView, type ItemProgress } from './progress-view.js';
export type { ProgressMessage, ProgressDetail } from './progress-types.js';
export type { PullSummary, PushSummary, PluginSummary } from './progress-summaries.js';
export type { PullOptions, PushOptions, RegistryAuth, RegistryAuthOption } from './image-progress.js';
export type { PluginPrivilege, PluginPullOptions, PluginUpgradeOptions, PluginPushOptions } from './plugin-progress.js';
