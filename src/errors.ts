// Typed errors. Every failure the client reports is one of these, so callers can branch on the
// class (or on `status`) instead of parsing messages.

export interface DockerErrorContext {
  /** The operationId of the call, e.g. `ContainerInspect`. */
  operation?: string;
  /** The API version the call was made at. */
  apiVersion?: string;
}

/** Base class of everything this library throws on purpose. */
export class DockerError extends Error {
  readonly operation?: string;
  readonly apiVersion?: string;

  constructor(message: string, context: DockerErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.operation = context.operation;
    this.apiVersion = context.apiVersion;
  }
}

/** The engine answered with a status outside 2xx. `message` is the engine's own message. */
export class DockerApiError extends DockerError {
  readonly status: number;
  readonly method: string;
  readonly path: string;

  constructor(status: number, message: string, request: { method: string; path: string }, context: DockerErrorContext) {
    super(message, context);
    this.status = status;
    this.method = request.method;
    this.path = request.path;
  }
}

/** 304: the object was already in the requested state (container already started or stopped). */
export class NotModifiedError extends DockerApiError {}
/** 400: a malformed request or a value the engine rejects. */
export class BadRequestError extends DockerApiError {}
/** 401: a registry refused the credentials. */
export class UnauthorizedError extends DockerApiError {}
/** 403: the engine will not do this in its current state. */
export class ForbiddenError extends DockerApiError {}
/** 404: no such object. */
export class NotFoundError extends DockerApiError {}
/** 409: the request clashes with the object's state or with another object's name. */
export class ConflictError extends DockerApiError {}
/** 500: the engine failed while doing what was asked. */
export class ServerError extends DockerApiError {}
/** 503: the engine cannot serve this now (for instance it is not a swarm manager). */
export class ServiceUnavailableError extends DockerApiError {}

const byStatus: Record<number, typeof DockerApiError> = {
  304: NotModifiedError,
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  500: ServerError,
  503: ServiceUnavailableError,
};

/** Builds the error for a non-2xx answer from its status and raw body text. */
export function apiErrorFrom(status: number, bodyText: string, request: { method: string; path: string }, context: DockerErrorContext): DockerApiError {
  const ErrorClass = byStatus[status] ?? DockerApiError;
  return new ErrorClass(status, engineMessage(status, bodyText), request, context);
}

function engineMessage(status: number, bodyText: string): string {
  const text = bodyText.trim();
  if (!text) return status === 304 ? 'not modified: already in the requested state' : `HTTP ${status} with an empty body`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: proxies and old engines answer in plain text; the text itself is the message.
  }
  return text;
}

/** The engine could not be reached, or the connection broke before an answer arrived. */
export class DockerConnectionError extends DockerError {
  /** The endpoint as the user would write it, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** The system, TLS or ssh error code, e.g. `ENOENT`, `ECONNREFUSED`, `ERR_SSL_…`; `ERR_CONNECTION_CLOSED` when the connection closed mid-answer, `ERR_CLIENT_CLOSED` after close(). */
  readonly code?: string;

  constructor(endpoint: string, reason: string, code: string | undefined, context: DockerErrorContext, cause?: unknown) {
    super(`cannot reach the Docker engine at ${endpoint}: ${reason}`, context, { cause });
    this.endpoint = endpoint;
    this.code = code;
  }
}

/** The call needs an API version the connection does not speak; raised before anything is sent. */
export class DockerVersionError extends DockerError {}

/** The engine answered 2xx but the body is not what the API promises (e.g. invalid JSON). */
export class DockerResponseError extends DockerError {}

/** The caller passed something the client cannot send (missing path parameter, bad host URL, ...). */
export class DockerUsageError extends DockerError {}

/**
 * The engine reported a failure inside a stream it had already answered 200 to: an error frame
 * (type 3) of a log stream, or an `errorDetail`/`error` message of a progress stream.
 */
export class DockerStreamError extends DockerError {
  /** The engine's error code (`errorDetail.code`), when it sent one. */
  readonly code?: number;

  constructor(message: string, context: DockerErrorContext = {}, code?: number) {
    super(message, context);
    this.code = code;
  }
}

/** A frame or record of a stream is larger than the limit the caller allowed (nothing more is read). */
export class DockerStreamLimitError extends DockerResponseError {
  /** The limit in bytes. */
  readonly limit: number;

  constructor(message: string, limit: number, context: DockerErrorContext = {}) {
    super(message, context);
    this.limit = limit;
  }
}

/** A .dockerignore pattern is malformed (Docker rejects the same pattern). */
export class DockerignoreError extends DockerUsageError {
  /** The offending pattern or line, as written. */
  readonly pattern?: string;

  constructor(message: string, pattern?: string, context: DockerErrorContext = {}) {
    super(message, context);
    this.pattern = pattern;
  }
}

/**
 * A local file or folder that was to be sent as a tar archive (a build context, a folder for
 * putArchive) cannot be read or is not what it must be.
 */
export class TarSourceError extends DockerError {
  /** The local path concerned. */
  readonly path: string;
  /** The system error code (`EACCES`, `ENOENT`, ...) or `CHANGED` when a file changed while being read. */
  readonly code?: string;

  constructor(message: string, path: string, code?: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.path = path;
    this.code = code;
  }
}

/** A Docker CLI configuration file (config.json, a context's meta.json or TLS files) is unreadable or malformed. */
export class DockerConfigError extends DockerUsageError {
  /** The file (or folder) concerned. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message} (${path})`);
    this.path = path;
  }
}

/**
 * A credential helper (`docker-credential-<name>`) could not be run or failed. The message never
 * holds what the helper printed on success, since that carries the secret.
 */
export class DockerCredentialHelperError extends DockerError {
  /** The helper program, e.g. `docker-credential-pass`. */
  readonly helper: string;
  /** The registry whose credentials were asked for (absent for `list`). */
  readonly registry?: string;

  constructor(message: string, helper: string, registry?: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.helper = helper;
    this.registry = registry;
  }
}
