// An undici connector for ssh:// endpoints: every connection undici opens is one `ssh` process
// running `docker system dial-stdio` on the remote machine (as the Docker CLI does), its stdio
// wrapped as a socket. No native code: the system's ssh does the cryptography and the auth.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { sshArguments, type SshDestination, type SshOptions } from './ssh-destination.js';
import { SshSocket } from './ssh-socket.js';

export function sshConnector(destination: SshDestination, options: SshOptions, env?: NodeJS.ProcessEnv): buildConnector.connector {
  const command = options.command ?? 'ssh';
  const args = sshArguments(destination, options);
  return (_target, callback) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const socket = new SshSocket(child);
    // Answer once the process exists (never synchronously: undici expects a connect to take a turn),
    // or with the reason it could not start (e.g. no `ssh` program).
    const onSpawnError = (error: Error) => {
      socket.on('error', () => undefined).destroy();
      callback(new SshStartError(command, error), null);
    };
    child.once('error', onSpawnError);
    child.once('spawn', () => {
      child.off('error', onSpawnError);
      // undici only uses the parts of a socket that SshSocket provides.
      callback(null, socket as unknown as Socket);
    });
  };
}

/** The ssh program could not be started at all. */
export class SshStartError extends Error {
  readonly code: string | undefined;

  constructor(command: string, cause: Error) {
    super(`cannot run \`${command}\`: ${cause.message}`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'ERR_SSH_NOT_FOUND' : (cause as NodeJS.ErrnoException).code;
  }
}
