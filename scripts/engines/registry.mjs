import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPortOpen } from './free-port.mjs';
import { log } from './log.mjs';
import { stateDir } from './paths.mjs';
import { run } from './run.mjs';
import { startService, stopService } from './service.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

// Debian's docker-registry (distribution 2.8) run privately on 127.0.0.1:5000 with htpasswd (bcrypt)
// auth, its storage and config under .engines/registry. The engines treat 127.0.0.0/8 as an insecure
// registry by default, so they push and pull over plain HTTP. Stopped by its pid.

const dir = join(stateDir, 'registry');
const configFile = join(dir, 'config.yml');
const service = { pidFile: join(dir, 'registry.pid'), marker: configFile };
const registryBinary = '/usr/bin/docker-registry';
export const registryPort = 5000;

/** A bcrypt htpasswd line per user; the password goes to htpasswd on stdin, never on a command line. */
async function htpasswdLines(users) {
  const lines = [];
  for (const [name, password] of Object.entries(users)) {
    lines.push((await htpasswd(name, password)).trim());
  }
  return `${lines.join('\n')}\n`;
}

function htpasswd(name, password) {
  return new Promise((resolve, reject) => {
    const child = spawn('htpasswd', ['-niB', name], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`htpasswd failed for ${name}: ${stderr}`))));
    child.stdin.end(password);
  });
}

function registryConfig(storageDir, htpasswdFile) {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${registryPort}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    'auth:',
    '  htpasswd:',
    '    realm: test-registry',
    `    path: ${htpasswdFile}`,
    '',
  ].join('\n');
}

/** GET /v2/ answers 401 with a WWW-Authenticate challenge once the registry serves with auth. */
async function answersWithChallenge() {
  try {
    const response = await fetch(`http://127.0.0.1:${registryPort}/v2/`);
    return response.status === 401 && (response.headers.get('www-authenticate') ?? '').startsWith('Basic');
  } catch {
    return false;
  }
}

/**
 * Starts the registry with these users (name → password), with empty storage. A registry left
 * from an earlier run is stopped first; a foreign process on port 5000 is an error.
 */
export async function registryUp({ users }) {
  await ensureSystemPackages(['docker-registry', 'apache2-utils']);
  await stopService(service);
  if (await isPortOpen(registryPort)) throw new Error(`registry: something else listens on 127.0.0.1:${registryPort}`);
  rmSync(dir, { recursive: true, force: true });
  const storageDir = join(dir, 'storage');
  mkdirSync(storageDir, { recursive: true });
  const htpasswdFile = join(dir, 'htpasswd');
  writeFileSync(htpasswdFile, await htpasswdLines(users), { mode: 0o600 });
  writeFileSync(configFile, registryConfig(storageDir, htpasswdFile));
  const started = Date.now();
  const pid = await startService({
    name: 'registry',
    command: registryBinary,
    args: ['serve', configFile],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir },
    logFile: join(dir, 'registry.log'),
    pidFile: service.pidFile,
    isReady: answersWithChallenge,
  });
  const startMs = Date.now() - started;
  // `docker-registry --version` prints its own path first.
  const version = (await run(registryBinary, ['--version'])).stdout.trim().replace(/^\S+\s+/, '');
  log(`registry: ${version} pid ${pid} on 127.0.0.1:${registryPort} after ${startMs} ms`);
  return { address: `127.0.0.1:${registryPort}`, pid, startMs, version, logFile: join(dir, 'registry.log') };
}

/** Stops the registry by its pid file; true if it was running. */
export function registryDown() {
  return stopService(service);
}
