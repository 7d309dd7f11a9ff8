import { run } from './run.mjs';

export async function bridgeExists(name) {
  return (await run('ip', ['link', 'show', 'dev', name], { allowFailure: true })).code === 0;
}

/** Creates the bridge with its gateway address (dockerd --bridge needs it to exist) unless it is there. */
export async function ensureBridge(name, gatewayCidr) {
  if (!(await bridgeExists(name))) await run('ip', ['link', 'add', name, 'type', 'bridge']);
  const addresses = (await run('ip', ['-4', '-o', 'addr', 'show', 'dev', name])).stdout;
  if (!addresses.includes(` ${gatewayCidr} `)) await run('ip', ['addr', 'add', gatewayCidr, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}

export async function removeBridge(name) {
  if (await bridgeExists(name)) await run('ip', ['link', 'delete', name]);
}
