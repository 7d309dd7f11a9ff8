// Types of versions.mjs, for the TypeScript module that ships the derivation (src/openapi-document.ts).
export type OpenApiObject = { [key: string]: unknown };
export function compareVersions(a: string, b: string): number;
export function versionRange(oldest: string, newest: string): string[];
export function presentIn(mark: { since?: string; removed?: string } | undefined, version: string): boolean;
export const HTTP_METHODS: string[];
export function documentFor(full: OpenApiObject, version: string): OpenApiObject;
