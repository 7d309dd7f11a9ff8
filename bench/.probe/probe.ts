import { Agent, request } from 'undici';
import { createDocker } from '/work/main/src/index.js';
const [socketPath, id] = process.argv.slice(2) as [string, string];
const mode = process.argv[4];
const t0 = performance.now();
if (mode === 'raw') {
  const dispatcher = new Agent({ connect: { socketPath }, bodyTimeout: 0 });
  const { body } = await request(`http://localhost/v1.51/containers/${id}/logs?follow=1&stdout=1&stderr=1`, { dispatcher });
  let chunks = 0, bytes = 0;
  for await (const c of body) { chunks++; bytes += (c as Buffer).length; }
  console.log('raw', chunks, bytes, (performance.now() - t0) / 1000);
} else {
  const docker = createDocker({ socketPath });
  let batches = 0, frames = 0, bytes = 0;
  for await (const b of docker.logs(id, { follow: true }).batches()) { batches++; for (const f of b) { frames++; bytes += f.data.length; } }
  console.log('lib batches', batches, frames, bytes, (performance.now() - t0) / 1000);
}
process.exit(0);
