// npm run build: the package as it ships. The library is bundled by esbuild into one ES module
// (dist/index.js) and one CommonJS module (dist/index.cjs), because loading ninety small modules
// costs a cold start three times what one file does; tsc emits the declarations (dist/types/).
// Source maps carry the sources, so they resolve without shipping src/.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { dependencies = {} } = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default;

rmSync(dist, { recursive: true, force: true });
const shared = {
  entryPoints: [join(root, 'src', 'index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Runtime dependencies stay packages of their own, installed beside this one.
  external: Object.keys(dependencies),
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
};
// The `./openapi` subpath (src/openapi-document.ts) carries the half-megabyte spec, so it is an entry
// of its own that `import 'docker-engine-typed'` never loads. Its errors come from the main entry,
// so that `instanceof DockerUsageError` holds whichever entry threw. No source map: it would repeat
// the spec text.
const errorsFromMainEntry = (mainEntry) => ({
  name: 'errors-from-main-entry',
  setup(builder) {
    builder.onResolve({ filter: /\/errors\.js$/ }, () => ({ path: mainEntry, external: true }));
  },
});
const openapi = { ...shared, entryPoints: [join(root, 'src', 'openapi-document.ts')], sourcemap: false };
await Promise.all([
  build({ ...shared, format: 'esm', outfile: join(dist, 'index.js') }),
  build({ ...shared, format: 'cjs', outfile: join(dist, 'index.cjs') }),
  build({ ...openapi, format: 'esm', outfile: join(dist, 'openapi.js'), plugins: [errorsFromMainEntry('./index.js')] }),
  build({ ...openapi, format: 'cjs', outfile: join(dist, 'openapi.cjs'), plugins: [errorsFromMainEntry('./index.cjs')] }),
]);

const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
process.exit(tsc.status ?? 1);
