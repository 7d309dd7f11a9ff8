// API version arithmetic and the negotiation rule.
import { apiVersions, newestApiVersion, oldestApiVersion, type ApiVersion } from '../generated/versions.js';
import { DockerVersionError } from './errors.js';

export { apiVersions, newestApiVersion, oldestApiVersion, type ApiVersion };

// Every request compares versions a few times (gates of the operation and its parameters): each
// distinct text is parsed once.
const ordinals = new Map<string, number>();

function ordinal(version: string): number {
  let value = ordinals.get(version);
  if (value === undefined) {
    const [major = 0, minor = 0] = version.split('.').map(Number);
    value = major * 1_000_000 + minor;
    if (ordinals.size < 1024) ordinals.set(version, value);
  }
  return value;
}

/** Negative when a < b, zero when equal, positive when a > b (`1.9` < `1.41`). */
export function compareApiVersions(a: string, b: string): number {
  return ordinal(a) - ordinal(b);
}

export function isApiVersion(value: string): value is ApiVersion {
  return (apiVersions as readonly string[]).includes(value);
}

export interface DaemonVersions {
  /** The newest version the engine speaks (`Api-Version` header of /_ping). */
  max: string;
  /** The oldest version the engine accepts (`MinAPIVersion` of /version), when known. */
  min?: string;
}

/**
 * Picks the version to talk at: the pinned one if the engine accepts it, otherwise the highest
 * version both sides speak. Throws when there is none.
 */
export function chooseApiVersion(daemon: DaemonVersions, pinned?: string): ApiVersion {
  if (pinned !== undefined) {
    if (!isApiVersion(pinned)) {
      throw new DockerVersionError(`API version ${pinned} is not one this client knows (${oldestApiVersion} to ${newestApiVersion})`);
    }
    if (compareApiVersions(pinned, daemon.max) > 0) {
      throw new DockerVersionError(`the client is pinned to API ${pinned} but the engine speaks at most ${daemon.max}`);
    }
    if (daemon.min && compareApiVersions(pinned, daemon.min) < 0) {
      throw new DockerVersionError(`the client is pinned to API ${pinned} but the engine accepts nothing older than ${daemon.min}`);
    }
    return pinned;
  }
  if (compareApiVersions(daemon.max, oldestApiVersion) < 0) {
    throw new DockerVersionError(`the engine speaks at most API ${daemon.max}; this client needs ${oldestApiVersion} or newer`);
  }
  const chosen = compareApiVersions(daemon.max, newestApiVersion) >= 0 ? newestApiVersion : daemon.max;
  if (!isApiVersion(chosen)) throw new DockerVersionError(`the engine reported an unusable API version "${daemon.max}"`);
  return chosen;
}
