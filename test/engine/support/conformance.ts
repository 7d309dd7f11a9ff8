// Validates answers of real engines against the bundled spec of the negotiated API version
// (JSON Schema 2020-12 with ajv). Strict mode closes every fixed-shape object, so a field the
// spec does not describe fails the test; it is used when an engine is spoken to at its own API
// version. Lax mode (a newer engine addressed at an older version) checks every described field.
// Report mode (Podman, another implementation of the API) checks as strictly as strict mode but
// records each difference per operation instead of failing: see differencesReport below.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch'];

function loadDocument(version: string): Json {
  return JSON.parse(readFileSync(new URL(`../../../generated/openapi/v${version}.json`, import.meta.url), 'utf8')) as Json;
}

// Component schemas used as allOf members stay open: closing them would reject the other members' fields.
function allOfMembers(node: unknown, into: Set<unknown>): void {
  if (Array.isArray(node)) node.forEach((item) => allOfMembers(item, into));
  else if (node && typeof node === 'object') {
    const record = node as Json;
    if (Array.isArray(record.allOf)) for (const member of record.allOf) into.add(member);
    Object.values(record).forEach((value) => allOfMembers(value, into));
  }
}

function close(node: unknown, open: Set<unknown>): void {
  if (Array.isArray(node)) node.forEach((item) => close(item, open));
  else if (node && typeof node === 'object') {
    const record = node as Json;
    if (record.properties && !('additionalProperties' in record) && !open.has(record)) {
      record.unevaluatedProperties = false;
    }
    Object.values(record).forEach((value) => close(value, open));
  }
}

export interface Conformance {
  /** Asserts that `body` is a valid success answer of `operationId` (its first JSON 2xx response). */
  check(operationId: string, body: unknown): void;
  readonly strict: boolean;
}

const cache = new Map<string, Conformance>();

/**
 * Strict checks whose differences go to `reportFile` (one tab-separated line per operation and
 * difference, written once per test file) instead of failing: how another implementation of the
 * API differs from the spec is a finding to list, not a reason to loosen the checks of Docker.
 */
export function reportingConformance(version: string, reportFile: string): Conformance {
  const strict = conformanceFor(version, true);
  const reported = new Set<string>();
  mkdirSync(dirname(reportFile), { recursive: true });
  return {
    strict: true,
    check(operationId, body) {
      try {
        strict.check(operationId, body);
      } catch (error) {
        const [, ...problems] = (error as Error).message.split('\n');
        // Items of a list differ alike: one line for /*/Field rather than one per index.
        for (const problem of problems.map((line) => line.trim().replace(/\/\d+(?=\/| )/g, '/*'))) {
          const line = `${operationId}\t${problem}`;
          if (reported.has(line)) continue;
          reported.add(line);
          appendFileSync(reportFile, `${line}\n`);
        }
      }
    },
  };
}

export function conformanceFor(version: string, strict: boolean): Conformance {
  const key = `${version}:${strict}`;
  const known = cache.get(key);
  if (known) return known;
  const doc = loadDocument(version);
  if (strict) {
    const open = new Set<unknown>();
    allOfMembers(doc, open);
    const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    for (const member of open) {
      const ref = (member as Json).$ref;
      if (typeof ref === 'string') open.add(schemas[ref.split('/').pop()!]);
    }
    close(doc, open);
  }
  doc.$id = `https://spec.invalid/v${version}.json`;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc);
  const pointers = successSchemaPointers(doc);
  const validators = new Map<string, ValidateFunction>();
  const conformance: Conformance = {
    strict,
    check(operationId, body) {
      const pointer = pointers.get(operationId);
      if (!pointer) throw new Error(`v${version} document has no JSON success answer for ${operationId}`);
      let validate = validators.get(operationId);
      if (!validate) {
        validate = ajv.getSchema(`${doc.$id as string}#${pointer}`)!;
        validators.set(operationId, validate);
      }
      if (validate(body)) return;
      const problems = (validate.errors ?? []).map((e) => {
        const field = e.params && 'unevaluatedProperty' in e.params ? `: ${String(e.params.unevaluatedProperty)}` : '';
        return `  ${e.instancePath || '/'} ${e.message}${field}`;
      });
      throw new Error(`${operationId} answer does not conform to the v${version} spec${strict ? ' (strict)' : ''}:\n${problems.join('\n')}`);
    },
  };
  cache.set(key, conformance);
  return conformance;
}

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

function successSchemaPointers(doc: Json): Map<string, string> {
  const pointers = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
        const content = (response as Json).content as Json | undefined;
        if (!status.startsWith('2') || !content?.['application/json']) continue;
        pointers.set(
          op.operationId as string,
          `/paths/${escapePointer(path)}/${method}/responses/${status}/content/${escapePointer('application/json')}/schema`,
        );
        break;
      }
    }
  }
  return pointers;
}
