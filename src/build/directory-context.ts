// A build context made from a local folder, with the file set BuildKit would send: the
// .dockerignore rules applied as BuildKit applies them, `<Dockerfile>.dockerignore` beside the
// Dockerfile used in place of the root .dockerignore, symbolic links kept as links.
//
// The engine's /build endpoint runs the classic builder on the tar it receives; afterwards it
// deletes the Dockerfile and .dockerignore from the context if the root .dockerignore in the tar
// matches them. The tar is arranged so that this leaves exactly the BuildKit file set: the
// Dockerfile is sent under its own name when the engine will keep or delete it as BuildKit would,
// and otherwise (outside the context, excluded inside an excluded folder, ...) under another name
// the engine will delete: one the .dockerignore already matches (deletable-name.ts), or failing
// that a generated one added to the .dockerignore the engine reads, as the Docker CLI does.
//
// BuildKit in the engine, given a tar in the body (no session), filters nothing: the tar is the
// context, .dockerignore or not (measured on 20.10 and 28.5). For it the tar is BuildKit's file
// set as it is; only a Dockerfile outside that set (outside the folder, or excluded) has to come
// along, under a name of its own, and stays in the context: the one file a client without a
// session cannot keep out.
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { DockerignoreError, TarSourceError } from '../errors.js';
import { asSourceError, DirectoryTarStream, type GeneratedEntry } from '../archive/directory-tar.js';
import { ContextFilter } from './context-filter.js';
import { deletableName } from './deletable-name.js';
import { parseDockerignore } from './dockerignore-file.js';
import { IgnoreMatcher } from './ignore-matcher.js';
import { reachesFile } from './session/follow-links.js';

export interface DirectoryContextOptions {
  /**
   * The Dockerfile: a path relative to the context folder, or an absolute path (it may lie
   * outside the context). Default `Dockerfile`, or `dockerfile` when only that exists.
   */
  dockerfile?: string;
  /**
   * The builder the tar is for (default `classic`): the classic builder's engine deletes the
   * Dockerfile and .dockerignore after unpacking as its .dockerignore says, BuildKit's does not.
   */
  builder?: 'buildkit' | 'classic';
  signal?: AbortSignal;
}

export interface DirectoryContext {
  /** The context as a tar stream, produced as it is read. */
  tar: Readable;
  /** The value for /build's `dockerfile` parameter: where the Dockerfile is inside the tar. */
  dockerfile: string;
  /** The ignore file whose rules were applied, if any. */
  ignoreFile?: string;
}

const ROOT_IGNORE = '.dockerignore';

export async function directoryContext(folder: string, options: DirectoryContextOptions = {}): Promise<DirectoryContext> {
  const root = await contextRoot(folder);
  const dockerfile = await locateDockerfile(folder, root, options.dockerfile);
  const ignore = await effectiveIgnoreFile(root, dockerfile.givenPath);
  const filter = new ContextFilter(matcherFor(ignore));
  if (options.builder === 'buildkit') return buildKitContext(root, filter, dockerfile, ignore?.path, options.signal);

  const rootIgnore = filter.keeps(ROOT_IGNORE).kept ? await readOptional(`${root}/${ROOT_IGNORE}`) : undefined;
  const enginePatterns = engineIgnorePatterns(rootIgnore?.content);
  const engineDeletes = engineDeletions(enginePatterns);
  const placement = dockerfilePlacement(filter, engineDeletes, dockerfile.inContext);

  if (placement.ownName) {
    const keep = placement.keepExcluded ? new Set([dockerfile.inContext!]) : undefined;
    return {
      tar: new DirectoryTarStream(root, { filter, keep, signal: options.signal }),
      dockerfile: dockerfile.inContext!,
      ignoreFile: ignore?.path,
    };
  }
  const taken = (candidate: string) => isSent(root, filter, candidate);
  const { generated, name } = await underAnotherName(dockerfile.realPath, rootIgnore, enginePatterns, engineDeletes, taken);
  return {
    tar: new DirectoryTarStream(root, { filter, generated, omit: new Set(generated.map((entry) => entry.name)), signal: options.signal }),
    dockerfile: name,
    ignoreFile: ignore?.path,
  };
}

