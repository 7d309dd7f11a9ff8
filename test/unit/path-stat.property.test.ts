// Property tests of the X-Docker-Container-Path-Stat decoder (src/archive/path-stat.ts): any stat
// the engine can describe decodes to its kind and permissions however the header is written, and
// a damaged or hostile header decodes to a consistent stat or fails with DockerResponseError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePathStat, type PathKind, type PathStat } from '../../src/archive/path-stat.js';
import { DockerResponseError } from '../../src/errors.js';
import { assertTyped, mutate, mutations } from './support/hostile-input.js';

const context = { operation: 'ContainerArchiveInfo', apiVersion: '1.45' };

// Go's io/fs type bits for each kind (a character device sets ModeDevice too).
const KIND_BITS: Record<PathKind, number> = {
  file: 0,
  directory: 2 ** 31,
  symlink: 2 ** 27,
  'named-pipe': 2 ** 25,
  socket: 2 ** 24,
  device: 2 ** 26,
  'character-device': 2 ** 26 + 2 ** 21,
  irregular: 2 ** 19,
};
const SPECIAL = [
  [0o4000, 2 ** 23],
  [0o2000, 2 ** 22],
  [0o1000, 2 ** 20],
] as const;
// ModeAppend, ModeExclusive, ModeTemporary: set on some files, and no kind of their own.
const OTHER_BITS = [2 ** 30, 2 ** 29, 2 ** 28];

const statArb = fc
  .record({
    name: fc.string({ unit: 'binary', maxLength: 30 }),
    size: fc.maxSafeNat(),
    kind: fc.constantFrom(...(Object.keys(KIND_BITS) as PathKind[])),
    permissions: fc.integer({ min: 0, max: 0o7777 }),
    other: fc.subarray(OTHER_BITS),
    mtime: fc.constantFrom('2024-01-02T03:04:05.123456789Z', '0001-01-01T00:00:00Z', ''),
    linkTarget: fc.string({ maxLength: 30 }),
  })
  .map(({ kind, permissions, other, ...rest }): { wire: Record<string, unknown>; expected: PathStat } => {
    let mode = KIND_BITS[kind] + (permissions & 0o777) + other.reduce((a, b) => a + b, 0);
    for (const [unix, go] of SPECIAL) if (permissions & unix) mode += go;
    // Only a link has a target: what else an engine sends there (Podman 4.3: the path itself) is dropped.
    const linkTarget = kind === 'symlink' ? rest.linkTarget : '';
    return { wire: { ...rest, mode }, expected: { ...rest, linkTarget, mode, kind, permissions } };
  });

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('decodePathStat', () => {
  it('decodes the stat the engine sent, with its kind and permissions, however the header is written', () => {
    fc.assert(
      fc.property(statArb, ({ wire, expected }) => {
        const padded = base64(JSON.stringify(wire));
        for (const value of [padded, padded.replace(/=+$/, ''), [padded, 'ignored']]) {
          expect(decodePathStat(value, context)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("decodes Podman 4.3's header: its isDir is left out, and the path it sends as the linkTarget of what is no link is dropped", () => {
    const folder = { name: 'bin', size: 4096, mode: 2 ** 31 + 0o755, mtime: '1970-01-01T00:00:00Z', isDir: true, linkTarget: '/bin' };
    expect(decodePathStat(base64(JSON.stringify(folder)), context)).toEqual({
      name: 'bin',
      size: 4096,
      mode: 2 ** 31 + 0o755,
      mtime: '1970-01-01T00:00:00Z',
      linkTarget: '',
      kind: 'directory',
      permissions: 0o755,
    });
    const link = { name: 'busybox', size: 7, mode: 2 ** 27 + 0o777, mtime: '1970-01-01T00:00:00Z', isDir: false, linkTarget: '/bin/busybox' };
    expect(decodePathStat(base64(JSON.stringify(link)), context)).toMatchObject({ kind: 'symlink', linkTarget: '/bin/busybox' });
  });

  it('decodes a hostile header to a consistent stat or fails with DockerResponseError', () => {
    const raw = fc.oneof(
      fc.constantFrom('1e999', '-1', '1.5', '4294967296', '6442450944', '"12"', 'null', 'true', '[]', '{}', '{"toString":1}'),
      fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value)),
    );
    // A valid stat with a field or two replaced, so that the rest passes and the odd value is decoded.
    const wrongTypes = fc
      .tuple(statArb, fc.array(fc.tuple(fc.constantFrom('name', 'size', 'mode', 'mtime', 'linkTarget'), raw), { minLength: 1, maxLength: 2 }))
      .map(([{ wire }, replaced]) => {
        const fields = Object.entries(wire).map(([key, value]) => [key, JSON.stringify(value)]);
        return base64(`{${[...fields, ...replaced].map(([key, text]) => `"${key}":${text}`).join(',')}}`);
      });
    const hostile = fc.oneof(
      fc.string({ maxLength: 60, size: 'max' }),
      fc.uint8Array({ maxLength: 60, size: 'max' }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.jsonValue({ maxDepth: 2 }).map((value) => base64(JSON.stringify(value))),
      wrongTypes,
      fc.tuple(statArb, mutations).map(([{ wire }, list]) => mutate(Buffer.from(JSON.stringify(wire)), list).toString('base64')),
      fc.tuple(statArb, mutations).map(([{ wire }, list]) => mutate(Buffer.from(base64(JSON.stringify(wire))), list).toString('latin1')),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        let stat: PathStat;
        try {
          stat = decodePathStat(value, context);
        } catch (error) {
          assertTyped(error);
          expect(error).toBeInstanceOf(DockerResponseError);
          return;
        }
        expect(typeof stat.name).toBe('string');
        expect(typeof stat.mtime).toBe('string');
        expect(typeof stat.linkTarget).toBe('string');
        expect(Number.isFinite(stat.size) && stat.size >= 0).toBe(true);
        // The kind and permissions are read from the mode: it must be the uint32 Go sends.
        expect(Number.isInteger(stat.mode) && stat.mode >= 0 && stat.mode < 2 ** 32).toBe(true);
        expect(Object.keys(KIND_BITS)).toContain(stat.kind);
        // Its own bit is set (a character device is known by ModeCharDevice alone, as Go's FileMode.String() reads it).
        const own = stat.kind === 'character-device' ? 2 ** 21 : KIND_BITS[stat.kind];
        expect((stat.mode & own) >>> 0).toBe(own);
        expect(stat.permissions & 0o777).toBe(stat.mode & 0o777);
        for (const [unix, go] of SPECIAL) expect((stat.permissions & unix) !== 0).toBe((stat.mode & go) !== 0);
      }),
      { numRuns: 1000 },
    );
  });
});
