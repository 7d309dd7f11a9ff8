// `docker-engine-typed/openapi`: the OpenAPI document of any API version, derived on demand from
// the one all-versions document the package ships (version marks kept), by the same code that
// writes generated/openapi/v*.json. Fifteen finished documents would weigh 9 MB; the source and
// the derivation weigh half a megabyte.
import { openApiSourceText } from '../generated/openapi-source.js';
import { apiVersions, type ApiVersion } from '../generated/versions.js';
import { documentFor } from '../scripts/generate/versions.mjs';
import { DockerUsageError } from './errors.js';

/** A JSON object of an OpenAPI 3.1 document. */
export type OpenApiDocument = { [key: string]: unknown };

/**
 * The spec as written: every API version in one document, with the `x-api`, `x-api-enum` and
 * `x-api-changes` marks that say in which versions each part exists (described in the spec's README).
 */
export function openApiSource(): OpenApiDocument {
  return JSON.parse(openApiSourceText) as OpenApiDocument;
}

/** The OpenAPI document of one API version: only what exists in it, marks turned into descriptions. */
export function openApiDocument(version: ApiVersion): OpenApiDocument {
  if (!(apiVersions as readonly string[]).includes(version)) {
    throw new DockerUsageError(`no OpenAPI document for API version ${String(version)}; known versions are ${apiVersions.join(', ')}`);
  }
  return documentFor(openApiSource(), version);
}

export { apiVersions, type ApiVersion };