/** A folder context as BuildKit reads it over the session: the folders it may ask for, by name. */
export interface SessionContext {
  folders: { context: string; dockerfile: string };
  /** The Dockerfile's name in its folder, for /build's `dockerfile` parameter. */
  dockerfile: string;
  /** The same for every build of this folder on this machine, so the engine can send only changes. */
  sharedKey: string;
}

/**
 * For a build that takes its context over the session, as the Docker CLI's BuildKit client does:
 * the engine's frontend reads the .dockerignore itself and asks for what it leaves.
 */
export async function sessionContext(folder: string, dockerfileOption?: string): Promise<SessionContext> {
  const root = await contextRoot(folder);
  const { givenPath, realPath } = await locateDockerfile(folder, root, dockerfileOption);
  // The engine reads the Dockerfile, and `<name>.dockerignore` beside it, under the name it is
  // given, following links inside its folder as the Docker CLI's client lets it. A link that
  // leads out of the folder would reach the engine as the link alone (the CLI fails there): such
  // a Dockerfile is served from where the link leads, under the name it has there.
  const served = reachesFile(dirname(givenPath), basename(givenPath)) ? givenPath : realPath;
  return {
    folders: { context: root, dockerfile: dirname(served) },
    dockerfile: basename(served),
    sharedKey: createHash('sha256').update(`${hostname()}\0${root}`).digest('hex'),
  };
}

async function buildKitContext(
  root: string,
  filter: ContextFilter,
  dockerfile: DockerfileLocation,
  ignoreFile: string | undefined,
  signal: AbortSignal | undefined,
): Promise<DirectoryContext> {
  if (dockerfile.inContext !== undefined && filter.keeps(dockerfile.inContext).kept) {
    return { tar: new DirectoryTarStream(root, { filter, signal }), dockerfile: dockerfile.inContext, ignoreFile };
  }
  // Named after its content, not at random: a name that changed with every build would change
  // the context, and so miss the cache of every `COPY .`.
  const content = await readFile(dockerfile.realPath);
  const digest = createHash('sha256').update(content).digest('hex');
  let name = `.dockerfile.${digest.slice(0, 20)}`;
  for (let length = 21; length <= digest.length && isSent(root, filter, name); length++) name = `.dockerfile.${digest.slice(0, length)}`;
  return { tar: new DirectoryTarStream(root, { filter, generated: [{ name, content }], omit: new Set([name]), signal }), dockerfile: name, ignoreFile };
}

// The Dockerfile as a generated top-level entry the engine will delete: under a name the sent
// .dockerignore already matches, or under a random one that a line added to it names.
async function underAnotherName(
  dockerfilePath: string,
  rootIgnore: IgnoreFile | undefined,
  enginePatterns: string[],
  engineDeletes: (path: string) => boolean,
  taken: (name: string) => boolean,
): Promise<{ generated: GeneratedEntry[]; name: string }> {
  const content = await readFile(dockerfilePath);
  const name = deletableName(enginePatterns, engineDeletes, taken);
  if (name) return { generated: [{ name, content }], name };
  const generatedName = `.dockerfile.${randomBytes(10).toString('hex')}`;
  const ignoreText = Buffer.concat([rootIgnore?.content ?? Buffer.from(ROOT_IGNORE), Buffer.from(`\n${generatedName}\n`)]);
  const ignoreEntry: GeneratedEntry = { name: ROOT_IGNORE, content: ignoreText, mode: rootIgnore?.mode, mtime: rootIgnore?.mtime };
  return { generated: [ignoreEntry, { name: generatedName, content }], name: generatedName };
}

// Whether the tar holds a top-level entry of that name, or may hold something under it (an
// excluded folder still entered for its exceptions): a generated file cannot take such a name.
function isSent(root: string, filter: ContextFilter, name: string): boolean {
  const stats = lstatSync(`${root}/${name}`, { throwIfNoEntry: false });
  if (!stats) return false;
  return filter.keeps(name).kept || (stats.isDirectory() && filter.entersExcludedFolder(name));
}

