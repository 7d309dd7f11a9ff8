// The .dockerignore matcher: Go filepath.Match syntax plus `**`, exceptions, parent folders,
// and the places where Docker's regexp translation gives characters a meaning of their own.
// (The differential test in test/engine/build-context-differential.test.ts checks the same
// rules against the Docker CLI itself.)
import { describe, expect, it } from 'vitest';
import { ContextFilter } from '../../src/build/context-filter.js';
import { parseDockerignore } from '../../src/build/dockerignore-file.js';
import { isValidGlob } from '../../src/protocols/go-glob-syntax.js';
import { IgnoreMatcher } from '../../src/build/ignore-matcher.js';
import { DockerignoreError } from '../../src/errors.js';

function excluded(dockerignore: string, path: string): boolean {
  return new IgnoreMatcher(parseDockerignore(dockerignore)).matchesOrParentMatches(path);
}

// [.dockerignore, path, excluded?]
const corpus: Array<[string, string, boolean]> = [
  // plain names and folders
  ['foo', 'foo', true],
  ['foo', 'foo/bar/baz', true],
  ['foo', 'a/foo', false],
  ['foo/', 'foo/x', true],
  ['/foo', 'foo', true],
  ['./foo', 'foo/x', true],
  ['foo/../bar', 'bar', true],
  // * and ? stop at /
  ['*.log', 'a.log', true],
  ['*.log', 'dir/a.log', false],
  ['*/*.log', 'dir/a.log', true],
  ['a?c', 'abc', true],
  ['a?c', 'a/c', false],
  ['*', 'anything/at/all', true],
  // ** crosses folders, including none
  ['**/*.log', 'a.log', true],
  ['**/*.log', 'x/y/a.log', true],
  ['**/x', 'x', true],
  ['**/x', 'ax', false],
  ['**x', 'ax', true],
  ['a/**', 'a/b/c', true],
  ['a/**', 'a', false],
  ['a/**/b', 'a/b', true],
  ['a/**/b', 'a/x/y/b', true],
  ['a**b', 'a/x/b', true],
  ['**', 'deep/er/file', true],
  // exceptions: the last matching pattern wins, and they re-include a folder's contents
  ['*.md\n!README.md', 'README.md', false],
  ['*.md\n!README.md', 'CHANGES.md', true],
  ['!README.md\n*.md', 'README.md', true],
  ['docs\n!docs/keep', 'docs/keep/x', false],
  ['docs\n!docs/keep', 'docs/other', true],
  ['docs\n!docs/keep\ndocs/keep/secret', 'docs/keep/secret', true],
  ['*\n!src\nsrc/*.tmp', 'src/a.tmp', true],
  ['*\n!src\nsrc/*.tmp', 'src/a.ts', false],
  // character classes and escapes (Go syntax: ^ negates, ! does not)
  ['file[0-9]', 'file7', true],
  ['file[0-9]', 'filex', false],
  ['file[^0-9]', 'filex', true],
  ['file[!0-9]', 'file!', true],
  ['file[!0-9]', 'filex', false],
  ['\\*', '*', true],
  ['\\*', 'x', false],
  ['a\\?', 'a?', true],
  // regexp characters are literal...
  ['a+b', 'a+b', true],
  ['a+b', 'aab', false],
  ['(x)', '(x)', true],
  ['a|b', 'a', false],
  ['a|b', 'a|b', true],
  ['{a,b}', 'a', false],
  ['{a,b}', '{a,b}', true],
  ['a.b', 'axb', false],
  ['*.c$', 'x.c$', true],
  ['^x*', '^xy', false], // ^ reaches Go's regexp unescaped: an anchor in the middle never matches
  // ...but what follows a backslash reaches the regexp as written
  ['file\\d*', 'file1', true],
  ['file\\d*', 'filed', false],
  ['file\\x41', 'fileA', true],
  ['[[:digit:]]*', '7up', true],
  // case-sensitive, exact bytes
  ['Foo', 'foo', false],
  ['caf\u00e9', 'caf\u00e9', true],
  ['caf?', 'caf\u00e9', true],
  ['x/?', 'x/\u{1f600}', true],
];

