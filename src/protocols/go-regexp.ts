// Turns a regular expression in Go's RE2 syntax into an equivalent JavaScript RegExp. Docker's
// pattern matcher builds a Go regexp from each .dockerignore pattern and passes some of the
// pattern's characters through unchanged (`[`, `]`, `^`, and whatever follows a `\`), so the
// pattern means what Go's parser makes of it: `\d` is a digit class, `[[:alpha:]]` a POSIX class,
// `\101` the letter A, an unknown escape an error. Only the constructs such a regexp can contain
// are handled; anything else is reported as unsupported rather than guessed.
// Written here, not taken from a package: no JavaScript library reads RE2 syntax the way Go's
// regexp/syntax does (POSIX classes, octal escapes, Go's error on unknown escapes), and a
// .dockerignore pattern means whatever Go's parser makes of it.

export class GoRegexpError extends Error {}

type Range = readonly [number, number];

const MAX_RUNE = 0x10ffff;
const DIGIT: Range[] = [[0x30, 0x39]];
const SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];

const PERL_CLASSES: Record<string, Range[]> = { d: DIGIT, s: SPACE, w: WORD };

const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function isAlnum(char: string): boolean {
  return /^[0-9A-Za-z]$/.test(char);
}

/** A code point as a RegExp token valid both inside and outside a class in `u` mode. */
function literal(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  return isAlnum(char) ? char : `\\u{${codePoint.toString(16)}}`;
}

function rangesSource(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');
}

class Translator {
  #index = 0;
  constructor(private readonly source: string) {}

