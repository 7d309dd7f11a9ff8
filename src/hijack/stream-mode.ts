// Decides whether a hijacked stream is raw (TTY) or multiplexed. From API 1.42 the engine says so
// in the Content-Type; before that it always answers `raw-stream`, even when it multiplexes
// (20.10 does, and so does a newer engine addressed at /v1.41), so the TTY setting decides.
import type { IncomingHttpHeaders } from 'node:http';
import { compareApiVersions } from '../api-version.js';

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/** The TTY setting the Content-Type states, or undefined when it cannot be trusted or is absent. */
export function ttyFromContentType(headers: IncomingHttpHeaders, apiVersion: string): boolean | undefined {
  const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType === MULTIPLEXED) return false;
  if (contentType === RAW && compareApiVersions(apiVersion, '1.42') >= 0) return true;
  return undefined;
}
