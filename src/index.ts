export { createDocker, type Docker, type DockerOptions } from './docker.js';
export type { ConnectionOptions, TlsOptions } from './connection/endpoint.js';
export { apiVersions, newestApiVersion, oldestApiVersion, compareApiVersions, type ApiVersion } from './api-version.js';
export type { ApiTypes } from '../generated/versions.js';
export type { OperationSurface, OperationParams, OperationResult } from './operation-surface.js';
export type { StreamingResponse, CallOptions } from './operation-call.js';
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
} from './errors.js';
export { parseImageReference, repositoryAndTag, InvalidImageReferenceError, type ImageReference } from './helpers/image-reference.js';
export { toEnvList, parseEnvList } from './helpers/environment.js';
export { restartPolicy, type RestartPolicy } from './helpers/restart-policy.js';
export { linuxSignals, normalizeSignal, type SignalName } from './helpers/signals.js';
