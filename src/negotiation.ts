// Asks the engine which API versions it speaks (once per client) and settles on one.
import { chooseApiVersion, type ApiVersion } from './api-version.js';
import type { Connection } from './connection/dispatcher.js';
import { apiErrorFrom, DockerResponseError } from './errors.js';
import { send } from './transport.js';

async function getUnversioned(connection: Connection, path: string, operation: string, signal?: AbortSignal) {
  const context = { operation };
  const response = await send(connection, { method: 'GET', path, signal, context });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw apiErrorFrom(response.statusCode, text, { method: 'GET', path }, context);
  return { headers: response.headers, text };
}

/** `/_ping` gives the newest version the engine speaks; `/version` its oldest, needed to check a pin. */
export async function negotiateApiVersion(connection: Connection, pinned: string | undefined, signal?: AbortSignal): Promise<ApiVersion> {
  const ping = await getUnversioned(connection, '/_ping', 'SystemPing', signal);
  const max = ping.headers['api-version'];
  if (typeof max !== 'string' || !/^\d+\.\d+$/.test(max)) {
    throw new DockerResponseError(`the engine's /_ping answer carries no usable Api-Version header (got ${JSON.stringify(max)})`, { operation: 'SystemPing' });
  }
  if (pinned === undefined) return chooseApiVersion({ max });
  const version = await getUnversioned(connection, '/version', 'SystemVersion', signal);
  let min: unknown;
  try {
    min = (JSON.parse(version.text) as { MinAPIVersion?: unknown }).MinAPIVersion;
  } catch (error) {
    throw new DockerResponseError(`the engine's /version answer is not valid JSON`, { operation: 'SystemVersion' }, { cause: error });
  }
  return chooseApiVersion({ max, min: typeof min === 'string' ? min : undefined }, pinned);
}

/** Negotiates on first use and remembers the result; a failed attempt is forgotten so the next call retries. */
export function versionResolver(connection: Connection, pinned: string | undefined) {
  let settled: Promise<ApiVersion> | undefined;
  return (signal?: AbortSignal): Promise<ApiVersion> => {
    settled ??= negotiateApiVersion(connection, pinned, signal).catch((error: unknown) => {
      settled = undefined;
      throw error;
    });
    return settled;
  };
}
