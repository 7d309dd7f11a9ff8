// The runtimes a user may load the package in, each fetched from the npm registry with npx (as CI on
// a fresh machine does) and then called by the path of its binary, so a test pays npx only once.
// Node 20.19.0 is the oldest version package.json's `engines` admits; Node 20 cannot run TypeScript,
// so it runs the programs as esbuild compiles them, the others run the .ts files themselves.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { type RunResult, runCollecting } from '../../support/examples.js';

export interface RuntimeSpec {
  name: string;
  /** What npx installs and runs. */
  npx: string;
  /** Code that prints the binary's path, run as `npx -y SPEC ...printPath`. */
  printPath: string[];
  /** Arguments before the program's path. */
  runArgs: string[];
  runsTypeScript: boolean;
}

export interface Runtime extends RuntimeSpec {
  binary: string;
  version: string;
}

export const runtimeSpecs: RuntimeSpec[] = [
  { name: 'node 20.19', npx: 'node@20.19.0', printPath: ['-p', 'process.execPath'], runArgs: [], runsTypeScript: false },
  { name: 'node 22', npx: 'node@22', printPath: ['-p', 'process.execPath'], runArgs: [], runsTypeScript: true },
  { name: 'node 24', npx: 'node@24', printPath: ['-p', 'process.execPath'], runArgs: [], runsTypeScript: true },
  { name: 'bun 1', npx: 'bun@1', printPath: ['-e', 'console.log(process.execPath)'], runArgs: ['run'], runsTypeScript: true },
  // -A: the programs read files, spawn ssh and reach sockets; a user's Deno asks for each of these.
  { name: 'deno 2', npx: 'deno@2', printPath: ['eval', 'console.log(Deno.execPath())'], runArgs: ['run', '-A'], runsTypeScript: true },
];

/** Installs the runtime through npx (cached after the first time) and finds its binary and version. */
export function resolveRuntime(spec: RuntimeSpec): Runtime {
  const binary = execFileSync('npx', ['-y', spec.npx, ...spec.printPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1)!;
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0]!;
  return { ...spec, binary, version };
}

/** The file this runtime runs for a TypeScript program: the program itself, or its compiled .mjs beside it. */
export function runnableFile(runtime: Runtime, program: string): string {
  if (runtime.runsTypeScript || !program.endsWith('.ts')) return program;
  const compiled = program.replace(/\.ts$/, '.mjs');
  writeFileSync(compiled, transformSync(readFileSync(program, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' }).code);
  return compiled;
}

/** Runs a program of the project with the runtime, collecting stdout and stderr together. */
export function runProgram(runtime: Runtime, project: string, program: string, env: Record<string, string> = {}): Promise<RunResult> {
  return runCollecting(runtime.binary, [...runtime.runArgs, runnableFile(runtime, program)], { cwd: project, env: { ...process.env, ...env } });
}
