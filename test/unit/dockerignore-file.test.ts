// Reading .dockerignore files: the line rules of Docker's ignorefile.ReadAll.
import { describe, expect, it } from 'vitest';
import { parseDockerignore } from '../../src/build/dockerignore-file.js';
import { cleanPath, goTrimSpace } from '../../src/protocols/go-text.js';
import { DockerignoreError } from '../../src/errors.js';

describe('parseDockerignore', () => {
  it('drops comments and blank lines, trims, and cleans each pattern like a path', () => {
    const text = ['# a comment', '', '   ', 'node_modules/', '  *.log  ', './build', 'a//b/../c', '/abs', '//twice'].join('\n');
    expect(parseDockerignore(text)).toEqual(['node_modules', '*.log', 'build', 'a/c', 'abs', 'twice']);
  });

  it('treats # as a comment only at the very start of a line', () => {
    expect(parseDockerignore(' #not-a-comment\n#comment\nfile#hash')).toEqual(['#not-a-comment', 'file#hash']);
  });

  it('reads CRLF files like LF files, and drops a byte order mark on the first line only', () => {
    expect(parseDockerignore('\ufeffa\r\n!b\r\nc\r\n')).toEqual(['a', '!b', 'c']);
    expect(parseDockerignore('a\n\ufeffb')).toEqual(['a', '\ufeffb']);
    // A CR not at the end of a line is part of the pattern.
    expect(parseDockerignore('a\rb\n')).toEqual(['a\rb']);
  });

  it('keeps ! in front of the cleaned exception, trimming space after it', () => {
    expect(parseDockerignore('!  ./keep/me/\n!/rooted\n!\n')).toEqual(['!keep/me', '!rooted', '!']);
  });

  it('keeps a lone / (which matches nothing) and turns . into .', () => {
    expect(parseDockerignore('/\n.\n./\n')).toEqual(['/', '.', '.']);
  });

  it('accepts bytes and decodes them as UTF-8', () => {
    expect(parseDockerignore(Buffer.from('caf\u00e9/*.txt\n'))).toEqual(['caf\u00e9/*.txt']);
  });

  it('trims what Go calls space (NEL, NBSP) but not U+FEFF inside the file', () => {
    expect(parseDockerignore('\u0085a\u00a0\n\u3000b\u2029\n')).toEqual(['a', 'b']);
  });

  it('refuses a line longer than Go’s scanner accepts, as Docker does', () => {
    expect(() => parseDockerignore(`${'x'.repeat(70_000)}\n`)).toThrow(DockerignoreError);
  });
});

describe('Go string rules', () => {
  it('cleans paths as filepath.Clean does', () => {
    const cases: Array<[string, string]> = [
      ['', '.'],
      ['a/b/', 'a/b'],
      ['a/./b', 'a/b'],
      ['a/../../b', '../b'],
      ['/../a', '/a'],
      ['..', '..'],
      ['./..', '..'],
      ['a/b/../..', '.'],
      ['//', '/'],
      ['!./x', '!./x'],
      ['!/', '!'],
    ];
    for (const [input, cleaned] of cases) expect(cleanPath(input), input).toBe(cleaned);
  });

  it('trims whitespace as strings.TrimSpace does', () => {
    expect(goTrimSpace('\t\v\f\r\n a \u0085')).toBe('a');
    expect(goTrimSpace('\ufeffa')).toBe('\ufeffa');
  });
});
