// Asks the engine which API versions it speaks (once per client) and settles on one. `/_ping`
// names the newest in its Api-Version header; `/version` names both ends (ApiVersion,
// MinAPIVersion). Proxies strip headers and some compatible servers never send it, so an engine
// whose ping carries none is asked `/version` before negotiation gives up.
import type { OperationId } from '../generated/operations.js';
import { chooseApiVersion, type ApiVersion } from './api-version.js';
import type { Connection } from './connection/connect.js';
import { DockerResponseError } from './errors.js';
import { bodyText } from './request/answer-body.js';
import { buildRequest } from './request/build-request.js';
import { askEngine } from './request/operation-call.js';

const VERSION_PATTERN = /^\d+\.\d+$/;

async function askUnversioned(connection: Connection, id: OperationId, signal?: AbortSignal) {
  const answer = await askEngine(connection, buildRequest(id, {}, undefined), { signal });
  return { headers: answer.headers, text: await bodyText(answer.body, answer.origin) };
}

interface VersionAnswer {
  ApiVersion?: unknown;
  MinAPIVersion?: unknown;
}

async function askVersion(connection: Connection, signal?: AbortSignal): Promise<VersionAnswer> {
  const { text } = await askUnversioned(connection, 'SystemVersion', signal);
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as VersionAnswer) : {};
  } catch (error) {
    throw new DockerResponseError(`the engine's /version answer is not valid JSON`, { operation: 'SystemVersion' }, { cause: error });
  }
}

const usable = (value: unknown): value is string => typeof value === 'string' && VERSION_PATTERN.test(value);

/** The version to talk at: the highest both sides speak, or the pinned one if the engine accepts it. */
export async function negotiateApiVersion(connection: Connection, pinned: string | undefined, signal?: AbortSignal): Promise<ApiVersion> {
  const ping = await askUnversioned(connection, 'SystemPing', signal);
  const header = ping.headers['api-version'];
  if (usable(header) && pinned === undefined) return chooseApiVersion({ max: header });
  const version = await askVersion(connection, signal);
  const max = usable(header) ? header : version.ApiVersion;
  if (!usable(max)) {
    throw new DockerResponseError(
      `cannot tell which API versions the engine speaks: its /_ping answer carries no usable Api-Version header (got ${JSON.stringify(header)}) and its /version answer no usable ApiVersion (got ${JSON.stringify(version.ApiVersion)})`,
      { operation: 'SystemVersion' },
    );
  }
  return chooseApiVersion({ max, min: usable(version.MinAPIVersion) ? version.MinAPIVersion : undefined }, pinned);
}

/** Negotiates on first use and remembers the result; a failed attempt is forgotten so the next call retries. */
export function versionResolver(connection: Connection, pinned: string | undefined) {
  let settled: Promise<ApiVersion> | undefined;
  let known: ApiVersion | undefined;
  const resolve = (signal?: AbortSignal): Promise<ApiVersion> => {
    settled ??= negotiateApiVersion(connection, pinned, signal).then(
      (version) => (known = version),
      (error: unknown) => {
        settled = undefined;
        throw error;
      },
    );
    return settled;
  };
  /** The version once negotiated, without a turn of the event loop: most calls come after the first. */
  return Object.assign(resolve, { known: () => known });
}
