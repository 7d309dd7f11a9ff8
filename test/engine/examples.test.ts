// The examples the README points to, run as a user runs them (a fresh Node process with tsx and
// DOCKER_HOST) against each real engine: they must finish and print what they promise.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { engines } from './support/targets.js';

function runExample(path: string, socket: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.each(engines())('the examples on $name $version', (engine) => {
  it('quickstart: runs a container to its exit code, reads its logs, loads an image with a progress bar', async () => {
    const { code, output } = await runExample('examples/quickstart.ts', engine.socket);
    expect(output).toContain(`(API ${engine.apiVersion}), talking at API ${engine.apiVersion}`);
    expect(output).toMatch(/exited with status 7\n/);
    expect(output).toMatch(/ {2}stdout: hello from [0-9a-f]{12}\n/);
    expect(output).toMatch(/loading \[#{30}\] 100% of \d+\.\d MB/);
    expect(output).toMatch(/loaded quickstart-progress:\d+/);
    expect(code).toBe(0);
  });

  it('streams: events, attach with stdin, exec, archives, followed logs and builds', async () => {
    const { code, output } = await runExample('examples/streams.ts', engine.socket);
    expect(output).toContain('attach stdout: got: one\n');
    expect(output).toContain('got: two\n');
    expect(output).toContain('attach stderr: stdin closed\n');
    expect(output).toContain('exec: Linux, exit code 3\n');
    expect(output).toContain('copied in: hello from the host\n');
    expect(output).toContain('stat: greeting.txt, 20 bytes, mode 644\n');
    expect(output).toMatch(/log stdout: \S+Z got: one\n/);
    expect(output).toMatch(/log stderr: \S+Z stdin closed\n/);
    expect(output).toMatch(/events: create, attach, start, (exec_\w+.*, )*die, destroy\n/);
    expect(output).toMatch(/build: 20 \/greeting\.txt\n/);
    expect(output).toMatch(/built sha256:[0-9a-f]{64}\n/);
    expect(output).toMatch(/a failing build rejects: .*returned a non-zero code: 5/);
    expect(code).toBe(0);
  });
});
