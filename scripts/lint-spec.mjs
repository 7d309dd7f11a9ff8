// npm run lint:spec: lints every generated per-version document with Redocly (rules in redocly.yaml).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const documents = readdirSync(join(root, 'generated', 'openapi'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => join('generated', 'openapi', file));
execFileSync('npx', ['redocly', 'lint', '--format=summary', ...documents], { cwd: root, stdio: 'inherit' });
