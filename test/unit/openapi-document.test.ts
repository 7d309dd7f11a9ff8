import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DockerUsageError } from '../../src/errors.js';
import { apiVersions, openApiDocument, openApiSource, type ApiVersion } from '../../src/openapi-document.js';

const written = (version: string) => JSON.parse(readFileSync(new URL(`../../generated/openapi/v${version}.json`, import.meta.url), 'utf8'));

describe('openApiDocument (the ./openapi subpath)', () => {
  // generate writes these files from spec/ and the package derives them from the shipped source at
  // run time: both must say the same thing, version by version.
  it.each(apiVersions)('derives exactly the document generate writes for API %s', (version) => {
    expect(openApiDocument(version)).toEqual(written(version));
  });

  it('hands each caller a copy of its own, so a change one caller makes does not reach the next', () => {
    const first = openApiDocument('1.51');
    (first.info as { title: string }).title = 'changed';
    expect((openApiDocument('1.51').info as { title: string }).title).not.toBe('changed');
  });

  it('keeps the version marks in the source', () => {
    const source = openApiSource();
    expect(source['x-api-versions']).toEqual({ oldest: apiVersions[0], newest: apiVersions.at(-1) });
    expect(JSON.stringify(source)).toContain('"x-api":{"since"');
  });

  it('refuses a version the spec does not describe with a DockerUsageError', () => {
    expect(() => openApiDocument('1.40' as ApiVersion)).toThrow(DockerUsageError);
  });
});
