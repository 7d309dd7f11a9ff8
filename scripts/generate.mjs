// npm run generate [-- --check] [--spec DIR --out DIR]
// spec/ → generated/openapi/v*.json (one bundled document per API version),
//         generated/types/ (openapi-typescript per version, each declaration written once for
//         the versions that share it: schemas.ts, variants.ts and one small v*.ts per version),
//         generated/operations.ts (the operation table), generated/operation-types.ts (a name for
//         each operation's parameters and result), generated/versions.ts and
//         generated/openapi-source.ts (the all-versions document, marks kept, that the package ships
//         so that src/openapi-document.ts derives any version's document from it at run time), and
//         generated/api-changelog.md (what each API version adds, changes, deprecates and removes).
// With --check nothing is written: it exits 1 when generated/ differs from what spec/ produces.
// --spec and --out generate from another copy of the spec into another folder (the test that
// proves a new API version needs no change in src/ uses them).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpec } from './generate/bundle.mjs';
import { documentFor, versionRange } from './generate/versions.mjs';
import { operationTable } from './generate/operation-table.mjs';
import { typesFor } from './generate/types.mjs';
import { sharedTypes } from './generate/shared-types.mjs';
import { operationTypesModule } from './generate/operation-types.mjs';
import { apiChangelog, changelogMarkdown } from './generate/changelog.mjs';
import { versionsModule, operationsModule, openApiSourceModule } from './generate/modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const specDir = resolve(argument('--spec') ?? join(root, 'spec'));
const outDir = resolve(argument('--out') ?? join(root, 'generated'));
const check = process.argv.includes('--check');

const full = bundleSpec(specDir);
const { oldest, newest } = full['x-api-versions'];
const versions = versionRange(oldest, newest);

const outputs = new Map();
const documents = {};
const typeModules = new Map();
for (const version of versions) {
  const doc = (documents[version] = documentFor(full, version));
  outputs.set(join('openapi', `v${version}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  typeModules.set(version, await typesFor(doc));
}
for (const [file, text] of sharedTypes(typeModules)) outputs.set(join('types', file), text);
const table = operationTable(full, documents);
outputs.set('operations.ts', operationsModule(table));
outputs.set('operation-types.ts', operationTypesModule(table, Object.keys(full.components.schemas)));
outputs.set('versions.ts', versionsModule(versions));
outputs.set('openapi-source.ts', openApiSourceModule(full));
outputs.set('api-changelog.md', changelogMarkdown(apiChangelog(full)));

const existing = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(outDir, join(entry.parentPath ?? entry.path, entry.name)))
    : [];
const stale = existing(outDir).filter((file) => !outputs.has(file));
const changed = [...outputs]
  .filter(([file, text]) => {
    const path = join(outDir, file);
    return !existsSync(path) || readFileSync(path, 'utf8') !== text;
  })
  .map(([file]) => file);

if (check) {
  if (changed.length || stale.length) {
    console.error('generated/ is stale; run `npm run generate`:');
    for (const file of [...changed, ...stale]) console.error(`  ${file}`);
    process.exit(1);
  }
  console.log(`generated/ is fresh (${outputs.size} files, API ${oldest}…${newest})`);
} else {
  for (const file of stale) rmSync(join(outDir, file));
  for (const file of changed) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    writeFileSync(join(outDir, file), outputs.get(file));
  }
  console.log(`generated ${outputs.size} files for API ${oldest}…${newest} (${changed.length} changed, ${stale.length} removed)`);
}
