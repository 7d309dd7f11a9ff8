// docker.exec.run(): runs a command in a running container and returns its output and exit code.
import type { Readable, Writable } from 'node:stream';
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { DockerResponseError, DockerUsageError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { toEnvList } from '../helpers/environment.js';
import { callOperation, type OperationContext } from '../request/operation-call.js';
import { type ExecExit, startExec, waitForExecExit } from './exec-start.js';
import { drainedOrClosed } from '../streams/drained-or-closed.js';

export type ExecInput = string | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

type ExecCreateBody<V extends ApiVersion> = NonNullable<OperationParamsOf<'ContainerExec', V> extends { body?: infer B } ? B : never>;

/** The exec's configuration fields the helper sets itself, from its friendlier options below. */
type SetByRun = 'Cmd' | 'AttachStdin' | 'AttachStdout' | 'AttachStderr' | 'Tty' | 'Env' | 'WorkingDir' | 'User';

/**
 * The fields of ContainerExec's body at API version V that the helper leaves to the caller
 * (`Privileged`, `DetachKeys`, from 1.42 `ConsoleSize`, …), and the helper's own options.
 */
export type ExecRunOptions<E extends 'utf8' | 'buffer' = 'utf8', V extends ApiVersion = NewestApiVersion> = Omit<ExecCreateBody<V>, SetByRun> &
  ExecRunHelperOptions<E>;

interface ExecRunHelperOptions<E extends 'utf8' | 'buffer'> {
  /** Extra environment, as `{ NAME: value }` or `['NAME=value']`. */
  env?: Record<string, string | number | boolean | undefined> | readonly string[];
  /** Working directory inside the container. */
  workdir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string;
  /** Run under a TTY: stdout and stderr arrive merged in `stdout`. */
  tty?: boolean;
  /** Fed to the process's stdin, then stdin is closed so the process reads EOF. Not with `tty` (DockerUsageError): a TTY passes no EOF on. */
  stdin?: ExecInput;
  /** `utf8` (default) returns strings, `buffer` returns Buffers. */
  encoding?: E;
  /** Most bytes of output (stdout and stderr together) to hold; more fails the call. Default 64 MiB. */
  maxBuffer?: number;
  signal?: AbortSignal;
}

export interface ExecResult<T extends string | Buffer = string> {
  stdout: T;
  stderr: T;
  exitCode: number;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

export async function runExec<E extends 'utf8' | 'buffer' = 'utf8'>(
  context: OperationContext,
  containerId: string,
  cmd: readonly string[],
  options: ExecRunOptions<E, ApiVersion> = {},
): Promise<ExecResult<E extends 'buffer' ? Buffer : string>> {
  checkCommand(cmd);
  if (options.tty === true && options.stdin !== undefined) {
    // Under a TTY the engine never passes the end of stdin on: the process would wait for EOF forever.
    throw new DockerUsageError(
      'exec.run cannot feed stdin under a TTY: the engine does not pass the end of the input to the process, which would never end; run without tty, or use execStart() and write the terminal end-of-file character (ctrl-D, "\\x04") yourself',
      { operation: 'ContainerExec' },
    );
  }
  const { signal } = options;
  const execId = await createExec(context, containerId, cmd, options);
  const stream = startExec(context, execId, { tty: options.tty === true, signal });
  const budget = { left: options.maxBuffer ?? DEFAULT_MAX_BUFFER };
  let inputError: unknown;
  const feeding =
    options.stdin === undefined
      ? Promise.resolve()
      : feedStdin(options.stdin, stream.stdin).catch((error: unknown) => {
          inputError = error;
          stream.close();
        });
  const collect = (from: Readable) => collectOutput(from, budget, () => stream.close());
  const [stdout, stderr] = await Promise.all([collect(stream.stdout), collect(stream.stderr), stream.done, feeding]);
  if (inputError !== undefined) throw inputError;
  if (budget.left < 0)
    throw new DockerUsageError(`exec output exceeded maxBuffer (${options.maxBuffer ?? DEFAULT_MAX_BUFFER} bytes); use execStart() to stream it`, {
      operation: 'ExecStart',
    });
  const exit = await waitForExecExit(context, execId, signal);
  const [out, err] = isInBandStartError(exit, stdout, stderr) ? [Buffer.alloc(0), stdout] : [stdout, stderr];
  const encode = (bytes: Buffer) => (options.encoding === 'buffer' ? bytes : bytes.toString('utf8'));
  return { stdout: encode(out), stderr: encode(err), exitCode: exit.exitCode } as ExecResult<E extends 'buffer' ? Buffer : string>;
}

const START_FAILURE_EXIT_CODES = new Set([126, 127]);

/**
 * Docker, when it cannot start the process, writes its reason into stdout as one line ending in
 * "\r\n", exits 126 or 127, and leaves the Pid at 0. Every sign must be there: Podman zeroes the
 * Pid of every ended exec (and writes its own start failures to stderr), so a process of its that
 * printed to stdout and exited 127 must keep its stdout.
 */
function isInBandStartError(exit: ExecExit, stdout: Buffer, stderr: Buffer): boolean {
  if (exit.pid !== 0 || !START_FAILURE_EXIT_CODES.has(exit.exitCode) || stderr.length > 0) return false;
  const text = stdout.toString('utf8');
  return text.endsWith('\r\n') && text.indexOf('\n') === text.length - 1;
}

function checkCommand(cmd: readonly string[]): void {
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((part) => typeof part !== 'string')) {
    throw new DockerUsageError('exec.run needs the command as a non-empty array of strings, e.g. ["sh", "-c", "echo hi"]', { operation: 'ContainerExec' });
  }
}

async function createExec(
  context: OperationContext,
  containerId: string,
  cmd: readonly string[],
  options: ExecRunOptions<'utf8' | 'buffer', ApiVersion>,
): Promise<string> {
  if (typeof containerId !== 'string' || !containerId) throw new DockerUsageError('exec.run needs a container ID or name', { operation: 'ContainerExec' });
  const { env: envOption, workdir, user, tty, stdin, encoding, maxBuffer, signal, ...fields } = options;
  const env = isList(envOption) ? envOption : toEnvList(envOption ?? {});
  const body = {
    ...fields,
    Cmd: cmd,
    AttachStdin: stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty === true,
    ...(env.length ? { Env: env } : {}),
    ...(workdir !== undefined ? { WorkingDir: workdir } : {}),
    ...(user !== undefined ? { User: user } : {}),
  };
  const created = (await callOperation(context, 'ContainerExec', { id: containerId, body }, { signal })) as { Id?: string };
  if (!created?.Id) throw new DockerResponseError(`the engine answered ContainerExec without the new exec's ID`, { operation: 'ContainerExec' });
  return created.Id;
}

function isList(env: ExecRunHelperOptions<'utf8'>['env']): env is readonly string[] {
  return Array.isArray(env);
}

/** Writes the input with backpressure, then half-closes; stops quietly if the process has gone. */
async function feedStdin(input: ExecInput, stdin: Writable): Promise<void> {
  const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  for await (const chunk of chunks) {
    if (stdin.destroyed) return;
    if (!stdin.write(chunk)) await drainedOrClosed(stdin);
  }
  stdin.end();
}

async function collectOutput(from: Readable, budget: { left: number }, overflow: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of from as AsyncIterable<Buffer>) {
    budget.left -= chunk.length;
    if (budget.left < 0) {
      overflow();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
