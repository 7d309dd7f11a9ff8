// The session's gRPC services (src/build/session/), served by serveGrpc on one end of a unix
// socket and called by node:http2's client on the other, as the engine calls them over the
// upgraded connection: secrets, health, registry credentials, unknown methods, malformed calls, and
// ssh agent forwarding relayed to a real ssh-agent. Builds that use them are in
// test/engine/build-session.test.ts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as http2Connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGrpc, type GrpcMethod } from '../../src/build/session/grpc-host.js';
import { registryCredentialMethods } from '../../src/build/session/registry-credentials.js';
import { checkSecrets, secretMethods } from '../../src/build/session/secrets.js';
import { prepareSshAgents, sshMethods, type SshAgents } from '../../src/build/session/ssh-forward.js';
import { DockerUsageError } from '../../src/errors.js';
import { frameMessage, GrpcMessageReader } from '../../src/protocols/grpc-messages.js';
import { text, wireFields } from '../../src/protocols/protobuf-wire.js';
import { encodeMessage } from '../../src/protocols/protobuf-writer.js';

const work = mkdtempSync(join(tmpdir(), 'session-grpc-'));
const secretFile = join(work, 'token.txt');
writeFileSync(secretFile, 'from-a-file\n');
process.env.SESSION_TEST_SECRET = 'from-the-env';

interface Answer {
  headers: IncomingHttpHeaders;
  messages: Buffer[];
  trailers: IncomingHttpHeaders;
}

/** One gRPC call as the engine makes it: the messages sent, then everything the answer holds. */
async function call(client: ClientHttp2Session, path: string, requests: Uint8Array[], metadata: Record<string, string> = {}): Promise<Answer> {
  const stream = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
  let headers: IncomingHttpHeaders = {};
  let trailers: IncomingHttpHeaders = {};
  stream.on('response', (received) => (headers = received));
  stream.on('trailers', (received) => (trailers = received));
  for (const request of requests) stream.write(frameMessage(request));
  stream.end();
  const reader = new GrpcMessageReader();
  const messages: Buffer[] = [];
  for await (const chunk of stream) messages.push(...reader.push(chunk as Buffer));
  return { headers, messages, trailers };
}

/** The status of an answer: in the trailers, or in the headers of a trailers-only answer. */
const statusOf = (answer: Answer) => Number(answer.trailers['grpc-status'] ?? answer.headers['grpc-status']);
const field = (message: Buffer, number: number) => [...wireFields(message)].find((f) => f.number === number);

let server: Server;
let client: ClientHttp2Session;
let agents: SshAgents;
let publicKey: string;

beforeAll(async () => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'session-test', '-f', join(work, 'id_test')]);
  publicKey = execFileSync('ssh-keygen', ['-lf', join(work, 'id_test.pub')], { encoding: 'utf8' }).split(' ')[1]!;
  agents = await prepareSshAgents({ default: { keys: [join(work, 'id_test')] } });
  const methods = new Map<string, GrpcMethod>([
    ...secretMethods({ token: { value: 's3cr3t' }, fromFile: { file: secretFile }, fromEnv: { env: 'SESSION_TEST_SECRET' } }),
    ...registryCredentialMethods(
      { '127.0.0.1:5000': { username: 'tester', password: 'pw' }, 'https://index.docker.io/v1/': { identitytoken: 'refresh' } },
      undefined,
    ),
    ...sshMethods(agents),
  ]);
  const socketPath = join(work, 'session.sock');
  server = createServer((socket) => serveGrpc(socket, methods));
  server.listen(socketPath);
  await once(server, 'listening');
  client = http2Connect('http://session', { createConnection: () => connect(socketPath) });
});