async function contextRoot(folder: string): Promise<string> {
  try {
    const root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) throw new TarSourceError(`the build context ${folder} is not a folder`, folder, 'ENOTDIR');
    return root;
  } catch (error) {
    throw asSourceError(error, folder);
  }
}

interface DockerfileLocation {
  /** The path as the caller gave it, made absolute (its `.dockerignore` sibling is looked up beside it). */
  givenPath: string;
  /** With symbolic links resolved. */
  realPath: string;
  /** Slash path inside the context, when the (resolved) Dockerfile is a regular file inside it. */
  inContext?: string;
}

async function locateDockerfile(folder: string, root: string, given: string | undefined): Promise<DockerfileLocation> {
  const candidates = given === undefined ? ['Dockerfile', 'dockerfile'] : [given];
  for (const candidate of candidates) {
    const givenPath = isAbsolute(candidate) ? candidate : resolve(folder, candidate);
    let realPath: string;
    try {
      realPath = await realpath(givenPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw asSourceError(error, givenPath);
    }
    const relativePath = relative(root, realPath);
    const inside = relativePath !== '' && !relativePath.startsWith(`..${sep}`) && relativePath !== '..' && !isAbsolute(relativePath);
    const isFile = (await stat(realPath)).isFile();
    if (!isFile) throw new TarSourceError(`the Dockerfile ${givenPath} is not a file`, givenPath, 'EISDIR');
    return { givenPath, realPath, inContext: inside ? relativePath.split(sep).join('/') : undefined };
  }
  const shown = given ?? `${folder}/Dockerfile`;
  throw new TarSourceError(`cannot find the Dockerfile ${shown}`, shown, 'ENOENT');
}

interface IgnoreFile {
  path: string;
  content: Buffer;
  mode: number;
  mtime: number;
}

// BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile, even an empty one.
async function effectiveIgnoreFile(root: string, dockerfilePath: string): Promise<IgnoreFile | undefined> {
  return (await readOptional(`${dockerfilePath}.dockerignore`)) ?? (await readOptional(`${root}/${ROOT_IGNORE}`));
}

async function readOptional(path: string): Promise<IgnoreFile | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    return { path, content: await readFile(path), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000) };
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw asSourceError(error, path);
  }
}

function matcherFor(ignore: IgnoreFile | undefined): IgnoreMatcher {
  if (!ignore) return new IgnoreMatcher([]);
  try {
    return new IgnoreMatcher(parseDockerignore(ignore.content));
  } catch (error) {
    if (error instanceof DockerignoreError) throw new DockerignoreError(`${ignore.path}: ${error.message}`, error.pattern);
    throw error;
  }
}

// The patterns of the .dockerignore the engine finds in the tar; none when it cannot read them
// (the engine then deletes nothing).
function engineIgnorePatterns(sentIgnore: Buffer | undefined): string[] {
  if (!sentIgnore) return [];
  try {
    const patterns = parseDockerignore(sentIgnore);
    new IgnoreMatcher(patterns);
    return patterns;
  } catch {
    return [];
  }
}

// What the engine deletes after unpacking: the paths its reading of that .dockerignore matches.
function engineDeletions(patterns: string[]): (path: string) => boolean {
  const matcher = new IgnoreMatcher(patterns);
  return (path) => {
    try {
      return matcher.matchesOrParentMatches(path);
    } catch {
      return false;
    }
  };
}

interface Placement {
  /** Send the Dockerfile under its own name. */
  ownName: boolean;
  /** It is excluded, but must be in the tar for the engine (which then deletes it). */
  keepExcluded: boolean;
}

function dockerfilePlacement(filter: ContextFilter, engineDeletes: (path: string) => boolean, inContext: string | undefined): Placement {
  if (inContext === undefined) return { ownName: false, keepExcluded: false };
  const { kept, foldersKept } = filter.keeps(inContext);
  if (kept) return { ownName: !engineDeletes(inContext), keepExcluded: false };
  // Excluded: sending it under its own name is right only if the engine deletes it and no
  // excluded folder would be created just to hold it.
  const ownName = engineDeletes(inContext) && foldersKept;
  return { ownName, keepExcluded: ownName };
}
