// Swarm set-up and clean-up straight over the engine socket, outside the operations under test,
// so that leaving the swarm still works when the client or the spec is broken.
import { request } from 'node:http';

/** The label value the swarm tests put on the swarms they create (`test.suite`). */
export const SWARM_MARKER = 'docker-engine-typed-swarm';

function call(socketPath: string, method: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The engine's swarm state, and the `test.suite` label of its swarm when it is a manager of one. */
export async function swarmState(socketPath: string): Promise<{ LocalNodeState: string; marker?: string }> {
  const info = await call(socketPath, 'GET', '/info');
  if (info.status !== 200) throw new Error(`GET /info answered ${info.status}: ${info.text}`);
  const swarm = (JSON.parse(info.text) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }).Swarm ?? {};
  const state = { LocalNodeState: swarm.LocalNodeState ?? 'inactive' } as { LocalNodeState: string; marker?: string };
  if (swarm.ControlAvailable) {
    const inspect = await call(socketPath, 'GET', '/swarm');
    if (inspect.status === 200) state.marker = (JSON.parse(inspect.text) as { Spec?: { Labels?: Record<string, string> } }).Spec?.Labels?.['test.suite'];
  }
  return state;
}

/** Leaves the swarm with `force`; being in no swarm is fine. */
export async function forceLeaveSwarm(socketPath: string): Promise<void> {
  const answer = await call(socketPath, 'POST', '/swarm/leave?force=1');
  if (answer.status === 200) return;
  if (answer.status === 503 && /not part of a swarm/.test(answer.text)) return;
  throw new Error(`POST /swarm/leave?force=1 answered ${answer.status}: ${answer.text}`);
}
