import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freeLoopbackPort } from './free-port.mjs';
import { log } from './log.mjs';
import { stateDir } from './paths.mjs';
import { run } from './run.mjs';
import { startService, stopService } from './service.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

// Debian's OpenSSH server run privately on 127.0.0.1:<free port>: its own host key, config,
// authorized keys and pid file under .engines/sshd, public-key logins for root only, and the
// environment (e.g. DOCKER_HOST) given to every session through sshd_config's SetEnv, so the
// remote `docker system dial-stdio` reaches one of our engines. Stopped by its pid.

const dir = join(stateDir, 'sshd');
const configFile = join(dir, 'sshd_config');
const service = { pidFile: join(dir, 'sshd.pid'), marker: configFile };
const sshd = '/usr/sbin/sshd';

/** Makes an ed25519 key pair without a passphrase; returns the private key path and the public key line. */
export async function makeSshKeyPair(keyDir, name = 'id_ed25519') {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const keyFile = join(keyDir, name);
  rmSync(keyFile, { force: true });
  rmSync(`${keyFile}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', keyFile]);
  return { keyFile, publicKey: readFileSync(`${keyFile}.pub`, 'utf8').trim() };
}

function sshdConfig({ port, hostKey, authorizedKeysFile, environment }) {
  const setEnv = Object.entries(environment).map(([name, value]) => `${name}=${value}`);
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${service.pidFile}`,
    `AuthorizedKeysFile ${authorizedKeysFile}`,
    'AllowUsers root',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM: the login needs nothing from the machine's own account setup.
    'UsePAM no',
    'PrintMotd no',
    // The authorized keys live in the checkout, which may sit below a world-writable folder such
    // as /tmp; sshd's ownership check of every parent folder would then refuse them.
    'StrictModes no',
    'LogLevel VERBOSE',
    ...(setEnv.length ? [`SetEnv ${setEnv.join(' ')}`] : []),
    '',
  ].join('\n');
}

/** Ready once the port greets with an SSH banner. */
function greetsWithBanner(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('SSH-2.0-')));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts sshd accepting `authorizedKeys` (public key lines) for root, giving sessions `environment`.
 * An sshd left from an earlier run is stopped first. Resolves with where it listens and its host
 * key as a known_hosts line, so clients can check it strictly.
 */
export async function sshdUp({ authorizedKeys, environment = {} }) {
  await ensureSystemPackages(['openssh-server', 'openssh-client']);
  await stopService(service);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // sshd insists on its privilege separation folder, which Debian creates at boot only.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test sshd', '-f', hostKey]);
  const authorizedKeysFile = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysFile, `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await freeLoopbackPort();
  writeFileSync(configFile, sshdConfig({ port, hostKey, authorizedKeysFile, environment }), { mode: 0o600 });
  await run(sshd, ['-t', '-f', configFile]);
  const started = Date.now();
  // -D: stay in the foreground (the spawned process is sshd itself); -e: log to the log file.
  const pid = await startService({
    name: 'sshd',
    command: sshd,
    args: ['-D', '-e', '-f', configFile],
    logFile: join(dir, 'sshd.log'),
    pidFile: service.pidFile,
    isReady: () => greetsWithBanner(port),
  });
  const startMs = Date.now() - started;
  log(`sshd: pid ${pid} on 127.0.0.1:${port} after ${startMs} ms`);
  const publicHostKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    pid,
    startMs,
    knownHostsLine: `[127.0.0.1]:${port} ${publicHostKey}`,
    logFile: join(dir, 'sshd.log'),
  };
}

/** Stops sshd by its pid file (its per-connection children exit with their connections). */
export function sshdDown() {
  return stopService(service);
}
