// Whether Go's filepath.Match would reject a pattern as malformed (ErrBadPattern). Docker checks
// every .dockerignore pattern this way before using it, so the same patterns must fail here.
// filepath.Match validates each `*`-separated chunk completely, so checking every chunk's syntax
// gives exactly its verdict.
// Written here, not taken from a package: the JavaScript glob libraries (minimatch, picomatch)
// each have their own dialect and error rules; only Go's exact verdict keeps .dockerignore
// patterns failing where the Docker CLI's fail (tested against the CLI in the engine tests).

/** True when filepath.Match accepts the pattern's syntax (on a non-Windows system). */
export function isValidGlob(pattern: string): boolean {
  let rest = pattern;
  while (rest.length > 0) {
    rest = skipStars(rest);
    const end = chunkEnd(rest);
    if (!isValidChunk(rest.slice(0, end))) return false;
    rest = rest.slice(end);
  }
  return true;
}

function skipStars(text: string): string {
  let index = 0;
  while (index < text.length && text[index] === '*') index++;
  return text.slice(index);
}

// Where the chunk ends: at the first `*` outside a bracket expression; `\` protects the next character.
function chunkEnd(text: string): number {
  let inRange = false;
  let index = 0;
  for (; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      if (index + 1 < text.length) index++;
    } else if (char === '[') inRange = true;
    else if (char === ']') inRange = false;
    else if (char === '*' && !inRange) break;
  }
  return index;
}

function isValidChunk(chunk: string): boolean {
  let index = 0;
  while (index < chunk.length) {
    const char = chunk[index];
    if (char === '[') {
      const after = classEnd(chunk, index + 1);
      if (after < 0) return false;
      index = after;
    } else if (char === '\\') {
      if (index + 1 >= chunk.length) return false;
      index += 2;
    } else index++;
  }
  return true;
}

// Parses `[^a-z\]x]` from just after `[`; returns the index after `]`, or -1 when malformed.
function classEnd(chunk: string, start: number): number {
  let index = start;
  if (chunk[index] === '^') index++;
  for (let ranges = 0; ; ranges++) {
    if (ranges > 0 && chunk[index] === ']') return index + 1;
    index = classCharEnd(chunk, index);
    if (index < 0) return -1;
    if (chunk[index] === '-') {
      index = classCharEnd(chunk, index + 1);
      if (index < 0) return -1;
    }
  }
}

// One character of a range (Go's getEsc): not `-` or `]`, optionally escaped, and never the last
// thing in the chunk, since the class still needs its `]`.
function classCharEnd(chunk: string, start: number): number {
  let index = start;
  const char = chunk[index];
  if (char === undefined || char === '-' || char === ']') return -1;
  if (char === '\\') {
    index++;
    if (index >= chunk.length) return -1;
  }
  index += (chunk.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index < chunk.length ? index : -1;
}
