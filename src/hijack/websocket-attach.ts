// docker.attachWebSocket(): attach over GET /containers/{id}/attach/ws, the form meant for clients
// that cannot take over a raw connection (browsers, proxies that only pass WebSockets). Shaped like
// docker.attach(), except that the engine never multiplexes here: stdout carries stdout and stderr
// mixed, and stderr ends at once.
import { createHash, randomBytes } from 'node:crypto';
import { compareApiVersions } from '../api-version.js';
import { DockerResponseError, DockerVersionError } from '../errors.js';
import type { OperationContext } from '../operation-call.js';
import { containerSession, containerTty, queryFlag, type AttachOptions } from './attach.js';
import type { HijackedStream, UpgradedStream } from './hijacked-stream.js';
import { requestUpgrade } from './upgrade-request.js';
import { websocketDuplex } from './websocket-duplex.js';

// RFC 6455 4.2.2: the server proves it read the handshake by hashing the key with this GUID.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// Before this version the engine ignores stdin/stdout/stderr and attaches all three.
const STREAM_CHOICE_SINCE = '1.42';

export function attachWebSocket(context: OperationContext, id: string, options: AttachOptions = {}): HijackedStream {
  const open = (signal: AbortSignal) => openWebSocketAttach(context, id, options, signal);
  return containerSession(context, id, options, { helper: 'attachWebSocket', operation: 'ContainerAttachWebsocket', open });
}

async function openWebSocketAttach(context: OperationContext, id: string, options: AttachOptions, signal: AbortSignal): Promise<UpgradedStream> {
  const apiVersion = await context.apiVersion(signal);
  const errorContext = { operation: 'ContainerAttachWebsocket', apiVersion };
  const query = new URLSearchParams({ stream: queryFlag(options.stream, true), logs: queryFlag(options.logs, false) });
  if (compareApiVersions(apiVersion, STREAM_CHOICE_SINCE) >= 0) {
    query.set('stdin', queryFlag(options.stdin, false));
    query.set('stdout', queryFlag(options.stdout, true));
    query.set('stderr', queryFlag(options.stderr, true));
  } else if (options.stdout === false || options.stderr === false) {
    throw new DockerVersionError(`attachWebSocket can leave out stdout or stderr from API ${STREAM_CHOICE_SINCE} on; this connection speaks ${apiVersion}, where the engine sends both`, errorContext);
  }
  if (options.detachKeys !== undefined) query.set('detachKeys', options.detachKeys);
  const key = randomBytes(16).toString('base64');
  const { socket, headers } = await requestUpgrade(context.connection, {
    method: 'GET',
    protocol: 'websocket',
    path: `/v${apiVersion}/containers/${encodeURIComponent(id)}/attach/ws?${query}`,
    headers: { 'sec-websocket-key': key, 'sec-websocket-version': '13' },
    signal,
    context: errorContext,
  });
  try {
    if (headers['sec-websocket-accept'] !== createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64')) {
      throw new DockerResponseError('the engine answered the WebSocket handshake without the matching Sec-WebSocket-Accept', errorContext);
    }
    const tty = await containerTty(context, id, signal);
    return { socket: websocketDuplex(socket, errorContext), tty, raw: true, context: errorContext };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}
