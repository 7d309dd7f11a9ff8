// The Go emulations under src/protocols/ on their own: the RE2 subset a .dockerignore pattern can
// produce, and Go's decoding of names that are not valid UTF-8 (one U+FFFD per invalid byte).
import { describe, expect, it } from 'vitest';
import { compileGoRegexp, GoRegexpError } from '../../src/protocols/go-regexp.js';
import { decodeLikeGo } from '../../src/protocols/go-string-decoding.js';

describe('compileGoRegexp', () => {
  it('reads the escapes and classes Go reads', () => {
    expect(compileGoRegexp('^a\\d$').test('a7')).toBe(true);
    expect(compileGoRegexp('^a\\d$').test('ab')).toBe(false);
    expect(compileGoRegexp('^[[:alpha:]]+$').test('abcXYZ')).toBe(true);
    expect(compileGoRegexp('^[[:alpha:]]+$').test('ab1')).toBe(false);
    expect(compileGoRegexp('^\\101$').test('A')).toBe(true);
    expect(compileGoRegexp('^[^/]*$').test('a/b')).toBe(false);
  });

  it('refuses an escape Go does not know, as Go does', () => {
    expect(() => compileGoRegexp('^\\q$')).toThrow(GoRegexpError);
  });
});

describe('decodeLikeGo', () => {
  it('keeps valid UTF-8 and gives one U+FFFD per invalid byte', () => {
    expect(decodeLikeGo(Buffer.from('añb€', 'utf8'))).toBe('añb€');
    expect(decodeLikeGo(Uint8Array.of(0x61, 0xff, 0xfe, 0x62))).toBe('a\ufffd\ufffdb');
    // A truncated three-byte sequence: TextDecoder gives one U+FFFD for both bytes, Go one each.
    expect(decodeLikeGo(Uint8Array.of(0xe2, 0x82, 0x61))).toBe('\ufffd\ufffda');
    expect(new TextDecoder().decode(Uint8Array.of(0xe2, 0x82, 0x61))).toBe('\ufffda');
  });
});
