// The Docker CLI as a differential oracle: the same engines, driven by `docker` instead of this
// library. Today's CLI builds with BuildKit through its buildx plugin, which this machine lacks;
// Debian's `docker-buildx` package provides it (downloaded once with a private apt setup, never
// installed system-wide). With DOCKER_BUILDKIT=0 the same CLI uses the classic builder.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const buildxDir = join(repoRoot, '.engines', 'cache', 'buildx');
/** A DOCKER_CONFIG of the tests' own: it holds the buildx plugin and keeps the user's ~/.docker untouched. */
const configDir = join(buildxDir, 'config');
const pluginPath = join(configDir, 'cli-plugins', 'docker-buildx');
const CLI_CANDIDATES = ['/usr/local/bin/docker', '/usr/bin/docker'];

export type Builder = 'buildkit' | 'classic';

export interface DockerCli {
  /** Runs `docker ARGS` against the engine at `socket`; rejects with stderr on failure. */
  run(socket: string, args: string[], builder?: Builder): Promise<string>;
  /** Runs `docker ARGS` and hands over its standard output as a stream. */
  stream(socket: string, args: string[]): { stdout: Readable; exited: Promise<void> };
}

let ready: Promise<DockerCli> | undefined;

export function dockerCli(): Promise<DockerCli> {
  ready ??= prepare();
  return ready;
}

async function prepare(): Promise<DockerCli> {
  const cli = CLI_CANDIDATES.find((path) => existsSync(path));
  if (!cli) throw new Error(`no Docker CLI found (looked for ${CLI_CANDIDATES.join(', ')})`);
  await ensureBuildxPlugin();
  const env = (socket: string, builder: Builder = 'buildkit') => ({
    ...process.env,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: configDir,
    DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0',
    BUILDX_NO_DEFAULT_ATTESTATIONS: '1',
  });
  return {
    async run(socket, args, builder) {
      try {
        const { stdout } = await run(cli, args, { env: env(socket, builder), maxBuffer: 64 * 1024 * 1024 });
        return stdout;
      } catch (error) {
        const failure = error as { stderr?: string; message: string };
        throw new Error(`docker ${args.join(' ')} failed: ${failure.stderr?.trim() || failure.message}`);
      }
    },
    stream(socket, args) {
      const child = spawn(cli, args, { env: env(socket), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const exited = new Promise<void>((resolveExit, reject) => {
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolveExit() : reject(new Error(`docker ${args.join(' ')} failed (${code}): ${stderr.trim()}`))));
      });
      return { stdout: child.stdout, exited };
    },
  };
}

async function ensureBuildxPlugin(): Promise<void> {
  if (existsSync(pluginPath)) return;
  const deb = await downloadBuildx();
  const extracted = join(buildxDir, 'root');
  rmSync(extracted, { recursive: true, force: true });
  await run('dpkg-deb', ['-x', deb, extracted]);
  mkdirSync(join(configDir, 'cli-plugins'), { recursive: true });
  copyFileSync(join(extracted, 'usr', 'libexec', 'docker', 'cli-plugins', 'docker-buildx'), pluginPath);
  chmodSync(pluginPath, 0o755);
}

// Debian unstable carries buildx; its binary needs only glibc 2.34, like the newest engine's.
async function downloadBuildx(): Promise<string> {
  const debs = join(buildxDir, 'debs');
  const cached = existsSync(debs) ? readdirSync(debs).find((name) => name.startsWith('docker-buildx_') && name.endsWith('.deb')) : undefined;
  if (cached) return join(debs, cached);
  const apt = join(buildxDir, 'apt');
  for (const dir of [join(apt, 'lists', 'partial'), join(apt, 'cache', 'archives', 'partial'), debs]) mkdirSync(dir, { recursive: true });
  const sources = join(apt, 'sources.list');
  writeFileSync(sources, 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main\n');
  const options = [
    ['Dir::Etc::SourceList', sources],
    ['Dir::Etc::SourceParts', '/dev/null'],
    ['Dir::State::Lists', join(apt, 'lists')],
    ['Dir::Cache', join(apt, 'cache')],
    ['APT::Sandbox::User', 'root'],
  ].flatMap(([key, value]) => ['-o', `${key}=${value}`]);
  await run('apt-get', [...options, 'update'], { maxBuffer: 16 * 1024 * 1024 });
  await run('apt-get', [...options, 'download', 'docker-buildx'], { cwd: debs, maxBuffer: 16 * 1024 * 1024 });
  const file = readdirSync(debs).find((name) => name.startsWith('docker-buildx_') && name.endsWith('.deb'));
  if (!file) throw new Error('apt-get download docker-buildx produced no .deb');
  return join(debs, file);
}
