// The clients the engine tests run against: each real engine at its own API version (strict
// conformance) and the newest engine pinned to the oldest version (lax conformance, since a
// newer engine may add fields an older version does not describe). Podman's answers are checked as
// strictly, but its differences are listed per operation (scripts/engines/conformance-report.mjs
// prints them; the engine run does at its end) rather than failing the tests.
import { inject } from 'vitest';
import { podmanDifferencesFile } from '../../../scripts/engines/conformance-report.mjs';
import { createDocker, type Docker } from '../../../src/index.js';
import { compareApiVersions, type ApiVersion } from '../../../src/api-version.js';
import { operationRows } from '../../../src/request/operation-call.js';
import { conformanceFor, reportingConformance, type Conformance } from './conformance.js';
import type { EngineInfo } from './global-setup.js';

export interface Target {
  label: string;
  engine: EngineInfo;
  /** The API version the client talks at. */
  apiVersion: ApiVersion;
  /** The client; every JSON answer it returns has been validated against the spec. */
  docker: Docker<'1.41'>;
  conformance: Conformance;
}

export function engines(): EngineInfo[] {
  return inject('engines');
}

export function targets(): Target[] {
  const list: Target[] = [];
  for (const engine of engines()) {
    list.push(makeTarget(engine, undefined));
    if (engine.apiVersion !== '1.41') list.push(makeTarget(engine, '1.41'));
  }
  return list;
}

/** Podman serves the same API as another implementation: tests that depend on Docker's own behaviour ask this. */
export function isPodman(engine: EngineInfo): boolean {
  return engine.name === 'podman';
}

function makeTarget(engine: EngineInfo, pinned: ApiVersion | undefined): Target {
  const apiVersion = (pinned ?? engine.apiVersion) as ApiVersion;
  const strict = compareApiVersions(apiVersion, engine.apiVersion) === 0;
  const conformance = isPodman(engine) ? reportingConformance(apiVersion, podmanDifferencesFile) : conformanceFor(apiVersion, strict);
  const docker = createDocker({ socketPath: engine.socket, ...(pinned ? { apiVersion: pinned } : {}) });
  const label = `${engine.name} ${engine.version} at API ${apiVersion}${pinned ? ' (pinned)' : ''}`;
  return { label, engine, apiVersion, docker: validating(docker, conformance) as Docker<'1.41'>, conformance };
}

// Wraps each operation method so every JSON answer is checked against the spec before the test sees it.
function validating(docker: object, conformance: Conformance): object {
  type Group = Record<string, (...args: unknown[]) => Promise<unknown>>;
  const source = docker as Record<string, Group>;
  const wrapped: Record<string, unknown> = { ...docker };
  for (const [id, row] of Object.entries(operationRows)) {
    const method = source[row.group]?.[row.name];
    if (!method || row.response !== 'json') continue;
    const group = (wrapped[row.group] = { ...(wrapped[row.group] as Group) }) as Group;
    group[row.name] = async (...args: unknown[]) => {
      const result = await method(...args);
      conformance.check(id, result);
      return result;
    };
  }
  return wrapped;
}
