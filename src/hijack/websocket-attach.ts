// docker.attachWebSocket(): attach over the WebSocket form of attach, meant for clients that
// cannot take over a raw connection (browsers, proxies that only pass WebSockets). Shaped like
// docker.attach(), except that the engine never multiplexes here: stdout carries stdout and stderr
// mixed, and stderr ends at once.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { DockerResponseError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { availableAt, operationRows } from '../request/build-request.js';
import { upgradeOperation, type OperationContext } from '../request/operation-call.js';
import { ATTACH_DEFAULTS, containerSession, containerTty } from './attach.js';
import type { HijackedStream, UpgradedStream } from './hijacked-stream.js';
import { websocketDuplex } from '../protocols/websocket-duplex.js';

/**
 * The parameters of ContainerAttachWebsocket at API version V. Before API 1.42 the operation has no
 * `stdin`/`stdout`/`stderr` parameters and the engine attaches all three: asking for one is then
 * what happens anyway, and leaving one out fails with DockerVersionError.
 */
export type AttachWebSocketOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'ContainerAttachWebsocket', V>, 'id'> & {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
};

// RFC 6455 4.2.2: the server proves it read the handshake by hashing the key with this GUID.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const STREAM_CHOICES = ['stdin', 'stdout', 'stderr'];

export function attachWebSocket(context: OperationContext, id: string, options: AttachWebSocketOptions<ApiVersion> = {}): HijackedStream {
  const open = (signal: AbortSignal) => openWebSocketAttach(context, id, options, signal);
  return containerSession(context, id, options, { helper: 'attachWebSocket', operation: 'ContainerAttachWebsocket', open });
}

/** Drops a request for a stream the engine attaches anyway at this version (it has no such parameter). */
function withoutGivenStreams(values: Record<string, unknown>, version: string): Record<string, unknown> {
  const params = operationRows.ContainerAttachWebsocket.params;
  const kept = { ...values };
  for (const name of STREAM_CHOICES) {
    const spec = params.find((param) => param.name === name);
    if (kept[name] === true && spec && !availableAt(spec, version)) delete kept[name];
  }
  return kept;
}

async function openWebSocketAttach(
  context: OperationContext,
  id: string,
  options: AttachWebSocketOptions<ApiVersion>,
  signal: AbortSignal,
): Promise<UpgradedStream> {
  const { signal: _callerSignal, ...parameters } = options;
  const version = await context.apiVersion(signal);
  const key = randomBytes(16).toString('base64');
  const { socket, headers, request } = await upgradeOperation(
    context,
    'ContainerAttachWebsocket',
    { ...withoutGivenStreams(parameters, version), id },
    {
      signal,
      defaults: ATTACH_DEFAULTS,
      headers: { 'sec-websocket-key': key, 'sec-websocket-version': '13' },
    },
  );
  try {
    if (
      headers['sec-websocket-accept'] !==
      createHash('sha1')
        .update(key + HANDSHAKE_GUID)
        .digest('base64')
    ) {
      throw new DockerResponseError('the engine answered the WebSocket handshake without the matching Sec-WebSocket-Accept', request.context);
    }
    const tty = await containerTty(context, id, signal);
    return { socket: websocketDuplex(socket, request.context), tty, raw: true, request };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}
