// Types for conformance-report.mjs, for the engine tests' global setup.
export const podmanDifferencesFile: string;
/** Podman's recorded conformance differences, one block per operation; empty when none were recorded. */
export function differencesTable(file?: string): string;
