// ssh:// endpoints: every connection is one `ssh` process running `docker system dial-stdio` on the
// remote machine (as the Docker CLI does), its stdio wrapped as a socket. No native code: the
// system's ssh does the cryptography and the auth.
import { spawn } from 'node:child_process';
import { sshArguments, type SshDestination, type SshOptions } from './ssh-destination.js';
import { SshSocket } from './ssh-socket.js';

/** Opens one connection: a new ssh process. A failure to start it destroys the socket with SshStartError. */
export function sshConnection(destination: SshDestination, options: SshOptions, env?: NodeJS.ProcessEnv): SshSocket {
  const command = options.command ?? 'ssh';
  const child = spawn(command, sshArguments(destination, options), { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  return new SshSocket(child, (error) => new SshStartError(command, error));
}

/** The ssh program could not be started at all. */
export class SshStartError extends Error {
  readonly code: string | undefined;

  constructor(command: string, cause: Error) {
    super(`cannot run \`${command}\`: ${cause.message}`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'ERR_SSH_NOT_FOUND' : (cause as NodeJS.ErrnoException).code;
  }
}
