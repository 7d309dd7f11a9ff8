// One .dockerignore pattern, matched the way Docker's pattern matcher (moby/patternmatcher) does:
// plain patterns compare whole paths, `dir/**` compares a prefix, `**/name` a suffix, and every
// other pattern becomes an anchored regular expression in which `*` and `?` stop at `/`, `**`
// crosses folders, and the regexp characters `.+()|{}$` are literal. The regexp is built on first
// use, as Docker does, so a pattern Go's regexp compiler rejects fails when first consulted.
import { DockerignoreError } from '../errors.js';
import { compileGoRegexp, GoRegexpError } from '../protocols/go-regexp.js';

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

const REGEXP_LITERALS = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

export class IgnorePattern {
  /** The cleaned pattern without its leading `!`. */
  readonly text: string;
  /** True for `!` patterns, which re-include what earlier patterns excluded. */
  readonly exclusion: boolean;
  #kind?: MatchKind;
  #regexp?: RegExp;

  constructor(text: string, exclusion: boolean) {
    this.text = text;
    this.exclusion = exclusion;
  }

  matches(path: string): boolean {
    if (this.#kind === undefined) this.#compile();
    switch (this.#kind) {
      case 'exact':
        return path === this.text;
      case 'prefix':
        return path.startsWith(this.text.slice(0, -2));
      case 'suffix': {
        const suffix = this.text.slice(2);
        // `**/name` also matches `name` at the top.
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      default:
        return this.#regexp!.test(path);
    }
  }

  #compile(): void {
    const { source, kind } = goRegexpSource(this.text);
    this.#kind = kind;
    if (kind !== 'regexp') return;
    try {
      this.#regexp = compileGoRegexp(source);
    } catch (error) {
      if (!(error instanceof GoRegexpError)) throw error;
      throw new DockerignoreError(`syntax error in .dockerignore pattern ${JSON.stringify(this.text)}: ${error.message}`, this.text);
    }
  }
}

// Builds the Go regexp source Docker would build, tracking whether a simpler comparison suffices.
function goRegexpSource(pattern: string): { source: string; kind: MatchKind } {
  const chars = Array.from(pattern);
  // Go's text/scanner skips a byte order mark at the very start.
  if (chars[0] === '\ufeff') chars.shift();
  let source = '^';
  let kind: MatchKind = 'exact';
  for (let index = 0, step = 0; index < chars.length; index++, step++) {
    const char = chars[index]!;
    if (char === '*' && chars[index + 1] === '*') {
      index++;
      if (chars[index + 1] === '/') index++;
      if (index + 1 >= chars.length) {
        if (kind === 'exact') kind = 'prefix';
        else {
          source += '.*';
          kind = 'regexp';
        }
      } else {
        source += '(.*/)?';
        kind = 'regexp';
      }
      if (step === 0) kind = 'suffix';
    } else if (char === '*') {
      source += '[^/]*';
      kind = 'regexp';
    } else if (char === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if (REGEXP_LITERALS.has(char)) {
      source += `\\${char}`;
    } else if (char === '\\') {
      if (index + 1 < chars.length) {
        source += `\\${chars[++index]}`;
        kind = 'regexp';
      } else source += '\\';
    } else if (char === '[' || char === ']') {
      source += char;
      kind = 'regexp';
    } else source += char;
  }
  return { source: `${source}$`, kind };
}
