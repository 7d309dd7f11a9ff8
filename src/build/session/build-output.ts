// Where a BuildKit build's result goes when it is not an image: a local folder (`local`) or a tar
// archive written to a stream (`tar`), as `docker build --output` does. The engine exports it over
// the session, calling the FileSend service the client serves: raw tar bytes for `tar`, the
// file-sync protocol for `local` (folder-receiver.ts).
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { DockerUsageError } from '../../errors.js';
import { wireFields } from '../../protocols/protobuf-wire.js';
import { receiveFolder } from './folder-receiver.js';
import type { GrpcMethod } from './grpc-host.js';

export type BuildOutput = { readonly type: 'local'; readonly dest: string } | { readonly type: 'tar'; readonly to: NodeJS.WritableStream };

const FILE_SEND = '/moby.filesync.v1.FileSend/DiffCopy';

/** Fails before anything is sent when the output cannot take a build's result. */
export async function checkOutput(output: BuildOutput): Promise<void> {
  const context = { operation: 'ImageBuild' };
  if (output.type === 'tar') {
    if (typeof (output.to as { write?: unknown } | undefined)?.write !== 'function')
      throw new DockerUsageError("a 'tar' output needs `to`, a writable stream", context);
    return;
  }
  if (output.type !== 'local')
    throw new DockerUsageError(`an output's type is 'local' or 'tar', not ${JSON.stringify((output as { type: unknown }).type)}`, context);
  const present = await readdir(output.dest).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new DockerUsageError(`the output folder ${output.dest} cannot be read (${error.code ?? error.message})`, context, { cause: error });
  });
  // Nothing already there is overwritten or mixed in with the result.
  if (present.length > 0) throw new DockerUsageError(`the output folder ${output.dest} is not empty; a local output goes into a new or empty folder`, context);
}

/** The FileSend method for `output`, and a promise that settles once the whole output is written. */
export function outputMethods(output: BuildOutput): { methods: Map<string, GrpcMethod>; written: Promise<void> } {
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const written = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Handled by whoever awaits the build; unhandled until then would crash a program that does not.
  written.catch(() => undefined);
  const receive = async (incoming: AsyncIterable<Buffer>, send: (message: Uint8Array) => Promise<void>) => {
    try {
      if (output.type === 'local') await receiveFolder(output.dest, incoming, send);
      else await writeTar(incoming, output.to);
      settle.resolve();
    } catch (error) {
      settle.reject(error);
      throw error;
    }
  };
  return { methods: new Map([[FILE_SEND, { streaming: receive }]]), written };
}

/** The tar arrives as BytesMessage records (data = 1); the destination is ended with the archive. */
async function writeTar(incoming: AsyncIterable<Buffer>, to: NodeJS.WritableStream): Promise<void> {
  for await (const message of incoming) {
    for (const field of wireFields(message)) {
      if (field.number === 1 && field.bytes.length > 0 && !to.write(field.bytes)) await once(to as NodeJS.EventEmitter, 'drain');
    }
  }
  to.end();
}
