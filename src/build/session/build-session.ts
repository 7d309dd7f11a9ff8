// A BuildKit session for one build: `POST /session` upgraded to h2c, on which this client serves
// the engine what the build asks for as it runs: the context (when it is not sent as a tar), secrets,
// ssh agents, registry credentials, and the health check the engine uses to tell a live session
// from a dead one. The build names the session with its `session` parameter; the session ends when
// the build does.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { RegistryAuthConfig } from '../../auth/auth-config.js';
import { encodeMessage } from '../../protocols/protobuf-writer.js';
import { upgradeOperation, type OperationContext } from '../../request/operation-call.js';
import { checkOutput, outputMethods, type BuildOutput } from './build-output.js';
import { serveGrpc, type GrpcMethod } from './grpc-host.js';
import { registryCredentialMethods } from './registry-credentials.js';
import { contextSyncMethods, type SyncedFolders } from './context-sync.js';
import { checkSecrets, secretMethods, type SecretSource } from './secrets.js';
import { prepareSshAgents, sshMethods, type SshSource } from './ssh-forward.js';

export interface BuildSessionOptions {
  secrets?: Readonly<Record<string, SecretSource>>;
  ssh?: Readonly<Record<string, SshSource>>;
  /** Credentials the engine gets when it pulls a base image; else the Docker CLI configuration's. */
  registryAuth?: Readonly<Record<string, RegistryAuthConfig>>;
  /** Where the result goes instead of the image store. */
  output?: BuildOutput;
  /** Local folders the engine reads over the session (the context and the Dockerfile's folder), by name. */
  folders?: SyncedFolders;
  /**
   * What the engine files the folders it receives under: the same key for the same folder lets
   * the next build receive only what changed. Default: one of its own per session.
   */
  sharedKey?: string;
  signal?: AbortSignal;
}

export interface BuildSession {
  /** What the build's `session` parameter names. */
  readonly id: string;
  /** Settles once the build's `output` is written (undefined without one). */
  readonly written: Promise<void> | undefined;
  /** Ends the session and stops the ssh agents started for it; idempotent. */
  close(): void;
}

const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
// HealthCheckResponse.status (field 1) SERVING.
const SERVING = encodeMessage([{ number: 1, varint: 1 }]);

export async function openBuildSession(context: OperationContext, options: BuildSessionOptions): Promise<BuildSession> {
  if (options.secrets) await checkSecrets(options.secrets);
  if (options.output) await checkOutput(options.output);
  const agents = options.ssh ? await prepareSshAgents(options.ssh) : undefined;
  const output = options.output ? outputMethods(options.output) : undefined;
  const methods = new Map<string, GrpcMethod>([
    [HEALTH_CHECK, { unary: () => SERVING }],
    ...registryCredentialMethods(options.registryAuth, context.cliConfig),
    ...(options.secrets ? secretMethods(options.secrets) : []),
    ...(agents ? sshMethods(agents) : []),
    ...(output?.methods ?? []),
    ...(options.folders ? contextSyncMethods(options.folders) : []),
  ]);
  // BuildKit's own IDs are 25 base-36 characters; any unique token will do.
  const id = randomBytes(16).toString('hex');
  let socket: Duplex;
  try {
    ({ socket } = await upgradeOperation(
      context,
      'Session',
      {
        'X-Docker-Expose-Session-Uuid': id,
        'X-Docker-Expose-Session-Name': 'docker-engine-typed',
        'X-Docker-Expose-Session-Sharedkey': options.sharedKey ?? id,
        'X-Docker-Expose-Session-Grpc-Method': [...methods.keys()],
      },
      { signal: options.signal },
    ));
  } catch (error) {
    agents?.stop();
    throw error;
  }
  const host = serveGrpc(socket, methods);
  let closed = false;
  return {
    id,
    written: output?.written,
    close() {
      if (closed) return;
      closed = true;
      host.close();
      agents?.stop();
    },
  };
}
