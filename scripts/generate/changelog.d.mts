// Types of changelog.mjs, for the tests that read the changelog it builds.
export interface VersionChanges {
  version: string;
  added: string[];
  changed: string[];
  deprecated: string[];
  removed: string[];
}
export interface ApiChangelog {
  oldest: string;
  newest: string;
  versions: VersionChanges[];
}
export function apiChangelog(full: { [key: string]: unknown }): ApiChangelog;
export function changelogMarkdown(log: ApiChangelog): string;
export function changelogHtml(log: ApiChangelog): string;
