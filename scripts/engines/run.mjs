import { spawn } from 'node:child_process';

/** Last `count` lines of a text, for error messages that stay readable. */
export function tail(text, count = 25) {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Runs a command to completion and resolves with its stdout.
 * On failure the error names the command and carries its stderr, so a broken step explains itself.
 */
export function run(command, args = [], { cwd, env, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`cannot run \`${command}\`: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0 || allowFailure) return resolve({ code, stdout, stderr });
      const status = signal ? `signal ${signal}` : `exit code ${code}`;
      const output = tail(stderr || stdout) || '(no output)';
      reject(new Error(`command failed (${status}): ${[command, ...args].join(' ')}\n${output}`));
    });
  });
}

/** Resolves with stdout only, for the common case. */
export async function output(command, args, options) {
  return (await run(command, args, options)).stdout;
}
