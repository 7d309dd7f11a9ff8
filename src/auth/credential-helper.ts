// Runs a Docker credential helper (`docker-credential-<name> get|list`) the way the CLI does:
// `get` reads the server URL on stdin and prints {"ServerURL","Username","Secret"}; a username of
// `<token>` means the secret is an identity token. Nothing the helper prints on success ever reaches
// an error message, since it carries the secret.
import { spawn } from 'node:child_process';
import { DockerConfigError, DockerCredentialHelperError } from '../errors.js';
import type { RegistryAuthConfig } from './auth-config.js';

export interface HelperRunOptions {
  /** The environment the helper runs in (PATH finds it); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const TOKEN_USERNAME = '<token>';
// What helpers print when they hold nothing for the server: not an error, just no credentials.
const NOT_FOUND = 'credentials not found in native keychain';
const OUTPUT_LIMIT = 1024 * 1024;
const MESSAGE_LIMIT = 300;

export function helperProgram(name: string, configFile: string): string {
  // The name becomes a program name: nothing that could turn it into a path.
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name))
    throw new DockerConfigError(`credential helper name ${JSON.stringify(name)} is not a plain program suffix`, configFile);
  return `docker-credential-${name}`;
}

/** The helper's credentials for `serverAddress`, or undefined when it has none. */
export async function helperGet(program: string, serverAddress: string, options: HelperRunOptions = {}): Promise<RegistryAuthConfig | undefined> {
  const result = await runHelper(program, 'get', serverAddress, serverAddress, options);
  if (result.code !== 0) {
    if (result.stdout.trim() === NOT_FOUND) return undefined;
    throw failure(program, 'get', result, serverAddress);
  }
  const answer = parseAnswer(result.stdout) as { Username?: unknown; Secret?: unknown } | undefined;
  if (!answer || typeof answer.Secret !== 'string' || (answer.Username !== undefined && typeof answer.Username !== 'string')) {
    throw new DockerCredentialHelperError(
      `${program} get answered with something other than {"Username","Secret"} for ${serverAddress}`,
      program,
      serverAddress,
    );
  }
  if (answer.Username === TOKEN_USERNAME) return { identitytoken: answer.Secret, serveraddress: serverAddress };
  return { ...(answer.Username ? { username: answer.Username } : {}), password: answer.Secret, serveraddress: serverAddress };
}

/** The server addresses the helper holds credentials for. */
export async function helperList(program: string, options: HelperRunOptions = {}): Promise<string[]> {
  const result = await runHelper(program, 'list', '', undefined, options);
  if (result.code !== 0) throw failure(program, 'list', result);
  const answer = parseAnswer(result.stdout);
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new DockerCredentialHelperError(`${program} list answered with something other than a JSON object`, program);
  }
  return Object.keys(answer);
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runHelper(program: string, action: string, input: string, registry: string | undefined, options: HelperRunOptions): Promise<HelperResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], signal });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.stdin.end(input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (signal?.aborted) return reject(signal.reason);
      const why = error.code === 'ENOENT' ? 'is not installed (not found on PATH)' : `cannot be run: ${error.message}`;
      reject(new DockerCredentialHelperError(`credential helper ${program} ${why}`, program, registry, { cause: error }));
    });
    child.on('close', (code, exitSignal) => {
      if (signal?.aborted) return;
      resolve({ code, signal: exitSignal, stdout: stdout(), stderr: stderr() });
    });
  });
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (text.length < OUTPUT_LIMIT) text += chunk;
  });
  return () => text;
}

function failure(program: string, action: string, result: HelperResult, registry?: string): DockerCredentialHelperError {
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const said = helperMessage(result);
  const target = registry ? ` for ${registry}` : '';
  return new DockerCredentialHelperError(`${program} ${action}${target} failed: it ${how}${said ? `: ${said}` : ''}`, program, registry);
}

/** The helper's own explanation, unless it looks like JSON (which could hold a secret). */
function helperMessage(result: HelperResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0]?.trim() ?? '';
  if (!text || text.startsWith('{') || text.startsWith('[')) return '';
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}…` : text;
}
