// SSH agent forwarding over the session (`RUN --mount=type=ssh`): the step sees an agent socket,
// and each connection to it becomes a ForwardAgent stream to the client, which relays it to a
// real agent: the caller's (SSH_AUTH_SOCK or a socket named) or, for key files, an `ssh-agent`
// this client starts for the build and stops after it. Keys never leave this machine; the engine
// only gets signatures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DockerUsageError } from '../../errors.js';
import { GRPC_NOT_FOUND, GRPC_UNAVAILABLE, GrpcStatusError } from '../../protocols/grpc-messages.js';
import { text, wireFields } from '../../protocols/protobuf-wire.js';
import { encodeMessage } from '../../protocols/protobuf-writer.js';
import type { GrpcMethod } from './grpc-host.js';

/** An agent to forward: a running one (`agent`: its socket; left out, SSH_AUTH_SOCK), or private key files. */
export type SshSource = { readonly agent?: string } | { readonly keys: readonly string[] };

/** The agents of a build by ID (`default` is what `--mount=type=ssh` without `id` asks for), and how to stop those started for it. */
export interface SshAgents {
  readonly sockets: ReadonlyMap<string, string>;
  stop(): void;
}

const CHECK_AGENT = '/moby.sshforward.v1.SSH/CheckAgent';
const FORWARD_AGENT = '/moby.sshforward.v1.SSH/ForwardAgent';
// The gRPC metadata that names the agent a ForwardAgent stream is for.
const SSH_ID_METADATA = 'buildkit.ssh.id';
const DEFAULT_ID = 'default';

/** Finds or starts each agent; fails with DockerUsageError before the build when one cannot be had. */
export async function prepareSshAgents(sources: Readonly<Record<string, SshSource>>): Promise<SshAgents> {
  const sockets = new Map<string, string>();
  const started: (() => void)[] = [];
  const stop = () => {
    for (const end of started.splice(0)) end();
  };
  try {
    for (const [id, source] of Object.entries(sources)) {
      if ('keys' in source) {
        const agent = await agentWithKeys(id, source.keys);
        started.push(agent.stop);
        sockets.set(id, agent.socket);
      } else {
        const socket = source.agent ?? process.env.SSH_AUTH_SOCK;
        if (!socket) throw new DockerUsageError(`ssh "${id}": no agent socket given and SSH_AUTH_SOCK is not set`, { operation: 'ImageBuild' });
        sockets.set(id, socket);
      }
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { sockets, stop };
}

/** The SSH service: CheckAgent (ID = 1) and ForwardAgent (BytesMessage streams, data = 1). */
export function sshMethods(agents: SshAgents): Map<string, GrpcMethod> {
  const socketOf = (id: string) => {
    const socket = agents.sockets.get(id || DEFAULT_ID);
    if (!socket) throw new GrpcStatusError(GRPC_NOT_FOUND, `no ssh agent "${id || DEFAULT_ID}" was given to this build`);
    return socket;
  };
  const checkAgent = (request: Buffer) => {
    let id = '';
    for (const field of wireFields(request)) if (field.number === 1) id = text(field);
    socketOf(id);
    return encodeMessage([]);
  };
  const forwardAgent = async (incoming: AsyncIterable<Buffer>, send: (message: Uint8Array) => Promise<void>, metadata: Record<string, unknown>) => {
    const named = metadata[SSH_ID_METADATA];
    const agent = connect(socketOf(String(Array.isArray(named) ? named[0] : (named ?? ''))));
    try {
      await once(agent, 'connect');
    } catch (error) {
      throw new GrpcStatusError(GRPC_UNAVAILABLE, `the ssh agent cannot be reached: ${(error as Error).message}`);
    }
    agent.on('data', (chunk: Buffer) => send(encodeMessage([{ number: 1, bytes: chunk }])));
    const relay = (async () => {
      for await (const message of incoming) {
        for (const field of wireFields(message)) if (field.number === 1 && !agent.write(field.bytes)) await once(agent, 'drain');
      }
      agent.end();
    })();
    // Either side may finish first: the step closed its connection, or the agent hung up.
    relay.catch(() => agent.destroy());
    try {
      await Promise.race([relay, once(agent, 'close')]);
    } finally {
      agent.destroy();
    }
  };
  return new Map<string, GrpcMethod>([
    [CHECK_AGENT, { unary: checkAgent }],
    [FORWARD_AGENT, { streaming: forwardAgent }],
  ]);
}

/** An ssh-agent of this build's own, holding `keys`. */
async function agentWithKeys(id: string, keys: readonly string[]): Promise<{ socket: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'build-ssh-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const stop = () => {
    agent.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([agentListening(socket), once(agent, 'error').then(([error]) => Promise.reject(error))]);
    for (const key of keys) await run('ssh-add', ['-q', key], { ...process.env, SSH_AUTH_SOCK: socket });
    return { socket, stop };
  } catch (error) {
    stop();
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ssh-agent and ssh-add (OpenSSH) are needed for key files' : (error as Error).message;
    throw new DockerUsageError(`ssh "${id}": ${reason}`, { operation: 'ImageBuild' }, { cause: error });
  }
}

async function agentListening(socket: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = connect(socket);
    const connected = await once(probe, 'connect').then(
      () => true,
      () => false,
    );
    probe.destroy();
    if (connected) return;
    await sleep(20);
  }
  throw new Error('ssh-agent did not start listening');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr.trim() || `exit code ${code}`}`))));
  });
}