afterAll(() => {
  client?.close();
  server?.close();
  agents?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('build session services', () => {
  it('hands out each secret from its value, its file or its environment variable', async () => {
    for (const [id, expected] of [
      ['token', 's3cr3t'],
      ['fromFile', 'from-a-file\n'],
      ['fromEnv', 'from-the-env'],
    ]) {
      const answer = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [encodeMessage([{ number: 1, bytes: id! }])]);
      expect(statusOf(answer)).toBe(0);
      expect(text(field(answer.messages[0]!, 1)!)).toBe(expected);
    }
  });

  it('answers NOT_FOUND for a secret the build was not given, naming only its ID', async () => {
    const answer = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [encodeMessage([{ number: 1, bytes: 'other' }])]);
    expect(statusOf(answer)).toBe(5);
    expect(decodeURIComponent(String(answer.headers['grpc-message']))).toBe('no secret "other" was given to this build');
    expect(answer.messages).toEqual([]);
  });

  it('answers UNIMPLEMENTED for a method it does not serve', async () => {
    const answer = await call(client, '/moby.filesync.v1.FileSync/DiffCopy', []);
    expect(statusOf(answer)).toBe(12);
  });

  it('answers a malformed request with a status, and keeps serving', async () => {
    const broken = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [Buffer.from([0x0a, 0x7f])]);
    expect(statusOf(broken)).toBe(13);
    const twoMessages = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [encodeMessage([]), encodeMessage([])]);
    expect(statusOf(twoMessages)).toBe(12);
    const after = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [encodeMessage([{ number: 1, bytes: 'token' }])]);
    expect(statusOf(after)).toBe(0);
  });

  it('gives registry credentials by host: user and password, a refresh token alone, nothing for an unknown registry', async () => {
    const credentials = async (host: string) => {
      const answer = await call(client, '/moby.filesync.v1.Auth/Credentials', [encodeMessage([{ number: 1, bytes: host }])]);
      expect(statusOf(answer)).toBe(0);
      const message = answer.messages[0]!;
      return { username: field(message, 1) && text(field(message, 1)!), secret: field(message, 2) && text(field(message, 2)!) };
    };
    expect(await credentials('127.0.0.1:5000')).toEqual({ username: 'tester', secret: 'pw' });
    expect(await credentials('registry-1.docker.io')).toEqual({ username: undefined, secret: 'refresh' });
    expect(await credentials('elsewhere.example')).toEqual({ username: '', secret: '' });
  });

  it('checks ssh agents by ID', async () => {
    expect(statusOf(await call(client, '/moby.sshforward.v1.SSH/CheckAgent', [encodeMessage([{ number: 1, bytes: 'default' }])]))).toBe(0);
    expect(statusOf(await call(client, '/moby.sshforward.v1.SSH/CheckAgent', [encodeMessage([])]))).toBe(0);
    expect(statusOf(await call(client, '/moby.sshforward.v1.SSH/CheckAgent', [encodeMessage([{ number: 1, bytes: 'deploy' }])]))).toBe(5);
  });

  it('relays the ssh agent protocol: the identities it lists hold the key given as a file', async () => {
    // SSH_AGENTC_REQUEST_IDENTITIES (11), length-prefixed, as an agent client sends it.
    // The step's agent client keeps its connection open until it has the reply, then closes it.
    const stream = client.request({
      ':method': 'POST',
      ':path': '/moby.sshforward.v1.SSH/ForwardAgent',
      'content-type': 'application/grpc',
      te: 'trailers',
      'buildkit.ssh.id': 'default',
    });
    let trailers: IncomingHttpHeaders = {};
    stream.on('trailers', (received) => (trailers = received));
    stream.write(frameMessage(encodeMessage([{ number: 1, bytes: Buffer.from([0, 0, 0, 1, 11]) }])));
    const reader = new GrpcMessageReader();
    const parts: Buffer[] = [];
    for await (const chunk of stream) {
      for (const message of reader.push(chunk as Buffer)) parts.push(Buffer.from(field(message, 1)!.bytes));
      const got = Buffer.concat(parts);
      if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) stream.end();
    }
    expect(trailers['grpc-status']).toBe('0');
    const reply = Buffer.concat(parts);
    expect(reply[4]).toBe(12); // SSH_AGENT_IDENTITIES_ANSWER
    expect(reply.readUInt32BE(5)).toBe(1);
    const blobLength = reply.readUInt32BE(9);
    const blob = reply.subarray(13, 13 + blobLength);
    const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
    expect(fingerprint).toBe(publicKey);
  });

  it('refuses unusable sources before a build starts, without showing any value', async () => {
    await expect(checkSecrets({ missing: { file: join(work, 'nope') } })).rejects.toThrow(DockerUsageError);
    delete process.env.SESSION_TEST_UNSET;
    await expect(checkSecrets({ unset: { env: 'SESSION_TEST_UNSET' } })).rejects.toThrow(/SESSION_TEST_UNSET is not set/);
    await expect(prepareSshAgents({ default: { keys: [join(work, 'no-such-key')] } })).rejects.toThrow(DockerUsageError);
    await expect(prepareSshAgents({ default: { agent: undefined } })).rejects.toThrow(process.env.SSH_AUTH_SOCK ? Error : /SSH_AUTH_SOCK is not set/);
  });
});
