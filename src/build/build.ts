// docker.build(): builds an image from a local folder (packed with .dockerignore applied, see
// directory-context.ts, or read by the engine over the session, session/context-sync.ts), from a
// tar archive the caller already has, or from a URL the engine fetches itself (`remote`), with
// BuildKit where the Docker CLI would use it (builder-choice.ts) or the classic builder on request.
// Answers with the engine's progress stream (build-stream.ts); `done` resolves with the built
// image's ID.
import type { Readable } from 'node:stream';
import type { ApiTypes, ApiVersion } from '../../generated/versions.js';
import { buildRegistryConfig } from '../auth/request-auth.js';
import type { RegistryAuthConfig } from '../auth/auth-config.js';
import { DockerResponseError, DockerUsageError, NotFoundError } from '../errors.js';
import { openOperation, type OpenedAnswer, type OperationContext } from '../request/operation-call.js';
import { sendFailure, tarBody } from '../archive/tar-source.js';
import { BuildStream } from './build-stream.js';
import { engineBuilder, type Builder } from './builder-choice.js';
import { directoryContext, sessionContext } from './directory-context.js';
import { openBuildSession, type BuildSession, type BuildSessionOptions } from './session/build-session.js';
import type { BuildOutput } from './session/build-output.js';
import type { SecretSource } from './session/secrets.js';
import type { SshSource } from './session/ssh-forward.js';

type ImageBuildOperation<V extends ApiVersion> = ApiTypes[V]['operations']['ImageBuild'];
type ImageBuildQuery<V extends ApiVersion> = NonNullable<NonNullable<ImageBuildOperation<V>['parameters']>['query']>;
type ImageBuildHeaders<V extends ApiVersion> = NonNullable<NonNullable<ImageBuildOperation<V>['parameters']>['header']>;

/** Credentials per registry (`{"registry.example:5000": {username, password}}`), sent as X-Registry-Config. */
export type RegistryConfig<V extends ApiVersion = ApiVersion> = NonNullable<ImageBuildHeaders<V>['X-Registry-Config']>;

export type BuildOptions<V extends ApiVersion = ApiVersion> = Omit<ImageBuildQuery<V>, 't' | 'remote' | 'dockerfile'> & {
  /**
   * `buildkit` or `classic` (the same as `version: '2'` or `'1'`). Left out, the build uses
   * BuildKit wherever the Docker CLI would: on every engine but a Windows one that does not
   * recommend it.
   */
  builder?: Builder;
  /**
   * What to build from: a local folder (its .dockerignore applied the way BuildKit applies it),
   * or a tar archive as a readable stream or async iterable. Leave it out when using `remote`.
   */
  context?: string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /** A URL the engine fetches the context from: a Git repository, a tar archive or a single Dockerfile. */
  remote?: string;
  /**
   * The Dockerfile. With a folder context: a path relative to the folder, or absolute (it may lie
   * outside the context). Otherwise: its path inside the archive or repository.
   */
  dockerfile?: string;
  /** Name(s) for the image, `name` or `name:tag`. */
  t?: string | readonly string[];
  /**
   * Credentials for the registries the build pulls from. Without them, every credential of the
   * Docker CLI configuration is sent, as the CLI does (`{}`: none).
   */
  registryAuth?: RegistryConfig<V>;
  /**
   * Secrets for `RUN --mount=type=secret,id=…` (BuildKit), by ID: `{ value }`, `{ file }` or
   * `{ env }`. Mounted for the step that asks, never written to the image; read only when asked for.
   */
  secrets?: Readonly<Record<string, SecretSource>>;
  /**
   * SSH agents for `RUN --mount=type=ssh[,id=…]` (BuildKit), by ID (`default` when the mount names
   * none): `{}` forwards SSH_AUTH_SOCK, `{ agent: socket }` another agent, `{ keys: [file] }` an
   * agent this client starts for the build with those private keys.
   */
  ssh?: Readonly<Record<string, SshSource>>;
  /**
   * Where the result goes instead of the engine's image store (BuildKit), as `docker build
   * --output` does: `{ type: 'local', dest }` writes the final stage's files into a new or empty
   * folder, `{ type: 'tar', to }` writes them as a tar archive to a stream (ended with it). `done`
   * resolves once it is all written, without an image ID.
   */
  output?: BuildOutput;
  /**
   * How a folder context reaches a BuildKit build: `tar` (the default) packs it into the request;
   * `session` lets the engine read it over the build's session, as the Docker CLI's BuildKit
   * client does: the engine applies the .dockerignore, and on a later build of the same folder it
   * asks only for the files that changed.
   */
  contextTransfer?: 'tar' | 'session';
  signal?: AbortSignal;
};