  translate(): string {
    let out = '';
    while (this.#index < this.source.length) out += this.#atom();
    return out;
  }

  #peek(offset = 0): string | undefined {
    return this.source[this.#index + offset];
  }

  #nextCodePoint(): number {
    const codePoint = this.source.codePointAt(this.#index);
    if (codePoint === undefined) throw new GoRegexpError('unexpected end of expression');
    this.#index += codePoint > 0xffff ? 2 : 1;
    return codePoint;
  }

  #atom(): string {
    const char = this.#peek()!;
    switch (char) {
      case '\\':
        return this.#escapeOutsideClass();
      case '[':
        this.#index++;
        return this.#characterClass();
      case '.':
        this.#index++;
        return '[^\\n]'; // Go's `.` stops at newlines only; JavaScript's also at \r, U+2028 and U+2029.
      case '(':
        if (this.#peek(1) === '?') throw new GoRegexpError('group flags are not supported');
        this.#index++;
        return '(?:';
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
      case '^':
      case '$':
        this.#index++;
        return char;
      case '{':
        return this.#repeatOrLiteral();
      default:
        return literal(this.#nextCodePoint());
    }
  }

  // Go reads `{n}`, `{n,}` and `{n,m}` as repetition and any other `{` as a literal brace.
  #repeatOrLiteral(): string {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.#index));
    if (!match) {
      this.#index++;
      return literal(0x7b);
    }
    this.#index += match[0].length;
    return match[0];
  }

  #escapeOutsideClass(): string {
    const char = this.#peek(1);
    if (char === undefined) throw new GoRegexpError('trailing backslash at end of expression');
    const anchors: Record<string, string> = { A: '^', z: '$', b: '\\b', B: '\\B' };
    if (anchors[char] !== undefined) {
      this.#index += 2;
      return anchors[char]!;
    }
    if (char === 'Q') return this.#quoted();
    const classSource = this.#classEscape();
    if (classSource !== undefined) return classSource.negated ? `[^${classSource.body}]` : `[${classSource.body}]`;
    return literal(this.#escapedCodePoint());
  }

  // `\Q...\E`: everything in between is literal.
  #quoted(): string {
    this.#index += 2;
    const end = this.source.indexOf('\\E', this.#index);
    const text = this.source.slice(this.#index, end < 0 ? undefined : end);
    this.#index = end < 0 ? this.source.length : end + 2;
    return [...text].map((c) => literal(c.codePointAt(0)!)).join('');
  }

  // Perl (`\d`) and Unicode (`\pL`, `\p{Greek}`) classes; undefined when the escape is neither.
  #classEscape(): { body: string; negated: boolean } | undefined {
    const char = this.#peek(1)!;
    const perl = PERL_CLASSES[char.toLowerCase()];
    if (perl && 'dswDSW'.includes(char)) {
      this.#index += 2;
      return { body: rangesSource(char === char.toLowerCase() ? perl : complement(perl)), negated: false };
    }
    if (char !== 'p' && char !== 'P') return undefined;
    this.#index += 2;
    let name: string;
    if (this.#peek() === '{') {
      const end = this.source.indexOf('}', this.#index);
      if (end < 0) throw new GoRegexpError('invalid character class range');
      name = this.source.slice(this.#index + 1, end);
      this.#index = end + 1;
    } else name = String.fromCodePoint(this.#nextCodePoint());
    let negated = char === 'P';
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    return { body: unicodeProperty(name), negated };
  }

  // Go's parseEscape: the code point a `\x` sequence stands for.
  #escapedCodePoint(): number {
    this.#index++;
    const char = this.#peek();
    if (char === undefined) throw new GoRegexpError('trailing backslash at end of expression');
    const code = char.codePointAt(0)!;
    if (code < 0x80 && !isAlnum(char)) {
      this.#index++;
      return code;
    }
    if (char >= '0' && char <= '7') return this.#octal();
    if (char === 'x') return this.#hex();
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) {
      this.#index++;
      return simple;
    }
    throw new GoRegexpError(`invalid escape sequence: \\${char}`);
  }

  // `\0`, `\12`, `\101`: up to three octal digits; a lone `\1`-`\7` would be a backreference, which Go rejects.
  #octal(): number {
    const first = this.#peek()!;
    const next = this.#peek(1);
    if (first !== '0' && (next === undefined || next < '0' || next > '7')) throw new GoRegexpError(`invalid escape sequence: \\${first}`);
    let value = 0;
    for (let digits = 0; digits < 3; digits++) {
      const digit = this.#peek();
      if (digit === undefined || digit < '0' || digit > '7') break;
      value = value * 8 + Number(digit);
      this.#index++;
    }
    return value;
  }

  // `\x41` (exactly two hex digits) or `\x{10FFFF}`.
  #hex(): number {
    this.#index++;
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(this.source.slice(this.#index));
    const plain = /^[0-9A-Fa-f]{2}/.exec(this.source.slice(this.#index));
    const digits = braced ? braced[1]! : plain?.[0];
    const value = digits === undefined ? NaN : parseInt(digits, 16);
    if (!(value <= MAX_RUNE)) throw new GoRegexpError('invalid escape sequence: \\x');
    this.#index += braced ? braced[0].length : 2;
    return value;
  }

  // Go's parseClass, from just after `[`: `^` negates, `]` or `-` first is literal, `[:name:]`
  // is a POSIX class, ranges must not run backwards. Negated classes match newlines, as in Go.
  #characterClass(): string {
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#index++;
    }
    let body = '';
    for (let first = true; first || this.#peek() !== ']'; first = false) {
      if (this.#peek() === undefined) throw new GoRegexpError('missing closing ]');
      body += this.#classItem();
    }
    this.#index++;
    return `[${negated ? '^' : ''}${body}]`;
  }

  #classItem(): string {
    const posix = this.#posixClass();
    if (posix !== undefined) return posix;
    if (this.#peek() === '\\' && this.#peek(1) !== undefined && 'dswDSWpP'.includes(this.#peek(1)!)) {
      const classEscape = this.#classEscape()!;
      if (!classEscape.negated) return classEscape.body;
      if (classEscape.body.startsWith('\\p')) return `\\P${classEscape.body.slice(2)}`;
      throw new GoRegexpError('negated Unicode class inside a class is not supported');
    }
    const lo = this.#classChar();
    if (this.#peek() === '-' && this.#peek(1) !== undefined && this.#peek(1) !== ']') {
      this.#index++;
      const hi = this.#classChar();
      if (hi < lo) throw new GoRegexpError('invalid character class range');
      return rangesSource([[lo, hi]]);
    }
    return literal(lo);
  }

  #classChar(): number {
    if (this.#peek() === undefined) throw new GoRegexpError('missing closing ]');
    if (this.#peek() === '\\') return this.#escapedCodePoint();
    return this.#nextCodePoint();
  }

  #posixClass(): string | undefined {
    if (this.#peek() !== '[' || this.#peek(1) !== ':') return undefined;
    const end = this.source.indexOf(':]', this.#index + 2);
    if (end < 0) return undefined;
    let name = this.source.slice(this.#index + 2, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const ranges = POSIX_CLASSES[name];
    if (!ranges) throw new GoRegexpError(`invalid character class range: [:${name}:]`);
    this.#index = end + 2;
    return rangesSource(negated ? complement(ranges) : ranges);
  }
}

// Go accepts general categories (`L`, `Lu`), scripts (`Greek`) and `Any`.
function unicodeProperty(name: string): string {
  if (name === 'Any') return '\\u{0}-\\u{10ffff}';
  const candidate = name.length <= 2 ? `\\p{${name}}` : `\\p{Script=${name}}`;
  try {
    new RegExp(candidate, 'u');
  } catch {
    throw new GoRegexpError(`invalid character class range: \\p{${name}}`);
  }
  return candidate;
}

/** Compiles Go regexp syntax into a RegExp with the same matches; throws GoRegexpError where Go's compiler would fail. */
export function compileGoRegexp(source: string): RegExp {
  const translated = new Translator(source).translate();
  try {
    return new RegExp(translated, 'u');
  } catch (error) {
    throw new GoRegexpError(`invalid regular expression: ${(error as Error).message}`);
  }
}
