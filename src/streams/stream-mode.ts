// Decides whether an output stream (logs, attach, exec) is raw (TTY) or multiplexed. Where the
// operation's table row says the engine labels multiplexed output as such (from API 1.42), the
// Content-Type tells; before that the engine says `raw-stream` either way (20.10 does, and so does
// a newer engine addressed at an older version), so the TTY setting must decide.
import type { IncomingHttpHeaders } from 'node:http';
import { offers, type EngineRequest } from '../request/build-request.js';

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/** The TTY setting the Content-Type states, or undefined when it cannot be trusted or is absent. */
export function ttyFromContentType(headers: IncomingHttpHeaders, request: Pick<EngineRequest, 'row' | 'context'>): boolean | undefined {
  const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType === MULTIPLEXED) return false;
  if (contentType === RAW && offers(request.row, MULTIPLEXED, request.context.apiVersion!)) return true;
  return undefined;
}
