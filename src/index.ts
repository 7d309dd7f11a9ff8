export { createDocker, type Docker, type DockerOptions } from './docker.js';
export type { ConnectionOptions, TlsOptions, SshOptions } from './connection/endpoint.js';
export {
  resolveRegistryAuth,
  registryAuthFor,
  allRegistryAuths,
  registryKeyFor,
  DOCKER_HUB_KEY,
  type RegistryAuthConfig,
  type RegistryAuthOptions,
} from './auth/index.js';
export { apiVersions, newestApiVersion, oldestApiVersion, compareApiVersions, type ApiVersion } from './api-version.js';
export type { NewestApiVersion } from '../generated/versions.js';
export type { OperationId } from '../generated/operations.js';
export type { ApiTypes } from '../generated/versions.js';
export type { RawClient } from './raw-client.js';
export type { OperationSurface, OperationParams, OperationParamsOf, OperationResult, OperationResultOf } from './operation-surface.js';
// Named types for every schema (`ContainerInspect<'1.51'>`) and for each operation's parameters
// and result (`ContainerListParams<V>`, `ContainerListResult<V>`). The four schemas whose names the
// helpers above already use (ProgressMessage, ProgressDetail, PluginPrivilege, RestartPolicy) are
// reached through `ApiSchemas`, which holds every schema.
export type * from '../generated/types/schemas.js';
export type * as ApiSchemas from '../generated/types/schemas.js';
export type * from '../generated/operation-types.js';
export type { StreamingResponse, CallOptions } from './request/operation-call.js';
export type {
  AttachOptions,
  AttachWebSocketOptions,
  ExecInput,
  ExecResult,
  ExecRunOptions,
  ExecStartOptions,
  ExecStream,
  HijackedStream,
  HijackHelpers,
  TerminalSize,
} from './hijack/index.js';
export {
  followTerminal,
  monitorTerminalSize,
  parseDetachKeys,
  DEFAULT_DETACH_KEYS,
  type FollowTerminalOptions,
  type TerminalSessionEnd,
  type MonitorTerminalSizeOptions,
  type TerminalSizeMonitor,
  type SizedOutput,
  type RawModeInput,
  type ProcessHooks,
} from './terminal/index.js';
export type {
  BuildHelpers,
  BuildOptions,
  BuildSummary,
  BuildMessage,
  Builder,
  RegistryConfig,
  BuildKitStatus,
  BuildKitVertex,
  BuildKitVertexStatus,
  BuildKitVertexLog,
  BuildKitVertexWarning,
  BuildKitRange,
  BuildOutput,
  SecretSource,
  SshSource,
  DirectoryContext,
  DirectoryContextOptions,
} from './build/index.js';
export { BuildStream, BuildStepError, BuildKitProgress, PlainProgressText, decodeBuildKitTrace } from './build/index.js';
export type {
  ArchiveHelpers,
  ArchiveOptions,
  ContainerArchive,
  ImportOptions,
  ImportSummary,
  LoadOptions,
  LoadSummary,
  PathKind,
  PathStat,
  PutArchiveOptions,
  SaveOptions,
  TarSource,
} from './archive/index.js';
export { directoryContext } from './build/directory-context.js';
export * from './streams/index.js';
// Named here because a schema of the same name (reached as ApiSchemas.ProgressMessage, …) is exported too.
export type { PluginPrivilege, ProgressDetail, ProgressMessage } from './streams/index.js';
export { IgnoreMatcher, type ParentMatches } from './build/ignore-matcher.js';
export type { IgnorePattern } from './build/ignore-pattern.js';
export { parseDockerignore } from './build/dockerignore-file.js';
export {
  DockerError,
  type DockerErrorContext,
  DockerApiError,
  NotModifiedError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  ServerError,
  ServiceUnavailableError,
  DockerConnectionError,
  DockerVersionError,
  DockerResponseError,
  DockerUsageError,
  DockerStreamError,
  DockerStreamLimitError,
  DockerignoreError,
  TarSourceError,
  DockerConfigError,
  DockerCredentialHelperError,
} from './errors.js';
export { parseImageReference, repositoryAndTag, InvalidImageReferenceError, type ImageReference } from './helpers/image-reference.js';
export { toEnvList, parseEnvList } from './helpers/environment.js';
export { restartPolicy, type RestartPolicy } from './helpers/restart-policy.js';
export { linuxSignals, normalizeSignal, type SignalName } from './helpers/signals.js';
