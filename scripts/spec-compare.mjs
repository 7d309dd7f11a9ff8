// npm run spec:compare -- <upstream swagger file> [--version X.Y] [--json] [--from-spec]
// Lists what an upstream Swagger/OpenAPI document of one API version (Docker's swagger.yaml) has
// and this project's spec lacks for that version: operations, parameters, request body and
// response fields, status codes, enum values. The maintainer's first step when adding a version
// (see spec/README.md, "Adding an API version").
//
// The version defaults to the upstream document's info.version. The spec's side is
// generated/openapi/v<version>.json when it exists, otherwise (or with --from-spec) the version
// as spec/ describes it now. Exit code 0 whatever is found; 2 when an input cannot be read.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareDocuments, CATEGORIES } from './spec-compare/compare.mjs';
import { InputError } from './spec-compare/input-error.mjs';
import { documentVersion, readDocument } from './spec-compare/read-document.mjs';
import { specDocument } from './spec-compare/spec-version.mjs';
import { textReport } from './spec-compare/text-report.mjs';

const USAGE = 'usage: npm run spec:compare -- <upstream swagger.yaml|.json> [--version X.Y] [--json] [--from-spec]';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function main() {
  const { values: options, positionals } = readArguments();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new InputError(`expected one upstream file\n${USAGE}`);
  const [upstreamFile] = positionals;
  const upstreamDocument = readDocument(resolve(invocationDirectory(), upstreamFile));
  const version = options.version ?? documentVersion(upstreamDocument);
  if (!version) throw new InputError(`${upstreamFile} has no info.version of the form X.Y (as a string); pass --version X.Y`);
  if (!/^\d+\.\d+$/.test(version)) throw new InputError(`--version must look like 1.55, not ${version}`);
  const spec = specDocument(projectRoot, version, { fromSpec: options['from-spec'] });

  const { missing, explained } = compareDocuments(upstreamDocument, spec.document);
  const report = {
    upstream: { file: upstreamFile, version: documentVersion(upstreamDocument) },
    spec: { source: spec.source, version },
    counts: {
      missing: Object.fromEntries(CATEGORIES.map((category) => [category, missing[category].length])),
      explained: Object.fromEntries(CATEGORIES.map((category) => [category, explained[category].length])),
    },
    missing,
    explained,
  };
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
}

// npm runs a script in the package's root; a relative path was meant from where npm was started.
function invocationDirectory() {
  return process.env.npm_lifecycle_event === 'spec:compare' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
}

function readArguments() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        version: { type: 'string' },
        json: { type: 'boolean', default: false },
        'from-spec': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new InputError(`${error.message}\n${USAGE}`);
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  console.error(`spec:compare: ${error.message}`);
  process.exitCode = 2;
}
