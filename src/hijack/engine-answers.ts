// A hijacked connection ends the same way whether the process ended or the engine died: the
// socket closes between two frames, with nothing to tell the two apart. Asking the engine for
// /_ping does: an engine that answers ended the stream on purpose.
import type { Connection } from '../connection/dispatcher.js';
import type { DockerErrorContext } from '../errors.js';
import { connectionError, send } from '../transport.js';

// An engine that cannot answer a ping in this long is not going to finish the session either.
const PING_DEADLINE_MS = 5_000;

/** Resolves when the engine answers; rejects with a DockerConnectionError when it does not. */
export async function confirmEngineAnswers(connection: Connection, context: DockerErrorContext): Promise<void> {
  const deadline = AbortSignal.timeout(PING_DEADLINE_MS);
  try {
    const response = await send(connection, { method: 'GET', path: '/_ping', signal: deadline, context });
    await response.body.dump();
  } catch (error) {
    throw deadline.aborted ? connectionError(connection, new Error(`no answer to a ping within ${PING_DEADLINE_MS} ms after the stream ended`), context) : error;
  }
}
