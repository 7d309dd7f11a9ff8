// npm run quickstart (or example:streams, example:shell): runs examples/quickstart.ts (or the example
// named as the argument, passing on the arguments after it) against DOCKER_HOST or the default
// socket when an engine answers there; otherwise brings up this project's private newest engine
// (see scripts/engines.mjs), runs the example against it, and stops the engine again if it
// started it.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { enginesDown, enginesStatus, enginesUp } from './engines/index.mjs';

function answersPing(socketPath) {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const example = process.argv[2] ?? 'examples/quickstart.ts';

function runExample(env) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', example, ...process.argv.slice(3)], { stdio: 'inherit', env });
  return result.status ?? 1;
}

let status;
if (process.env.DOCKER_HOST || (await answersPing('/var/run/docker.sock'))) {
  status = runExample(process.env);
} else {
  console.log('no engine configured: using a private one (scripts/engines.mjs up newest)');
  const [before] = await enginesStatus(['newest']);
  const [engine] = await enginesUp(['newest']);
  try {
    status = runExample({ ...process.env, DOCKER_HOST: `unix://${engine.socket}` });
  } finally {
    if (!before.up) await enginesDown(['newest']);
  }
}
process.exit(status);
