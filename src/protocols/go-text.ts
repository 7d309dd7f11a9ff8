// The two Go standard-library string rules the .dockerignore format is defined by: which
// characters `strings.TrimSpace` removes, and how `filepath.Clean` normalises a slash path.
// Written here, not taken from a package: these are two short rules of Go's standard library,
// and String.prototype.trim or path.posix.normalize differ from them in details that matter.

// unicode.IsSpace: Latin-1 spaces plus the White_Space characters above U+00FF. Unlike
// String.prototype.trim it keeps U+FEFF and removes U+0085.
const GO_SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
  0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Go's strings.TrimSpace. */
export function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && GO_SPACES.has(text.charCodeAt(start))) start++;
  while (end > start && GO_SPACES.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * Go's filepath.Clean on a slash-separated path: repeated slashes, `.` elements and `..` after a
 * real element are removed; a leading `..` stays unless the path is rooted; "" becomes ".".
 */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element !== '..') kept.push(element);
    else if (kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
    else if (!rooted) kept.push('..');
  }
  const joined = kept.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
