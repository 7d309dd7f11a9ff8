// Build secrets served to the engine over the session (`RUN --mount=type=secret,id=…`): the
// engine asks for a secret by ID while the step runs, and it is mounted for that step only, so
// it never lands in a layer. A secret's value is read when asked for and appears in no error.
import { readFile } from 'node:fs/promises';
import { DockerUsageError } from '../../errors.js';
import { GRPC_NOT_FOUND, GrpcStatusError } from '../../protocols/grpc-messages.js';
import { text, wireFields } from '../../protocols/protobuf-wire.js';
import { encodeMessage } from '../../protocols/protobuf-writer.js';
import type { GrpcMethod } from './grpc-host.js';

/** Where a secret's value comes from: the value itself, a file, or an environment variable. */
export type SecretSource = { readonly value: string | Uint8Array } | { readonly file: string } | { readonly env: string };

const GET_SECRET = '/moby.buildkit.secrets.v1.Secrets/GetSecret';

/** Fails before anything is sent when a source cannot give a value (the error names the ID and the source, never a value). */
export async function checkSecrets(secrets: Readonly<Record<string, SecretSource>>): Promise<void> {
  for (const [id, source] of Object.entries(secrets)) {
    if ('file' in source) {
      await readFile(source.file).catch((error: NodeJS.ErrnoException) => {
        throw new DockerUsageError(`build secret "${id}": cannot read ${source.file} (${error.code ?? error.message})`, { operation: 'ImageBuild' });
      });
    } else if ('env' in source && process.env[source.env] === undefined) {
      throw new DockerUsageError(`build secret "${id}": the environment variable ${source.env} is not set`, { operation: 'ImageBuild' });
    } else if (!('file' in source) && !('env' in source) && !('value' in source)) {
      throw new DockerUsageError(`build secret "${id}" needs one of value, file or env`, { operation: 'ImageBuild' });
    }
  }
}

/** The Secrets service: GetSecretRequest (ID = 1) answered with GetSecretResponse (data = 1). */
export function secretMethods(secrets: Readonly<Record<string, SecretSource>>): Map<string, GrpcMethod> {
  const getSecret = async (request: Buffer): Promise<Buffer> => {
    let id = '';
    for (const field of wireFields(request)) if (field.number === 1) id = text(field);
    const source = Object.hasOwn(secrets, id) ? secrets[id] : undefined;
    // BuildKit turns NOT_FOUND into "secret … not found", or skips the mount when it is optional.
    if (!source) throw new GrpcStatusError(GRPC_NOT_FOUND, `no secret "${id}" was given to this build`);
    return encodeMessage([{ number: 1, bytes: await secretValue(id, source) }]);
  };
  return new Map([[GET_SECRET, { unary: getSecret }]]);
}

async function secretValue(id: string, source: SecretSource): Promise<Uint8Array> {
  if ('value' in source) return typeof source.value === 'string' ? Buffer.from(source.value, 'utf8') : source.value;
  if ('file' in source) return readFile(source.file);
  const value = process.env[source.env];
  if (value === undefined) throw new GrpcStatusError(GRPC_NOT_FOUND, `secret "${id}": ${source.env} is no longer set`);
  return Buffer.from(value, 'utf8');
}
