// This project's OpenAPI document of one API version: the generated one when it exists (what the
// package ships), otherwise derived from spec/ by the generator's own modules, so a version that is
// not generated yet (the one being added) is seen exactly as `npm run generate` would emit it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSpec } from '../generate/bundle.mjs';
import { documentFor } from '../generate/versions.mjs';
import { InputError } from './input-error.mjs';

export function specDocument(projectRoot, version, { fromSpec = false } = {}) {
  const generatedFile = join('generated', 'openapi', `v${version}.json`);
  if (!fromSpec && existsSync(join(projectRoot, generatedFile))) {
    try {
      return { document: JSON.parse(readFileSync(join(projectRoot, generatedFile), 'utf8')), source: generatedFile };
    } catch (error) {
      throw new InputError(`cannot read ${generatedFile}: ${error.message}`);
    }
  }
  try {
    return { document: documentFor(bundleSpec(join(projectRoot, 'spec')), version), source: 'spec/' };
  } catch (error) {
    throw new InputError(`cannot derive API ${version} from spec/: ${error.message}`);
  }
}
