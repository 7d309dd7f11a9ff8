// Reads a Swagger/OpenAPI document from a JSON or YAML file. YAML is a superset of JSON, but
// JSON.parse is much faster on the large documents, so JSON-looking text is tried with it first.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InputError } from './input-error.mjs';

export function readDocument(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${error.message}`);
  }
  const document = parseJsonOrYaml(text, file);
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError(`${file} does not hold a Swagger/OpenAPI document (no top-level object)`);
  }
  if (!document.swagger && !document.openapi) {
    throw new InputError(`${file} is not a Swagger 2.0 or OpenAPI 3 document (no "swagger" or "openapi" key)`);
  }
  if (!document.paths || typeof document.paths !== 'object') {
    throw new InputError(`${file} has no "paths"`);
  }
  return document;
}

function parseJsonOrYaml(text, file) {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: a YAML flow mapping, read below
    }
  }
  try {
    // The file is the maintainer's own input: no limit on YAML aliases (a guard meant for
    // untrusted text that a large hand-written document with anchors can trip).
    return parse(text, { maxAliasCount: -1 });
  } catch (error) {
    throw new InputError(`${file} is neither JSON nor YAML: ${error.message}`);
  }
}

// The API version a document describes, from info.version ("1.51"). A YAML number (1.5 for an
// unquoted 1.50) cannot be trusted, so only a string counts.
export function documentVersion(document) {
  const version = document.info?.version;
  return typeof version === 'string' && /^\d+\.\d+$/.test(version) ? version : null;
}
