import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, isOwnedProcess, readPidFile, terminate } from './processes.mjs';
import { tail } from './run.mjs';

/**
 * Starts a long-running helper service (registry, sshd) in its own session, so it outlives this
 * process, with its output in `logFile` and its pid in `pidFile`. `marker` is a path unique to
 * this service that appears on its command line: it is how a later stop recognises the process.
 * Resolves once `isReady()` is true; fails early (with the log's tail) if the process exits.
 */
export async function startService({ name, command, args, env, logFile, pidFile, isReady, timeoutMs = 30_000 }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');
  const child = spawn(command, args, { detached: true, env: env ?? process.env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const spawnError = new Promise((_, reject) => child.once('error', (error) => reject(new Error(`${name}: cannot run ${command}: ${error.message}`))));
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  const deadline = Date.now() + timeoutMs;
  const ready = (async () => {
    while (!(await isReady())) {
      const problem = !isAlive(child.pid) ? 'exited' : Date.now() > deadline ? `not ready after ${timeoutMs} ms` : '';
      if (problem) throw new Error(`${name}: ${command} ${problem} (log ${logFile}):\n${logTail(logFile)}`);
      await sleep(100);
    }
  })();
  await Promise.race([ready, spawnError]);
  return child.pid;
}

/** Stops the service whose pid is in `pidFile`, only if that process still carries `marker`. */
export async function stopService({ pidFile, marker, graceMs = 5_000 }) {
  const pid = readPidFile(pidFile);
  const owned = isOwnedProcess(pid, marker);
  if (owned) await terminate(pid, graceMs);
  rmSync(pidFile, { force: true });
  return owned;
}

/** The pid of the service if it runs (and is the one `marker` names). */
export function runningServicePid({ pidFile, marker }) {
  const pid = readPidFile(pidFile);
  return isOwnedProcess(pid, marker) ? pid : undefined;
}

function logTail(file) {
  try {
    return tail(readFileSync(file, 'utf8'), 30);
  } catch {
    return '(no log)';
  }
}
