// Environment lists as containers and execs take them: `["KEY=value", ...]`.

/** `{ A: '1', B: undefined }` → `['A=1', 'B']` (a bare name passes the variable through unset). */
export function toEnvList(variables: Record<string, string | number | boolean | undefined>): string[] {
  return Object.entries(variables).map(([name, value]) => (value === undefined ? name : `${name}=${value}`));
}

/**
 * `['A=1', 'B=x=y', 'C']` → `{ A: '1', B: 'x=y', C: undefined }`. Values keep any further `=`;
 * a later entry for the same name wins, as it does in the engine.
 */
export function parseEnvList(list: readonly string[] | null | undefined): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = {};
  for (const entry of list ?? []) {
    const equals = entry.indexOf('=');
    if (equals < 0) variables[entry] = undefined;
    else variables[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return variables;
}