describe('IgnoreMatcher on a corpus of tricky patterns', () => {
  it.each(corpus)('%j on %j → excluded %s', (dockerignore, path, expected) => {
    expect(excluded(dockerignore, path)).toBe(expected);
  });
});

describe('IgnoreMatcher while walking', () => {
  // The walk hands each folder's results to its entries instead of matching parents again.
  function walkVerdict(dockerignore: string, path: string): boolean {
    const matcher = new IgnoreMatcher(parseDockerignore(dockerignore));
    const parts = path.split('/');
    let parent: boolean[] | undefined;
    for (let depth = 1; depth < parts.length; depth++) {
      const results: boolean[] = [];
      matcher.matches(parts.slice(0, depth).join('/'), parent, results);
      parent = results;
    }
    return matcher.matches(path, parent);
  }

  it('agrees with whole-path matching on the corpus', () => {
    for (const [dockerignore, path] of corpus) expect(walkVerdict(dockerignore, path), `${dockerignore} ${path}`).toBe(excluded(dockerignore, path));
  });

  it('differs where Docker’s walk does: an exception listed before the pattern that excludes its folder', () => {
    // a/b excludes a/b; !a would re-include it when parents are matched afresh, but the walk
    // consulted !a for the folder `a` while nothing was excluded yet, so it does not count.
    expect(excluded('a/b\n!a', 'a/b')).toBe(false);
    expect(walkVerdict('a/b\n!a', 'a/b')).toBe(true);
  });
});

describe('pattern syntax', () => {
  it('rejects what Go’s filepath.Match rejects', () => {
    for (const bad of ['[', 'a[', '[a', '[a-', '[]', '[^]', '[a-]', '[-a]', 'x\\', '[\\', 'a*[']) expect(isValidGlob(bad), bad).toBe(false);
    for (const good of ['a', '*', '[a]', '[^a]', '[a-z]', '[\\]]', '[]a]'.slice(1), 'a\\*', 'a]', '**/x', '[*]']) expect(isValidGlob(good), good).toBe(true);
  });

  it('raises DockerignoreError for a malformed pattern, a lone ! and a pattern Go’s regexp refuses', () => {
    expect(() => new IgnoreMatcher(['['])).toThrow(DockerignoreError);
    expect(() => new IgnoreMatcher(parseDockerignore('!\n'))).toThrow(/illegal exclusion/);
    expect(() => new IgnoreMatcher(parseDockerignore('!/\n'))).toThrow(/illegal exclusion/);
    const lazy = new IgnoreMatcher(['file\\q*']);
    expect(() => lazy.matchesOrParentMatches('x')).toThrow(DockerignoreError);
    const backwards = new IgnoreMatcher(['[z-a]x']);
    expect(() => backwards.matchesOrParentMatches('x')).toThrow(/class range/);
  });
});

describe('ContextFilter: which excluded folders are walked (BuildKit)', () => {
  const filter = (text: string) => new ContextFilter(new IgnoreMatcher(parseDockerignore(text)));

  it('skips an excluded folder when no exception can reach inside it', () => {
    expect(filter('docs').entersExcludedFolder('docs')).toBe(false);
    expect(filter('docs\n!other/x').entersExcludedFolder('docs')).toBe(false);
  });

  it('walks it when a plain exception lies below it', () => {
    expect(filter('docs\n!docs/keep').entersExcludedFolder('docs')).toBe(true);
    expect(filter('docs\n!docs/keep/**').entersExcludedFolder('docs')).toBe(true);
  });

  it('walks every excluded folder once an exception has a wildcard', () => {
    expect(filter('docs\n!**/*.md').entersExcludedFolder('docs')).toBe(true);
    expect(filter('docs\n!x/[ab]').entersExcludedFolder('docs')).toBe(true);
  });

  it('tells whether a path is sent and whether its folders are', () => {
    expect(filter('docs\n!docs/keep').keeps('docs/keep/a')).toEqual({ kept: true, foldersKept: false });
    expect(filter('docs').keeps('docs/a')).toEqual({ kept: false, foldersKept: false });
    expect(filter('*.md').keeps('src/Dockerfile')).toEqual({ kept: true, foldersKept: true });
    expect(filter('src/Dockerfile').keeps('src/Dockerfile')).toEqual({ kept: false, foldersKept: true });
  });
});
