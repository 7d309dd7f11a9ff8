// How BuildKit (fsutil) applies .dockerignore patterns while walking a build context. An excluded
// folder is skipped unread only when no `!` exception could re-include something inside it: when
// every exception is a plain path (no `* ? [ ] ^ \` once a trailing `/**` or `/*` is set aside),
// a folder is entered only if an exception lies below it; as soon as one exception has a
// wildcard, every excluded folder is entered and its entries are matched one by one. (Docker's
// classic builder never enters a folder for a wildcard exception; BuildKit does, and so does this.)
import type { IgnoreMatcher, ParentMatches } from './ignore-matcher.js';

const WILDCARDS = /[*[\]?^\\]/;

export class ContextFilter {
  readonly #matcher: IgnoreMatcher;
  readonly #exceptionPrefixes: readonly string[];
  readonly #everyExcludedFolderIsEntered: boolean;

  constructor(matcher: IgnoreMatcher) {
    this.#matcher = matcher;
    const exceptions = matcher.patterns.filter((pattern) => pattern.exclusion).map((pattern) => withoutTrailingGlob(pattern.text));
    this.#everyExcludedFolderIsEntered = exceptions.some((text) => WILDCARDS.test(text));
    this.#exceptionPrefixes = exceptions.map((text) => `${text}/`);
  }

  /** Whether the entry at `path` is excluded; see IgnoreMatcher.matches for `parent` and `results`. */
  excluded(path: string, parent: ParentMatches | undefined, results?: boolean[]): boolean {
    return this.#matcher.matches(path, parent, results);
  }

  /** Whether an excluded folder must still be walked because an exception may match inside it. */
  entersExcludedFolder(path: string): boolean {
    if (this.#everyExcludedFolderIsEntered) return true;
    const folder = `${path}/`;
    return this.#exceptionPrefixes.some((prefix) => prefix.startsWith(folder));
  }

  /**
   * Whether a walk of the context would send `path` (a slash path inside it), matching its
   * folders on the way down as the walk does; `foldersKept` tells whether none of them is excluded.
   */
  keeps(path: string): { kept: boolean; foldersKept: boolean } {
    const parts = path.split('/');
    let parent: ParentMatches | undefined;
    let foldersKept = true;
    for (let depth = 1; ; depth++) {
      const prefix = parts.slice(0, depth).join('/');
      const results: boolean[] = [];
      const excluded = this.excluded(prefix, parent, results);
      if (depth === parts.length) return { kept: !excluded, foldersKept };
      if (excluded) {
        foldersKept = false;
        if (!this.entersExcludedFolder(prefix)) return { kept: false, foldersKept };
      }
      parent = results;
    }
  }
}

function withoutTrailingGlob(text: string): string {
  let trimmed = text.endsWith('/**') ? text.slice(0, -3) : text;
  trimmed = trimmed.endsWith('/*') ? trimmed.slice(0, -2) : trimmed;
  return trimmed;
}
