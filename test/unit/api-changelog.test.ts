import { describe, expect, it } from 'vitest';
import { apiChangelog, changelogHtml, type VersionChanges } from '../../scripts/generate/changelog.mjs';
import { apiVersions, openApiSource } from '../../src/openapi-document.js';

const log = apiChangelog(openApiSource());
const at = (version: string): VersionChanges => {
  const entry = log.versions.find((candidate) => candidate.version === version);
  if (!entry) throw new Error(`no changelog entry for ${version}`);
  return entry;
};

describe('the changelog of API versions, from the spec’s version marks', () => {
  it('has one entry per version after the oldest, newest first', () => {
    expect(log.versions.map((entry) => entry.version)).toEqual(apiVersions.slice(1).reverse());
  });

  it('lists what a version adds, where it sits (x-api since)', () => {
    expect(at('1.42').added).toContainEqual(expect.stringMatching(/^`POST \/containers\/\{id\}\/stop` parameter `signal`: /));
    expect(at('1.44').added).toContainEqual(expect.stringMatching(/^`EndpointSettings\.DNSNames`: /));
    expect(at('1.43').added).not.toContainEqual(expect.stringMatching(/DNSNames/));
  });

  it('lists enum values a version adds (x-api-enum)', () => {
    expect(at('1.42').added).toContain('value `cluster` of `MountType`');
  });

  it('lists what a version removes and deprecates (x-api removed, deprecated)', () => {
    expect(at('1.53').removed).toContainEqual(expect.stringMatching(/^`SystemDataUsageResponse\.Images`: /));
    expect(at('1.53').deprecated).toContainEqual(expect.stringMatching(/^`POST \/session`: /));
  });

  it('says what a change does (x-api-changes): fields that become always sent', () => {
    expect(at('1.44').changed).toContain('`ContainerEndpoint`: always sent from now on: `DNSNames`');
  });

  it('renders the same entries as HTML for the docs, code spans escaped', () => {
    const html = changelogHtml(log);
    expect(html).toContain('<h2 id="v1.44">API 1.44</h2>');
    expect(html).toContain('<li><code>EndpointSettings.DNSNames</code>: ');
    expect(html).not.toMatch(/<li>[^<]*`/);
  });
});
