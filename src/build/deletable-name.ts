// When the Dockerfile cannot travel under its own name and the context's .dockerignore is itself
// part of the context, the engine must still delete the Dockerfile after unpacking, and it only
// deletes what that .dockerignore matches. Rather than adding a line to the user's file (what the
// Docker CLI's classic path does), pick a top-level name its own patterns already match and the
// context does not send: `*.log` gives `dockerfile.log`. Every candidate is checked
// with the engine's matching rules, so a heuristic never decides anything wrong; it may only
// find nothing, and then the caller falls back to the added line.

/** A top-level name `deletes` accepts and `taken` rejects, derived from the patterns; undefined if none fits. */
export function deletableName(patterns: readonly string[], deletes: (name: string) => boolean, taken: (name: string) => boolean): string | undefined {
  for (const pattern of patterns) {
    if (pattern.startsWith('!') || pattern.includes('[')) continue;
    const candidate = candidateFrom(pattern);
    if (candidate && deletes(candidate) && !taken(candidate)) return candidate;
  }
  return undefined;
}

function candidateFrom(pattern: string): string | undefined {
  let text = pattern;
  while (text.startsWith('**/')) text = text.slice(3);
  if (text.includes('/')) return undefined;
  const name = text.replace(/\\(.)|\*+|\?/gu, (match, escaped: string | undefined) => escaped ?? (match === '?' ? 'x' : 'dockerfile'));
  if (name === '' || name === '.' || name === '..' || name === '.dockerignore') return undefined;
  return name;
}
