// The receiving side of a BuildKit `local` output (src/build/session/folder-receiver.ts), fed packet
// sequences written here: a well-formed folder, names that are not UTF-8, and hostile ones no engine
// sends (paths out of the folder, writes through a symbolic link, data nobody asked for, an engine
// error, a stream cut short). Real exports from both Docker engines are in
// test/engine/build-output.test.ts.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { receiveFolder } from '../../src/build/session/folder-receiver.js';
import { GrpcStatusError } from '../../src/protocols/grpc-messages.js';
import { wireFields } from '../../src/protocols/protobuf-wire.js';
import { encodeMessage, type OutgoingField } from '../../src/protocols/protobuf-writer.js';

const work = mkdtempSync(join(tmpdir(), 'output-receiver-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DIR = 2 ** 31;
const SYMLINK = 2 ** 27;
const stat = (path: string | Buffer, mode: number, linkname: string | Buffer = '') => {
  const fields: OutgoingField[] = [
    { number: 1, bytes: path },
    { number: 2, varint: mode },
    { number: 6, varint: 1_234_567_000_000_000 },
  ];
  if (linkname) fields.push({ number: 7, bytes: linkname });
  return encodeMessage([{ number: 2, bytes: encodeMessage(fields) }]);
};
const endOfList = encodeMessage([]);
const data = (id: number, bytes: string) =>
  encodeMessage([{ number: 1, varint: 2 }, ...(id ? [{ number: 3, varint: id }] : []), ...(bytes ? [{ number: 4, bytes }] : [])]);
const fin = encodeMessage([{ number: 1, varint: 3 }]);
const error = (text: string) =>
  encodeMessage([
    { number: 1, varint: 4 },
    { number: 4, bytes: text },
  ]);

/** Plays the engine: sends `script`, waiting where it says for the receiver's FIN. */
async function receive(folder: string, script: (Buffer | 'await-fin')[]): Promise<{ sent: number[] }> {
  const sent: number[] = [];
  let finSeen: () => void = () => undefined;
  const fined = new Promise<void>((resolve) => (finSeen = resolve));
  async function* packets() {
    for (const step of script) {
      if (step === 'await-fin') await fined;
      else yield step;
    }
  }
  await receiveFolder(folder, packets(), async (message) => {
    const type = Number([...wireFields(message)].find((field) => field.number === 1)?.integer ?? 0n);
    sent.push(type);
    if (type === 3) finSeen();
  });
  return { sent };
}

describe('receiving a local output', () => {
  it('writes folders, files, symbolic and hard links with their permissions, asking for each file and saying FIN at the end', async () => {
    const folder = join(work, 'good');
    const { sent } = await receive(folder, [
      stat('bin', DIR + 0o755),
      stat('bin/tool', 0o750),
      stat('bin/tool-again', 0o750, 'bin/tool'),
      stat('link', SYMLINK + 0o777, 'bin/tool'),
      stat('shared', DIR + 2 ** 22 + 0o775),
      endOfList,
      data(1, '#!/bin/sh\n'),
      data(1, 'echo hi\n'),
      data(1, ''),
      'await-fin',
      fin,
    ]);
    expect(sent).toEqual([1, 3]);
    expect(readFileSync(join(folder, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(lstatSync(join(folder, 'bin/tool')).mode & 0o7777).toBe(0o750);
    expect(lstatSync(join(folder, 'bin/tool-again')).ino).toBe(lstatSync(join(folder, 'bin/tool')).ino);
    expect(readlinkSync(join(folder, 'link'))).toBe('bin/tool');
    expect(lstatSync(join(folder, 'shared')).mode & 0o7777).toBe(0o2775);
    expect(lstatSync(join(folder, 'bin/tool')).mtimeMs).toBe(1_234_567_000);
  });

  it('keeps names and link targets that are not valid UTF-8 as their bytes', async () => {
    const folder = join(work, 'bytes');
    const name = Buffer.from('caf\xe9.txt', 'latin1');
    const { sent } = await receive(folder, [
      stat(name, 0o644),
      stat('link', SYMLINK + 0o777, name),
      endOfList,
      data(0, 'latin-1'),
      data(0, ''),
      'await-fin',
      fin,
    ]);
    expect(sent).toEqual([1, 3]);
    const onDisk = Buffer.concat([Buffer.from(`${folder}/`), name]);
    expect(readFileSync(onDisk, 'utf8')).toBe('latin-1');
    expect(readlinkSync(join(folder, 'link'), 'buffer')).toEqual(name);
    expect(
      readdirSync(folder, 'buffer')
        .map((entry) => entry.toString('latin1'))
        .sort(),
    ).toEqual(['caf\xe9.txt', 'link']);
  });

  it.each([
    ['a path that climbs out', [stat('../escape', 0o644)]],
    ['an absolute path', [stat('/etc/escape', 0o644)]],
    ['a write through a symbolic link received earlier', [stat('out', SYMLINK + 0o777, '/tmp'), stat('out/escape', 0o644)]],
    ['a hard link to a path outside', [stat('hard', 0o644, '../../etc/passwd')]],
    ['a device', [stat('dev', 2 ** 26 + 0o600)]],
    ['data for an entry nobody asked for', [stat('dir', DIR + 0o755), endOfList, data(0, 'surprise')]],
    ['an error from the engine', [error('disk full on the engine')]],
    ['a stream that ends before FIN', [stat('file', 0o644), endOfList, data(0, 'partial')]],
  ])('refuses %s with a GrpcStatusError and writes nothing outside the folder', async (_name, script) => {
    const folder = join(work, `bad-${Math.random().toString(36).slice(2)}`);
    await expect(receive(folder, script as Buffer[])).rejects.toThrow(GrpcStatusError);
    expect(() => lstatSync(join(work, 'escape'))).toThrow();
  });
});
