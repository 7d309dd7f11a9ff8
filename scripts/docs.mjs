// npm run docs: renders each generated per-version document as a browsable HTML reference
// (Redocly) under docs/, the changelog of the API versions (from the spec's version marks) as
// docs/changelog.html, the reference of the library itself (TypeDoc, docs/library/; any warning
// fails), and an index page linking them all.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpec } from './generate/bundle.mjs';
import { apiChangelog, changelogHtml } from './generate/changelog.mjs';
import { renderLibraryReference } from './library-docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs');
const versions = readdirSync(join(root, 'generated', 'openapi'))
  .map((file) => /^v(\d+\.\d+)\.json$/.exec(file)?.[1])
  .filter(Boolean)
  .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));

mkdirSync(out, { recursive: true });
for (const version of versions) {
  execFileSync('npx', ['redocly', 'build-docs', join(root, 'generated', 'openapi', `v${version}.json`), '-o', join(out, `v${version}.html`)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`docs/v${version}.html`);
}
writeFileSync(join(out, 'changelog.html'), changelogHtml(apiChangelog(bundleSpec(join(root, 'spec')))));
console.log('docs/changelog.html');
await renderLibraryReference(root, join(out, 'library'));
console.log('docs/library/index.html');
const links = versions
  .map((v) => `<li><a href="v${v}.html">API ${v}</a></li>`)
  .reverse()
  .join('\n');
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<meta charset="utf-8"><title>Docker Engine API reference</title>
<h1>Docker Engine API reference</h1>
<p><a href="library/index.html">The library</a>: createDocker, the helpers, the errors and the named types.</p>
<p>The Engine API: one page per API version, generated from this project's spec. Fields, parameters and operations
that a version adds, deprecates or removes say so in their description; <a href="changelog.html">what
changes between versions</a> lists them version by version.</p>
<ul>
${links}
</ul>
`,
);
console.log('docs/index.html');
