// A stand-in engine for the demultiplexing benchmark: a unix-socket HTTP server whose container
// `<frame size>-<MiB>` has logs of that many MiB of content, cut into frames of that size
// (`GET /containers/65536-256/logs`). It runs in its own process so serving costs the measured
// client nothing but the socket. Prints its socket path once it listens.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
const socketPath = join(dir, 'engine.sock');

/** About 1 MiB (or one frame, if larger) of whole frames, alternating stdout and stderr. */
function block(frameSize) {
  const count = Math.max(1, Math.floor((1024 * 1024) / frameSize));
  const frames = [];
  for (let i = 0; i < count; i++) {
    const frame = Buffer.alloc(8 + frameSize, 0x61 + (i % 26));
    frame.fill(0, 0, 8);
    frame[0] = 1 + (i % 2);
    frame.writeUInt32BE(frameSize, 4);
    frames.push(frame);
  }
  return { bytes: Buffer.concat(frames), payload: count * frameSize };
}

const blocks = new Map();

async function serveLogs(res, frameSize, payloadBytes) {
  if (!blocks.has(frameSize)) blocks.set(frameSize, block(frameSize));
  const { bytes, payload } = blocks.get(frameSize);
  res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream', 'Api-Version': '1.51' });
  for (let sent = 0; sent < payloadBytes && !res.destroyed; sent += payload) {
    if (!res.write(bytes)) await once(res, 'drain');
  }
  res.end();
}

const server = createServer((req, res) => {
  if (req.url === '/_ping') {
    res.writeHead(200, { 'Api-Version': '1.51', 'Content-Type': 'text/plain' });
    return res.end('OK');
  }
  const match = /\/containers\/(\d+)-(\d+)\/logs/.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    return res.end('{"message":"not here"}');
  }
  serveLogs(res, Number(match[1]), Number(match[2]) * 1024 * 1024).catch(() => res.destroy());
});

server.listen(socketPath, () => console.log(socketPath));
// Asked to stop (or left alone by the runner): go at once, whatever is still being served.
const stop = () => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