export function build<V extends ApiVersion>(context: OperationContext, options: BuildOptions<V>): BuildStream {
  const { context: source, remote, dockerfile, t, registryAuth, builder, version, signal, secrets, ssh, output, contextTransfer, ...query } = options;
  let written: Promise<void> | undefined;
  const asked = askedBuilder(builder, version);
  if ((source === undefined) === (remote === undefined)) {
    throw new DockerUsageError('build needs exactly one of `context` (a folder or a tar archive) and `remote` (a URL)', { operation: 'ImageBuild' });
  }
  const synced = syncedContext(contextTransfer, source, asked, query.session);
  const open = async (): Promise<OpenedAnswer> => {
    // Before the context is packed, so a failing credential lookup leaves no tar stream open.
    const registryConfig = registryAuth ?? (await buildRegistryConfig(context.cliConfig, signal));
    const chosen = asked ?? (await engineBuilder(context));
    if (synced && chosen === 'classic') throw new DockerUsageError(CLASSIC_SYNC, { operation: 'ImageBuild' });
    const fromSession = synced ? await sessionContext(synced, dockerfile) : undefined;
    // A caller who names a session of their own serves it themselves.
    const session =
      query.session === undefined
        ? await sessionFor(context, chosen, { secrets, ssh, output, registryAuth, signal, folders: fromSession?.folders, sharedKey: fromSession?.sharedKey })
        : undefined;
    written = session?.written;
    let body: Awaited<ReturnType<typeof buildBody>>;
    try {
      body = fromSession ? undefined : await buildBody(source, dockerfile, chosen, signal);
    } catch (error) {
      session?.close();
      throw error;
    }
    const values: Record<string, unknown> = {
      ...query,
      t: typeof t === 'string' ? [t] : t,
      // What the engine calls a context its client serves over the session.
      remote: fromSession ? 'client-session' : remote,
      dockerfile: fromSession?.dockerfile ?? body?.dockerfile ?? dockerfile,
      version: version ?? VERSION_OF[chosen],
      'X-Registry-Config': registryConfig,
      session: session?.id ?? query.session,
      outputs: output ? [{ Type: output.type, Attrs: {} }] : query.outputs,
      body: body?.tar,
    };
    try {
      const answer = await openOperation(context, 'ImageBuild', values, { signal });
      // The engine may ask the session for something until the build's answer has ended.
      if (session) answer.body.once('close', () => session.close());
      return answer;
    } catch (error) {
      session?.close();
      body?.tar.destroy();
      throw sendFailure(error, body?.tar);
    }
  };
  return new BuildStream(open, signal, () => written);
}

const VERSION_OF: Record<Builder, string> = { buildkit: '2', classic: '1' };

const CLASSIC_SYNC = "contextTransfer 'session' needs BuildKit; this build uses the classic builder";

