// The transports and failure paths on every runtime, from the installed package: a private TLS
// engine (--tlsverify, certificates made with openssl) and a private OpenSSH server whose sessions
// reach the newest engine through `docker system dial-stdio`, as in the engine tests. What a
// runtime cannot do must surface as a typed DockerError; programs/runtime-features.ts says what runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeTlsTestCertificates } from '../../scripts/engines/certificates.mjs';
import { makeSshKeyPair, sshdDown, sshdUp } from '../../scripts/engines/sshd.mjs';
import { tlsEngineDown, tlsEngineUp } from '../../scripts/engines/tls-engine.mjs';
import { runCollecting } from '../support/examples.js';
import { copyProgram } from './support/fresh-project.js';
import { runProgram } from './support/runtimes.js';

const { project, runtimes, engine } = inject('packageSetup');
const program = copyProgram('test/package/programs/runtime-features.ts', project);
const dir = mkdtempSync(join(tmpdir(), 'runtime-features-'));
let env: Record<string, string>;

beforeAll(async () => {
  const certs = await makeTlsTestCertificates(join(dir, 'certs'));
  const tlsEngine = await tlsEngineUp({ caFile: certs.ca.certFile, certFile: certs.server.certFile, keyFile: certs.server.keyFile });
  const key = await makeSshKeyPair(join(dir, 'ssh'));
  const sshd = await sshdUp({ authorizedKeys: [key.publicKey], environment: { DOCKER_HOST: `unix://${engine.socket}` } });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  env = {
    ENGINE_SOCKET: engine.socket,
    TLS_HOST: tlsEngine.host,
    TLS_CERTS: certs.client.dir,
    SSH_HOST: `ssh://root@127.0.0.1:${sshd.port}`,
    // Only this test's key and known host count, not the machine's ~/.ssh.
    SSH_ARGS: JSON.stringify([
      '-F',
      '/dev/null',
      '-i',
      key.keyFile,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
    ]),
  };
});

afterAll(async () => {
  await Promise.all([tlsEngineDown(), sshdDown()]);
  rmSync(dir, { recursive: true, force: true });
});

describe.each(runtimes)('transports and failures on $name ($version)', (runtime) => {
  it('TLS, ssh and WebSocket attach carry sessions with stdin, a BuildKit session serves a secret; what cannot work fails typed', async () => {
    const { code, output } = await runProgram(runtime, project, program, env);
    expect(code, output).toBe(0);
    const results = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, unknown>;
    const failure = (name: string, code: unknown, message: unknown = expect.any(String)) => ({ typed: true, name, code, message });
    expect(results).toEqual({
      webSocketAttach: 'over a websocket\n',
      buildKitSecret: 'built',
      tls: { apiVersion: engine.apiVersion, attach: 'over tls\n' },
      tlsWithoutClientCertificate: failure(
        'DockerConnectionError',
        expect.stringMatching(/^ERR_SSL_TLSV1.?_ALERT_CERTIFICATE_REQUIRED$/),
        expect.stringContaining('TLS: the engine demanded a client certificate and none was sent'),
      ),
      ssh: { apiVersion: engine.apiVersion, attach: 'over ssh\n' },
      sshProgramMissing: failure('DockerConnectionError', 'ERR_SSH_NOT_FOUND'),
      namedPipe: failure('DockerUsageError', undefined, expect.stringContaining('named pipes exist only on Windows')),
      abortedWait: { name: 'TimeoutError' },
      afterClose: failure('DockerConnectionError', 'ERR_CLIENT_CLOSED'),
    });
  });
});

const deno = runtimes.find((runtime) => runtime.name.startsWith('deno'))!;
const denoPermissions = copyProgram('test/package/programs/deno-permissions.ts', project);

it(`${deno.name}: a permission the program lacks is a typed error naming the flag`, async () => {
  const refusal = (name: string, flag: RegExp) => ({ typed: true, name, message: expect.stringMatching(flag) });
  const run = async (permissions: string[]) => {
    const { code, output } = await runCollecting(deno.binary, ['run', '--no-prompt', ...permissions, denoPermissions, engine.socket], {
      cwd: project,
      env: process.env,
    });
    expect(code, output).toBe(0);
    return JSON.parse(output.trim().split('\n').at(-1)!) as unknown;
  };
  // Starting ssh passes the environment on, so without --allow-env that is refused first.
  expect(await run(['--allow-read'])).toEqual({
    environment: refusal('DockerUsageError', /--allow-env/),
    socket: refusal('DockerConnectionError', /--allow-(net|write)/),
    ssh: refusal('DockerConnectionError', /--allow-env/),
  });
  expect(await run(['--allow-read', '--allow-env'])).toEqual({
    environment: 'succeeded',
    socket: refusal('DockerConnectionError', /--allow-(net|write)/),
    ssh: refusal('DockerConnectionError', /--allow-run/),
  });
});
