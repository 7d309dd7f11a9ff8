// WebSocket frames as the engine's side sees them, for the tests of the client's WebSocket
// (hijack-websocket.test.ts against a local server, websocket-duplex.property.test.ts on its own).
import type { Readable } from 'node:stream';

export interface ServerFrameOptions {
  fin?: boolean;
  masked?: boolean;
  rsv?: number;
  /** Extra length bytes: 0, 2 or 8. By default the fewest that hold the length, as RFC 6455 asks. */
  lengthBytes?: 0 | 2 | 8;
}

/** A frame as a server writes it (unmasked unless asked), with any header bits the test wants. */
export function serverFrame(opcode: number, payload: string | Buffer, { fin = true, masked = false, rsv = 0, lengthBytes }: ServerFrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const extra = lengthBytes ?? (data.length < 126 ? 0 : data.length < 0x10000 ? 2 : 8);
  const header = Buffer.alloc(2 + extra);
  header[0] = (fin ? 0x80 : 0) | rsv | opcode;
  header[1] = (masked ? 0x80 : 0) | (extra === 0 ? data.length : extra === 2 ? 126 : 127);
  if (extra === 2) header.writeUInt16BE(data.length, 2);
  if (extra === 8) {
    header.writeUInt32BE(Math.floor(data.length / 2 ** 32), 2);
    header.writeUInt32BE(data.length >>> 0, 6);
  }
  return Buffer.concat([header, masked ? Buffer.alloc(4) : Buffer.alloc(0), data]);
}

export const closeFrame = () => serverFrame(0x8, Buffer.from([0x03, 0xe8]));

export interface ClientFrame {
  opcode: number;
  fin: boolean;
  masked: boolean;
  payload: Buffer;
}

/** Collects the client's frames as the server reads them, unmasking each. */
export function clientFrames(socket: Readable): ClientFrame[] {
  const frames: ClientFrame[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      let length = pending[1]! & 0x7f;
      let at = 2;
      if (length === 126 && pending.length >= 4) [length, at] = [pending.readUInt16BE(2), 4];
      else if (length === 127 && pending.length >= 10) [length, at] = [Number(pending.readBigUInt64BE(2)), 10];
      else if (length >= 126) return;
      const masked = (pending[1]! & 0x80) !== 0;
      if (pending.length < at + (masked ? 4 : 0) + length) return;
      const mask = masked ? pending.subarray(at, at + 4) : Buffer.alloc(4);
      const start = at + (masked ? 4 : 0);
      const payload = Buffer.from(pending.subarray(start, start + length).map((byte, i) => byte ^ mask[i & 3]!));
      frames.push({ opcode: pending[0]! & 0x0f, fin: (pending[0]! & 0x80) !== 0, masked, payload });
      pending = pending.subarray(start + length);
    }
  });
  socket.resume();
  return frames;
}