/** The folder to serve over the session, when the context goes that way; checks what can be checked before anything is sent. */
function syncedContext(transfer: unknown, source: BuildOptions['context'], builder: Builder | undefined, ownSession: unknown): string | undefined {
  if (transfer === undefined || transfer === 'tar') return undefined;
  const context = { operation: 'ImageBuild' };
  if (transfer !== 'session') throw new DockerUsageError(`contextTransfer must be 'tar' or 'session', not ${JSON.stringify(transfer)}`, context);
  if (typeof source !== 'string') throw new DockerUsageError("contextTransfer 'session' needs a folder as the context", context);
  if (builder === 'classic') throw new DockerUsageError(CLASSIC_SYNC, context);
  if (ownSession !== undefined)
    throw new DockerUsageError("contextTransfer 'session' serves the context on a session of its own; leave `session` out", context);
  return source;
}

/**
 * A BuildKit build gets a session, as the Docker CLI gives it one: through it the engine asks for
 * registry credentials when it pulls a base image, for the secrets and ssh agents the Dockerfile
 * mounts, and for the context when it is not sent as a tar. An engine that takes BuildKit's
 * `version` but serves no session (Podman) builds without one, unless secrets, ssh, an output or
 * the context need it.
 */
async function sessionFor(
  context: OperationContext,
  builder: Builder,
  options: Omit<BuildSessionOptions, 'registryAuth'> & { registryAuth?: RegistryConfig },
): Promise<BuildSession | undefined> {
  const uses = [
    options.secrets && 'secrets',
    options.ssh && 'ssh forwarding',
    options.output && 'an output',
    options.folders && 'the context over the session',
  ].filter((use): use is string => typeof use === 'string');
  const needed = uses.length > 0;
  if (builder === 'classic') {
    if (needed)
      throw new DockerUsageError('secrets, ssh forwarding and outputs need BuildKit; this build uses the classic builder', { operation: 'ImageBuild' });
    return undefined;
  }
  try {
    return await openBuildSession(context, { ...options, registryAuth: options.registryAuth as Record<string, RegistryAuthConfig> | undefined });
  } catch (error) {
    // An engine that answers POST /session but does not upgrade (something in between strips the
    // Upgrade header) or does not know it (404) can still build what needs no session; an
    // unreachable engine or an abort fails the build as any call would.
    const unserved = error instanceof NotFoundError || error instanceof DockerResponseError;
    if (!unserved || options.signal?.aborted) throw error;
    if (needed) {
      const why = error instanceof NotFoundError ? 'this engine serves none (POST /session answered 404)' : `the session could not be opened: ${error.message}`;
      throw new DockerUsageError(`this build needs a BuildKit session (for ${uses.join(', ')}), and ${why}`, { operation: 'ImageBuild' }, { cause: error });
    }
    return undefined;
  }
}

function askedBuilder(builder: unknown, version: unknown): Builder | undefined {
  if (builder !== undefined && builder !== 'buildkit' && builder !== 'classic') {
    throw new DockerUsageError(`builder must be 'buildkit' or 'classic', not ${JSON.stringify(builder)}`, { operation: 'ImageBuild' });
  }
  // An unknown version goes to the engine as given: the request builder checks it against the spec.
  const byVersion = (Object.keys(VERSION_OF) as Builder[]).find((name) => VERSION_OF[name] === version);
  if (builder !== undefined && version !== undefined && byVersion !== builder) {
    throw new DockerUsageError(`builder '${builder}' and version ${JSON.stringify(version)} ask for different builders`, { operation: 'ImageBuild' });
  }
  return builder ?? byVersion;
}

async function buildBody(
  source: BuildOptions['context'],
  dockerfile: string | undefined,
  builder: Builder,
  signal: AbortSignal | undefined,
): Promise<{ tar: Readable; dockerfile?: string } | undefined> {
  if (source === undefined) return undefined;
  // The tar differs by builder: the classic one's engine filters what it unpacks, BuildKit's does not.
  if (typeof source === 'string') return directoryContext(source, { dockerfile, builder, signal });
  return { tar: await tarBody(source, 'ImageBuild', signal), dockerfile };
}
