import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerUsageError } from '../../src/errors.js';
import { DEFAULT_DETACH_KEYS, DetachKeyScanner, parseDetachKeys } from '../../src/terminal/detach-keys.js';

describe('parseDetachKeys (the Docker CLI notation)', () => {
  it.each([
    [DEFAULT_DETACH_KEYS, [0x10, 0x11]],
    ['ctrl-a,x', [0x01, 0x78]],
    ['ctrl-@', [0x00]],
    ['ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_', [0x1b, 0x1c, 0x1d, 0x1e, 0x1f]],
    ['ctrl-z', [0x1a]],
    ['q', [0x71]],
  ])('%s is the bytes %j', (keys, bytes) => {
    expect([...parseDetachKeys(keys)]).toEqual(bytes);
  });

  it.each(['', ',', 'ctrl-', 'ctrl-ab', 'ctrl-1', 'ctrl-A', 'alt-x', 'ctrl-p,', 'ab', 'é'])('refuses %j with DockerUsageError', (keys) => {
    expect(() => parseDetachKeys(keys)).toThrow(DockerUsageError);
  });

  it('names the bad key in the message', () => {
    expect(() => parseDetachKeys('ctrl-p,ctrl-9')).toThrow(/"ctrl-9" is neither one ASCII character nor ctrl-/);
  });
});

/** Feeds the chunks through a scanner; returns what was forwarded and whether it detached. */
function scanAll(keys: string, chunks: (string | number[])[]): { forwarded: number[]; detached: boolean } {
  const scanner = new DetachKeyScanner(parseDetachKeys(keys));
  const forwarded: number[] = [];
  for (const chunk of chunks) {
    const { forward, detached } = scanner.scan(Buffer.from(chunk as string));
    forwarded.push(...forward);
    if (detached) return { forwarded, detached };
  }
  return { forwarded, detached: false };
}

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

describe('DetachKeyScanner', () => {
  it('passes typed text through untouched', () => {
    expect(scanAll(DEFAULT_DETACH_KEYS, ['ls -l\r', 'exit\r'])).toEqual({ forwarded: [...Buffer.from('ls -l\rexit\r')], detached: false });
  });

  it('detaches on ctrl-p ctrl-q and forwards neither key nor what follows', () => {
    expect(scanAll(DEFAULT_DETACH_KEYS, [[0x61, CTRL_P, CTRL_Q, 0x62]])).toEqual({ forwarded: [0x61], detached: true });
  });

  it('finds the sequence across chunks (each key arrives as its own read)', () => {
    expect(scanAll(DEFAULT_DETACH_KEYS, [[CTRL_P], [CTRL_Q]])).toEqual({ forwarded: [], detached: true });
  });

  it('holds a lone ctrl-p back until the next key, then passes both on', () => {
    const scanner = new DetachKeyScanner(parseDetachKeys(DEFAULT_DETACH_KEYS));
    expect([...scanner.scan(Buffer.from([CTRL_P])).forward]).toEqual([]);
    expect([...scanner.scan(Buffer.from('x')).forward]).toEqual([CTRL_P, 0x78]);
  });

  it('ctrl-p ctrl-p ctrl-q: the first ctrl-p is typed input, the rest detaches', () => {
    expect(scanAll(DEFAULT_DETACH_KEYS, [[CTRL_P, CTRL_P, CTRL_Q]])).toEqual({ forwarded: [CTRL_P], detached: true });
  });

  it('a sequence that repeats its own start (a,a,b in a,a,a,b) is still found', () => {
    expect(scanAll('a,a,b', ['xaaab'])).toEqual({ forwarded: [...Buffer.from('xa')], detached: true });
  });

  it('a one-key sequence detaches on that key', () => {
    expect(scanAll('ctrl-x', [['h'.charCodeAt(0), 0x18]])).toEqual({ forwarded: [0x68], detached: true });
  });

  it('property: without the sequence in the input, every byte is forwarded in order, however the input is cut', () => {
    const keys = parseDetachKeys('ctrl-a,x,y');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 5 }), (input, cuts) => {
        const bytes = Buffer.from(input);
        fc.pre(!bytes.includes(keys));
        const scanner = new DetachKeyScanner(keys);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const forwarded: number[] = [];
        let start = 0;
        for (const end of [...points, bytes.length]) {
          const { forward, detached } = scanner.scan(bytes.subarray(start, end));
          expect(detached).toBe(false);
          forwarded.push(...forward);
          start = end;
        }
        // Bytes that end in a partial match are still held: they are a prefix of the sequence.
        const held = bytes.length - forwarded.length;
        expect(forwarded).toEqual([...bytes.subarray(0, forwarded.length)]);
        expect([...bytes.subarray(forwarded.length)]).toEqual([...keys.subarray(0, held)]);
      }),
    );
  });

  it('property: with the sequence in the input, exactly what precedes its first occurrence is forwarded', () => {
    const keys = parseDetachKeys(DEFAULT_DETACH_KEYS);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 20 }), (before, after) => {
        const bytes = Buffer.concat([before, keys, after]);
        const first = bytes.indexOf(keys);
        expect(scanAll(DEFAULT_DETACH_KEYS, [[...bytes]])).toEqual({ forwarded: [...bytes.subarray(0, first)], detached: true });
      }),
    );
  });
});
