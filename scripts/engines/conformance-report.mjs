#!/usr/bin/env node
// Podman's conformance differences per operation, as the engine tests recorded them
// (test/engine/support/conformance.ts): `node scripts/engines/conformance-report.mjs [file]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { enginePaths } from './paths.mjs';

export const podmanDifferencesFile = `${enginePaths('podman').dir}/conformance-differences.tsv`;

/** The report as text: one block per operation, its differences sorted, each listed once. */
export function differencesTable(file = podmanDifferencesFile) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const byOperation = new Map();
  for (const line of text.split('\n').filter(Boolean)) {
    const [operation, problem] = line.split('\t');
    if (!byOperation.has(operation)) byOperation.set(operation, new Set());
    byOperation.get(operation).add(problem);
  }
  return [...byOperation.keys()]
    .sort()
    .map(
      (operation) =>
        `${operation}\n${[...byOperation.get(operation)]
          .sort()
          .map((problem) => `  ${problem}`)
          .join('\n')}`,
    )
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(differencesTable(process.argv[2]) || 'no differences recorded');
}
