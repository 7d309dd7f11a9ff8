// A list of .dockerignore patterns applied in order, the last matching one deciding (Docker's
// moby/patternmatcher). A pattern that matches a folder also matches everything inside it, and
// while walking a tree each folder's per-pattern results are handed to its children so parents
// are not matched again.
import { cleanPath, goTrimSpace } from '../protocols/go-text.js';
import { isValidGlob } from '../protocols/go-glob-syntax.js';
import { DockerignoreError } from '../errors.js';
import { IgnorePattern } from './ignore-pattern.js';

/** Which patterns matched a folder (or one of its parents); handed down to its entries. */
export type ParentMatches = readonly boolean[];

export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** True when some pattern starts with `!`. */
  readonly hasExclusions: boolean;

  /** Builds the matcher the way patternmatcher.New does; throws DockerignoreError for a malformed pattern. */
  constructor(lines: readonly string[]) {
    const patterns: IgnorePattern[] = [];
    for (const line of lines) {
      const trimmed = goTrimSpace(line);
      if (trimmed === '') continue;
      let text = cleanPath(trimmed);
      const exclusion = text.startsWith('!');
      if (exclusion) {
        if (text.length === 1) throw new DockerignoreError('illegal exclusion pattern in .dockerignore: "!"', line);
        text = text.slice(1);
      }
      if (!isValidGlob(text)) throw new DockerignoreError(`syntax error in .dockerignore pattern ${JSON.stringify(line)}`, line);
      patterns.push(new IgnorePattern(text, exclusion));
    }
    this.patterns = patterns;
    this.hasExclusions = patterns.some((pattern) => pattern.exclusion);
  }

  /**
   * Whether `path` (slash-separated, relative, clean) is excluded, given its folder's results
   * (undefined at the top, or when they are unknown: then the parents are matched here). When
   * `results` is given it receives this path's per-pattern results, for the path's own entries.
   */
  matches(path: string, parent: ParentMatches | undefined, results?: boolean[]): boolean {
    let excluded = false;
    const patterns = this.patterns;
    for (let index = 0; index < patterns.length; index++) {
      const pattern = patterns[index]!;
      let match = parent !== undefined && parent[index] === true;
      // A pattern only matters if it can change the verdict: an exclusion while excluded, an inclusion while not.
      if (!match && pattern.exclusion === excluded) {
        match = pattern.matches(path) || (parent === undefined && matchesAParent(pattern, path));
      }
      if (results) results[index] = match;
      if (match) excluded = !pattern.exclusion;
    }
    return excluded;
  }

  /** Matches a path on its own, checking its parent folders too (patternmatcher's MatchesOrParentMatches). */
  matchesOrParentMatches(path: string): boolean {
    let excluded = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== excluded) continue;
      if (pattern.matches(path) || matchesAParent(pattern, path)) excluded = !pattern.exclusion;
    }
    return excluded;
  }
}

function matchesAParent(pattern: IgnorePattern, path: string): boolean {
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    if (pattern.matches(path.slice(0, slash))) return true;
  }
  return false;
}
