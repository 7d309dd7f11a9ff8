// The request path has one builder (src/request/build-request.ts) and one error mapper
// (src/request/failure.ts). Routes and version marks live in spec/ and generated/ only, so a new
// API version is a spec change: this test fails when src/ spells a route of the operation table,
// an API version literal, its own query encoding, or maps an error answer outside the mapper.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationTable } from '../../generated/operations.js';

const root = join(import.meta.dirname, '..', '..');
const sourceDir = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The code of a file without its comments (which may well name routes and versions). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

// The first segment of every route of the table: `/containers`, `/images`, `/_ping`, …
const firstSegments = [...new Set(Object.values(operationTable).map((row) => row.path.split('/')[1]!))];
const ROUTE_LITERAL = new RegExp(`['"\`]/(${firstSegments.map((segment) => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=[/?'"\`$]|$)`);
const VERSION_LITERAL = /['"`]1\.\d{1,2}['"`]/;
const OWN_QUERY_ENCODING = /\bURLSearchParams\b|\bencodeURIComponent\b/;
const ERROR_ANSWER_MAPPING = /\bapiErrorFrom\b|new DockerConnectionError\b/;

function offences(pattern: RegExp, allowed: readonly string[]): string[] {
  return sourceFiles(sourceDir)
    .filter((file) => !allowed.includes(relative(sourceDir, file)))
    .flatMap((file) =>
      code(readFileSync(file, 'utf8'))
        .split('\n')
        .filter((line) => pattern.test(line))
        .map((line) => `${relative(root, file)}: ${line.trim()}`),
    );
}

describe('one request path', () => {
  it('the detectors find what they look for', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal is what is detected.
    expect(ROUTE_LITERAL.test('const path = `/containers/${id}/logs`;')).toBe(true);
    expect(ROUTE_LITERAL.test("send('/_ping')")).toBe(true);
    expect(ROUTE_LITERAL.test("const route = '/images/create';")).toBe(true);
    expect(ROUTE_LITERAL.test("const text = 'containers';")).toBe(false);
    expect(VERSION_LITERAL.test("if (compareApiVersions(version, '1.42') >= 0)")).toBe(true);
    expect(VERSION_LITERAL.test('const since = "1.52";')).toBe(true);
    expect(code("const a = 1; // '/containers/x' and '1.42'")).not.toMatch(ROUTE_LITERAL);
    expect(firstSegments).toEqual(expect.arrayContaining(['containers', 'images', '_ping', 'events']));
  });

  it('no route of the operation table is spelt in src/', () => {
    expect(offences(ROUTE_LITERAL, [])).toEqual([]);
  });

  it('no API version literal is spelt in src/ (version marks live in the spec)', () => {
    expect(offences(VERSION_LITERAL, [])).toEqual([]);
  });

  it('only the request builder encodes paths and queries', () => {
    // gRPC percent-encodes its status message in the session's answers: not a request to the engine.
    expect(offences(OWN_QUERY_ENCODING, ['request/build-request.ts', 'protocols/grpc-messages.ts'])).toEqual([]);
  });

  it('only the error mapper turns answers and transport failures into errors', () => {
    expect(offences(ERROR_ANSWER_MAPPING, ['request/failure.ts', 'errors.ts'])).toEqual([]);
  });
});
