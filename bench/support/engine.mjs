// Plain JSON requests straight over an engine socket, to set up and clean up the benchmark's
// containers without going through any of the clients being measured.
import { request } from 'node:http';

export function engineJson(socketPath, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath, method, path, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates a busybox container (no network) and returns its ID; `start` also waits for it to exit. */
export async function busyboxContainer(socketPath, { cmd, logConfig, start = false }) {
  const body = {
    Image: 'busybox:latest',
    Cmd: cmd,
    Labels: { 'bench.run': String(process.pid) },
    HostConfig: { NetworkMode: 'none', ...(logConfig ? { LogConfig: logConfig } : {}) },
  };
  const { Id } = await engineJson(socketPath, 'POST', '/containers/create', body);
  if (start) {
    await engineJson(socketPath, 'POST', `/containers/${Id}/start`);
    await engineJson(socketPath, 'POST', `/containers/${Id}/wait`);
  }
  return Id;
}

export function removeContainer(socketPath, id) {
  return engineJson(socketPath, 'DELETE', `/containers/${id}?force=1`).catch(() => undefined);
}
