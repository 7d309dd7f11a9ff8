// A hijacked connection ends the same way whether the process ended or the engine died: the
// socket closes between two frames, with nothing to tell the two apart. Asking the engine for
// /_ping does: an engine that answers ended the stream on purpose.
import type { Connection } from '../connection/connect.js';
import type { DockerErrorContext } from '../errors.js';
import { discardBody } from '../request/answer-body.js';
import { buildRequest } from '../request/build-request.js';
import { requestFailure } from '../request/failure.js';
import { askEngine } from '../request/operation-call.js';

// An engine that cannot answer a ping in this long is not going to finish the session either.
const PING_DEADLINE_MS = 5_000;

/** Resolves when the engine answers; rejects with a DockerConnectionError (in the session's context) when it does not. */
export async function confirmEngineAnswers(connection: Connection, context: DockerErrorContext): Promise<void> {
  const deadline = AbortSignal.timeout(PING_DEADLINE_MS);
  const ping = { ...buildRequest('SystemPing', {}, undefined), context };
  try {
    const answer = await askEngine(connection, ping, { signal: deadline });
    await discardBody(answer.body, answer.origin);
  } catch (error) {
    throw requestFailure(connection, ping, deadline.aborted ? new Error(`no answer to a ping within ${PING_DEADLINE_MS} ms after the stream ended`) : error);
  }
}
