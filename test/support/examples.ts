// The README's examples as a user runs them, shared by the engine tests (from src/ with tsx) and
// the package tests (from the installed tarball on each runtime): a child process whose stdout and
// stderr are collected together, and what each example's output must show.
import { spawn } from 'node:child_process';
import { expect } from 'vitest';

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a program to its end, collecting stdout and stderr together. */
export function runCollecting(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** examples/quickstart.ts ran against an engine of `apiVersion` and printed every step. */
export function expectQuickstartOutput({ code, output }: RunResult, apiVersion: string): void {
  expect(output).toContain(`(API ${apiVersion}), talking at API ${apiVersion}`);
  expect(output).toMatch(/exited with status 7\n/);
  expect(output).toMatch(/ {2}stdout: hello from [0-9a-f]{12}\n/);
  expect(output).toMatch(/removed \(inspect now answers 404: /);
  expect(output).toMatch(/loading \[#{30}\] 100% of \d+\.\d MB/);
  expect(output).toMatch(/loaded quickstart-progress:\d+/);
  expect(code).toBe(0);
}

/** examples/streams.ts went through events, attach with stdin, exec, archives, followed logs and builds. */
export function expectStreamsOutput({ code, output }: RunResult): void {
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
}
