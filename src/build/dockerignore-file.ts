// Reads a .dockerignore file into its list of patterns, as Docker's ignorefile.ReadAll does:
// lines split on LF with a trailing CR dropped, a UTF-8 byte order mark dropped from the first
// line, lines starting with `#` skipped (before trimming, so ` #x` is a pattern), surrounding
// whitespace trimmed, blank lines skipped, each pattern cleaned like a path, a leading `/` dropped.
// `!` exceptions keep their `!` in front of the cleaned pattern.
import { cleanPath, goTrimSpace } from '../protocols/go-text.js';
import { DockerignoreError } from '../errors.js';

// Go's bufio.Scanner refuses longer lines ("token too long"), and so does Docker.
const MAX_LINE_BYTES = 64 * 1024;

export function parseDockerignore(content: string | Uint8Array): string[] {
  const text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const patterns: string[] = [];
  lines.forEach((rawLine, index) => {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (Buffer.byteLength(line) >= MAX_LINE_BYTES) throw new DockerignoreError(`.dockerignore line ${index + 1} is longer than ${MAX_LINE_BYTES} bytes`);
    if (index === 0 && line.startsWith('\ufeff')) line = line.slice(1);
    if (line.startsWith('#')) return;
    let pattern = goTrimSpace(line);
    if (pattern === '') return;
    const exception = pattern.startsWith('!');
    if (exception) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(exception ? `!${pattern}` : pattern);
  });
  return patterns;
}
