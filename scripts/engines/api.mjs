import { request } from 'node:http';

/**
 * One HTTP request to a Docker engine over its unix socket.
 * `body` may be a string, a Buffer or a readable stream. Resolves with the status and the whole body.
 */
export function engineRequest(socketPath, method, path, { body, headers = {}, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') return void body.pipe(req);
    req.end(body);
  });
}

/** True when the engine answers GET /_ping with 200. */
export async function pingEngine(socketPath) {
  try {
    return (await engineRequest(socketPath, 'GET', '/_ping', { timeoutMs: 2_000 })).status === 200;
  } catch {
    return false;
  }
}

/** GET /version, parsed; throws with the engine's answer when it is not 200. */
export async function engineVersion(socketPath) {
  const { status, body } = await engineRequest(socketPath, 'GET', '/version');
  if (status !== 200) throw new Error(`GET /version on ${socketPath} answered ${status}: ${body}`);
  return JSON.parse(body);
}
