// A second, independent check of the generated documents: @seriousme/openapi-schema-validator
// validates each version's document against the official OpenAPI 3.1 schema and resolves every
// $ref in it (Redocly's lint, `npm run lint:spec`, is the first).
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiVersions, openApiDocument } from '../../src/openapi-document.js';

describe('each version’s OpenAPI document, as another tool reads it', () => {
  it.each(apiVersions)('API %s is a valid OpenAPI 3.1 document whose references all resolve', async (version) => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument(version));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('rejects a document that breaks the OpenAPI schema, so the check above can fail', async () => {
    const broken = openApiDocument('1.51');
    (broken.paths as Record<string, unknown>)['/_ping'] = { get: { responses: 'none' } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('rejects a reference to a schema the document lacks', async () => {
    const dangling = openApiDocument('1.51');
    const ping = (dangling.paths as Record<string, { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>)['/_ping'];
    ping!.get.responses['500']!.content['application/json']!.schema = { $ref: '#/components/schemas/NoSuchSchema' };
    const result = await new Validator().validate(dangling);
    expect(result.valid).toBe(false);
    expect(JSON.stringify(result.errors)).toContain('NoSuchSchema');
  });
});
