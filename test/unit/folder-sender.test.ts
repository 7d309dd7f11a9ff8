// The sending side of fsutil's file-sync protocol (src/build/session/folder-sender.ts), which a
// BuildKit build uses to read its context over the session. Paired here with this library's own
// receiving side (folder-receiver.ts) through in-memory queues, a folder must arrive whole: types,
// modes, contents, symbolic and hard links, times, a name that is not UTF-8. Played against by
// hand: the walk order the engine's receiver requires, a name that is not valid UTF-8 (sent as its
// bytes), an excluded folder entered for an exception, and hostile engine packets no engine sends
// (a request for an entry that is no file, an engine error, an end before FIN). Real engines read
// contexts this way in test/engine/build-context-sync.test.ts.
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { receiveFolder } from '../../src/build/session/folder-receiver.js';
import { sendFolder, type SyncSelection } from '../../src/build/session/folder-sender.js';
import { GrpcStatusError } from '../../src/protocols/grpc-messages.js';
import { wireFields } from '../../src/protocols/protobuf-wire.js';
import { encodeMessage } from '../../src/protocols/protobuf-writer.js';

const work = mkdtempSync(join(tmpdir(), 'folder-sender-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const everything: SyncSelection = { excluded: () => false, entered: () => true };

/** An async queue: one side pushes messages, the other iterates them until it is closed. */
class Channel implements AsyncIterable<Buffer> {
  readonly #items: Buffer[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  push = async (message: Uint8Array): Promise<void> => {
    this.#items.push(Buffer.from(message));
    this.#wake?.();
  };

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const item = this.#items.shift();
      if (item) yield item;
      else if (this.#closed) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** Type, permissions, and content or link target of every entry under `root`. */
function tree(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const name of readdirSync(join(root, relative), 'buffer')) {
      const path = relative ? `${relative}/${name.toString('latin1')}` : name.toString('latin1');
      const fsPath = Buffer.concat([Buffer.from(`${root}/${relative ? `${relative}/` : ''}`, 'latin1'), name]);
      const stats = lstatSync(fsPath);
      const mode = (stats.mode & 0o7777).toString(8);
      const time = Math.floor(stats.mtimeMs);
      if (stats.isSymbolicLink()) found[path] = `link -> ${readlinkSync(fsPath, 'utf8')}`;
      else if (stats.isDirectory()) {
        found[path] = `dir ${mode} ${time}`;
        visit(path);
      } else found[path] = `file ${mode} ${time} ${createHash('sha256').update(readFileSync(fsPath)).digest('hex')}`;
    }
  };
  visit('');
  return found;
}

const packet = (type: number, id = 0, data = '') =>
  encodeMessage([...(type ? [{ number: 1, varint: type }] : []), ...(id ? [{ number: 3, varint: id }] : []), ...(data ? [{ number: 4, bytes: data }] : [])]);
const [REQUEST, FIN, ERROR] = [1, 3, 4];

/** The paths of the stat packets among `messages`, in order (an empty stat ends the list: '<end>'). */
function listed(messages: Buffer[]): string[] {
  const paths: string[] = [];
  for (const message of messages) {
    const fields = [...wireFields(message)];
    if ((fields.find((field) => field.number === 1)?.integer ?? 0n) !== 0n) continue;
    const stat = fields.find((field) => field.number === 2);
    paths.push(stat ? Buffer.from([...wireFields(stat.bytes)].find((field) => field.number === 1)!.bytes).toString('latin1') : '<end>');
  }
  return paths;
}

/** Plays the engine: takes the list, answers each stat with `answer`, and after the list's end sends `finish`. */
async function playEngine(
  root: string,
  selection: SyncSelection,
  finish: Buffer[],
  answer: (path: string, index: number) => Buffer | undefined = () => undefined,
) {
  const toSender = new Channel();
  const received: Buffer[] = [];
  let index = 0;
  const outcome = sendFolder(root, selection, toSender, async (message) => {
    received.push(Buffer.from(message));
    const [path] = listed([Buffer.from(message)]);
    if (path === '<end>') {
      for (const message of finish) await toSender.push(message);
      toSender.close();
    } else if (path !== undefined) {
      const reply = answer(path, index++);
      if (reply) await toSender.push(reply);
    }
  });
  return { outcome, received };
}

describe('sending a folder over the session', () => {
  it("arrives whole through this library's receiving side: types, modes, contents, symbolic and hard links, times, a name that is not UTF-8", async () => {
    const source = join(work, 'source');
    mkdirSync(join(source, 'nested', 'deeper'), { recursive: true });
    mkdirSync(join(source, 'shared'));
    chmodSync(join(source, 'shared'), 0o2775);
    writeFileSync(join(source, 'nested', 'deeper', 'large.bin'), Buffer.alloc(100_000, 'x'));
    writeFileSync(join(source, 'tool.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(join(source, 'empty'), '');
    symlinkSync('nested/deeper/large.bin', join(source, 'link'));
    linkSync(join(source, 'tool.sh'), join(source, 'tool-hardlink'));
    writeFileSync(Buffer.from(`${source}/caf\xe9.txt`, 'latin1'), 'a latin-1 name');
    for (const path of ['nested/deeper/large.bin', 'tool.sh', 'empty', 'nested/deeper', 'nested', 'shared'])
      utimesSync(join(source, path), 1_700_000_000, 1_700_000_000);

    const toSender = new Channel();
    const toReceiver = new Channel();
    const destination = join(work, 'destination');
    const sent = sendFolder(source, everything, toSender, toReceiver.push);
    const received = receiveFolder(destination, toReceiver, toSender.push);
    const transfer = await sent;
    toReceiver.close();
    await received;

    expect(tree(destination)).toEqual(tree(source));
    // The second name of tool.sh goes as a hard link to the first: listed, never asked for, linked again on arrival.
    expect(transfer).toEqual({ entries: 9, files: 4, bytes: 100_000 + 18 + 14 });
    expect(Object.keys(tree(destination))).toContain('caf\xe9.txt');
    expect(lstatSync(join(destination, 'tool-hardlink')).ino).toBe(lstatSync(join(destination, 'tool.sh')).ino);
  });

  it('lists a folder before what it holds, names in byte order, so `a/b` comes before `a.txt`, a name that is not UTF-8 as its bytes; the engine asks for nothing it holds already', async () => {
    const root = join(work, 'order');
    mkdirSync(join(root, 'a'), { recursive: true });
    for (const path of ['a/b', 'a.txt', 'B', 'é']) writeFileSync(join(root, path), path);
    writeFileSync(Buffer.from(`${root}/caf\xe9.txt`, 'latin1'), 'a latin-1 name');
    const { outcome, received } = await playEngine(root, everything, [packet(FIN)]);
    expect(await outcome).toEqual({ entries: 6, files: 0, bytes: 0 });
    // As latin-1, so every byte shows: 'é' in UTF-8 is two bytes, the latin-1 name's é one.
    expect(listed(received)).toEqual(['B', 'a', 'a/b', 'a.txt', 'caf\xe9.txt', '\xc3\xa9', '<end>']);
    expect(Number([...wireFields(received.at(-1)!)][0]!.integer)).toBe(FIN);
  });

  it('enters an excluded folder for what the selection keeps inside it, listing the folder only once something inside is sent', async () => {
    const root = join(work, 'selection');
    mkdirSync(join(root, 'logs'), { recursive: true });
    mkdirSync(join(root, 'cache'));
    for (const path of ['logs/keep.txt', 'logs/drop.txt', 'cache/x', 'main.c']) writeFileSync(join(root, path), path);
    const selection: SyncSelection = {
      excluded: (path) => path === 'logs' || path === 'logs/drop.txt' || path === 'cache',
      entered: (path) => path === 'logs',
    };
    const { outcome, received } = await playEngine(root, selection, [packet(FIN)], (path, index) =>
      path === 'logs/keep.txt' ? packet(REQUEST, index) : undefined,
    );
    expect(await outcome).toEqual({ entries: 3, files: 1, bytes: 'logs/keep.txt'.length });
    expect(listed(received)).toEqual(['logs', 'logs/keep.txt', 'main.c', '<end>']);
  });

  it('rejects with a GrpcStatusError when the engine asks for an entry that is not a listed file, reports an error, or ends before FIN', async () => {
    const root = join(work, 'hostile');
    mkdirSync(join(root, 'folder'), { recursive: true });
    writeFileSync(join(root, 'file'), 'content');
    const cases: { finish: Buffer[]; message: RegExp }[] = [
      { finish: [packet(REQUEST, 1)], message: /entry 1, which is not a file that was listed/ },
      { finish: [packet(REQUEST, 7)], message: /entry 7/ },
      { finish: [packet(ERROR, 0, 'disk full')], message: /could not take the folder: disk full/ },
      { finish: [], message: /ended the transfer before saying it had everything/ },
      { finish: [packet(9)], message: /unexpected file-sync packet \(type 9\)/ },
    ];
    for (const { finish, message } of cases) {
      const { outcome } = await playEngine(root, everything, finish);
      const error = await outcome.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GrpcStatusError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a folder that cannot be read sends the engine an error packet and rejects with the reason', async () => {
    const toSender = new Channel();
    const sent: Buffer[] = [];
    const outcome = sendFolder(join(work, 'missing'), everything, toSender, async (message) => {
      sent.push(Buffer.from(message));
      toSender.close();
    });
    await expect(outcome).rejects.toThrow(/ENOENT/);
    const fields = [...wireFields(sent[0]!)];
    expect(Number(fields.find((field) => field.number === 1)!.integer)).toBe(ERROR);
    expect(Buffer.from(fields.find((field) => field.number === 4)!.bytes).toString()).toMatch(/ENOENT/);
  });
});
