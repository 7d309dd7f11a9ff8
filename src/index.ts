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
export type { ApiTypes } from '../generated/versions.js';
export type { OperationSurface, OperationParams, OperationParamsOf, OperationResult } from './operation-surface.js';
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
  TerminalSize,
} from './hijack/index.js';
export type { BuildHelpers, BuildOptions, BuildStream, BuildSummary, RegistryConfig } from './build/index.js';
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
export { IgnoreMatcher } from './build/ignore-matcher.js';
export { parseDockerignore } from './build/dockerignore-file.js';
export {
  DockerError,
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
