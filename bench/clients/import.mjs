// One cold import for part (e), run by bench/cold-import.mjs in a fresh plain-node process (no tsx:
// its loader would be timed too): the time `await import()` of one module takes, as
// `{"ms":…}`. Run from the repository root, so the package's own name resolves through its exports.
// Usage: node bench/clients/import.mjs <module specifier>
const started = performance.now();
await import(process.argv[2]);
console.log(JSON.stringify({ ms: performance.now() - started }));
