// Container operations that move bytes rather than JSON: logs, stats, resize, export and the
// archive trio (HEAD/GET/PUT), called through the operation methods directly (streaming ones
// resolve to { status, headers, body }). Attach and attach/ws take over the connection; the
// hijack and WebSocket tests cover them.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { extract, pack, type Headers as TarHeaders } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, DockerResponseError, NotFoundError, ServerError } from '../../src/index.js';
import { compareApiVersions } from '../../src/api-version.js';
import { isPodman, targets } from './support/targets.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

interface Frame {
  stream: number;
  payload: Buffer;
}

/** Splits a multiplexed stream: 8-byte header [stream, 0, 0, 0, size uint32 BE], then size bytes. */
function demultiplex(data: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < data.length) {
    expect(data.length - at).toBeGreaterThanOrEqual(8);
    const stream = data[at]!;
    expect([0, 1, 2, 3]).toContain(stream);
    expect([...data.subarray(at + 1, at + 4)]).toEqual([0, 0, 0]);
    const size = data.readUInt32BE(at + 4);
    expect(data.length - at - 8).toBeGreaterThanOrEqual(size);
    frames.push({ stream, payload: data.subarray(at + 8, at + 8 + size) });
    at += 8 + size;
  }
  return frames;
}

const streamText = (frames: Frame[], stream: number) => Buffer.concat(frames.filter((f) => f.stream === stream).map((f) => f.payload)).toString('utf8');

interface TarEntry {
  header: TarHeaders;
  content: Buffer;
}

/** Reads a tar archive; file contents are kept only for entries `keep` accepts. */
async function untar(source: Readable | Buffer, keep: (name: string) => boolean = () => true): Promise<Map<string, TarEntry>> {
  const reader = extract();
  const entries = new Map<string, TarEntry>();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) if (keep(entry.header.name)) chunks.push(chunk as Buffer);
      entries.set(entry.header.name, { header: entry.header, content: Buffer.concat(chunks) });
    }
  })();
  if (Buffer.isBuffer(source)) reader.end(source);
  else source.pipe(reader);
  await done;
  return entries;
}

async function tarOf(entries: { name: string; content?: string; type?: 'file' | 'directory'; uid?: number; gid?: number; mode?: number }[]): Promise<Buffer> {
  const archive = pack();
  for (const { content, ...header } of entries) {
    const full = { uid: 0, gid: 0, mtime: new Date('2024-01-02T03:04:05Z'), ...header };
    if (header.type === 'directory') archive.entry(full);
    else archive.entry(full, content ?? '');
  }
  archive.finalize();
  return readAll(archive as unknown as Readable);
}

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
  /** Podman 4.3 only. */
  isDir?: boolean;
}

/** The decoded path-stat header: Docker's five keys, and Podman 4.3's `isDir` besides, true exactly for a directory. */
function readPathStat(headers: IncomingHttpHeaders, podman: boolean): PathStat {
  const raw = headers['x-docker-container-path-stat'];
  expect(typeof raw).toBe('string');
  const stat = JSON.parse(Buffer.from(raw as string, 'base64').toString('utf8')) as PathStat;
  expect(Object.keys(stat).sort()).toEqual(podman ? ['isDir', 'linkTarget', 'mode', 'mtime', 'name', 'size'] : ['linkTarget', 'mode', 'mtime', 'name', 'size']);
  if (podman) expect(stat.isDir).toBe(stat.mode >= MODE_DIR);
  expect(Number.isNaN(Date.parse(stat.mtime))).toBe(false);
  return stat;
}

describe.each(targets())('container I/O on $label', ({ docker, apiVersion, engine, conformance }) => {
  const run = randomUUID().slice(0, 8);
  const label = { 'test.run': run };
  const created: string[] = [];
  // Behaviour that depends on the engine release rather than on the API version spoken.
  const legacyEngine = engine.apiVersion === '1.41';
  const podman = isPodman(engine);
  const pathStat = (headers: IncomingHttpHeaders) => readPathStat(headers, podman);

  const create = async (name: string, cmd: string, extra: Record<string, unknown> = {}) => {
    const answer = await docker.containers.create({
      name: `${name}-${run}`,
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', cmd], Labels: label, ...extra },
    });
    created.push(answer.Id);
    return answer.Id;
  };
  const runToEnd = async (name: string, cmd: string, extra: Record<string, unknown> = {}) => {
    const id = await create(name, cmd, extra);
    await docker.containers.start({ id });
    expect((await docker.containers.wait({ id })).StatusCode).toBe(0);
    return id;
  };

  afterAll(async () => {
    for (const id of created) await docker.containers.delete({ id, force: true, v: true }).catch(() => undefined);
  });

  it(`reads the multiplexed logs of an exited container without a TTY, frame by frame${podman ? ' (Podman 4.3: typed application/octet-stream at 1.41, timestamps to the second)' : ''}`, async () => {
    const id = await runToEnd('logs', 'echo out1; echo err1 >&2; echo out2; echo err2 >&2');
    const answer = await docker.containers.logs({ id, stdout: true, stderr: true });
    expect(answer.status).toBe(200);
    const contentType = answer.headers['content-type'];
    if (compareApiVersions(apiVersion, '1.42') >= 0) expect(contentType).toBe('application/vnd.docker.multiplexed-stream');
    else if (podman) expect(contentType).toBe('application/octet-stream');
    else if (legacyEngine) expect(contentType).toBeUndefined();
    else expect(contentType).toBe('application/vnd.docker.raw-stream');

    const frames = demultiplex(await readAll(answer.body));
    expect(frames.length).toBeGreaterThanOrEqual(4);
    expect(new Set(frames.map((f) => f.stream))).toEqual(new Set([1, 2]));
    expect(streamText(frames, 1)).toBe('out1\nout2\n');
    expect(streamText(frames, 2)).toBe('err1\nerr2\n');

    // One stream only, with timestamps: every line starts with an RFC 3339 time and a space (with
    // nanoseconds; Podman 4.3 gives whole seconds).
    const stdoutOnly = demultiplex(await readAll((await docker.containers.logs({ id, stdout: true, timestamps: true })).body));
    expect(stdoutOnly.every((f) => f.stream === 1)).toBe(true);
    const lines = streamText(stdoutOnly, 1).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const stamped = podman ? /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ out\d$/ : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out\d$/;
    for (const line of lines) expect(line).toMatch(stamped);
    expect(lines.map((line) => line.split(' ')[1])).toEqual(['out1', 'out2']);

    // `until` in the past leaves nothing; `since` in the future too.
    const none = await readAll((await docker.containers.logs({ id, stdout: true, stderr: true, until: 1 })).body);
    expect(none.length).toBe(0);
    const later = await readAll((await docker.containers.logs({ id, stdout: true, since: Date.now() / 1000 + 3600 })).body);
    expect(later.length).toBe(0);
  });

  it('reads the raw logs of a TTY container, where stdout and stderr are merged', async () => {
    const id = await runToEnd('ttylogs', 'echo tty-out; echo tty-err >&2', { Tty: true });
    const answer = await docker.containers.logs({ id, stdout: true, stderr: true, tail: 1 });
    if (compareApiVersions(apiVersion, '1.42') >= 0) expect(answer.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    expect((await readAll(answer.body)).toString('utf8')).toBe('tty-err\r\n');
    const all = await readAll((await docker.containers.logs({ id, stdout: true, tail: 'all' })).body);
    expect(all.toString('utf8')).toBe('tty-out\r\ntty-err\r\n');
  });

  it('answers logs without stdout or stderr with 400, and logs of a missing container with 404', async () => {
    const id = await create('nologs', 'true');
    await expect(docker.containers.logs({ id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(docker.containers.logs({ id: `missing-${run}`, stdout: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  const statsDifferences = podman
    ? ' (Podman 4.3: no Content-Type, Id and the name without its slash, stream=false a single reading, no memory details, the networks summed under "network", a stream sample every 5 seconds whose first has a preread)'
    : '';
  it(`samples stats once (stream=false), at once (one-shot) and as a stream, each conforming to the spec${statsDifferences}`, async () => {
    const name = `stats-${run}`;
    const id = await create('stats', 'exec sleep 300');
    await docker.containers.start({ id });

    const single = await docker.containers.stats({ id, stream: false });
    expect(single.status).toBe(200);
    expect(single.headers['content-type']).toBe(podman ? undefined : 'application/json');
    const sample = JSON.parse((await readAll(single.body)).toString('utf8'));
    conformance.check('ContainerStats', sample);
    expect(sample.read).not.toBe(ZERO_TIME);
    expect(sample.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    expect(sample.cpu_stats.online_cpus).toBeGreaterThan(0);
    expect(sample.memory_stats.usage).toBeGreaterThan(0);
    expect(sample.memory_stats.limit).toBeGreaterThan(0);
    expect(sample.pids_stats.current).toBeGreaterThanOrEqual(1);
    expect(sample.num_procs).toBe(0);
    if (podman) {
      expect(sample.Id).toBe(id);
      expect(sample).not.toHaveProperty('id');
      expect(sample.name).toBe(name);
      // Podman answers stream=false with one reading, as for one-shot: nothing before it.
      expect(sample.preread).toBe(ZERO_TIME);
      expect(sample.precpu_stats.cpu_usage.total_usage).toBe(0);
      expect(sample.precpu_stats).not.toHaveProperty('system_cpu_usage');
      expect(Object.keys(sample.memory_stats).sort()).toEqual(['limit', 'usage']);
      expect(Object.keys(sample.networks)).toEqual(['network']);
      expect(sample.networks.network.rx_bytes).toBeGreaterThanOrEqual(0);
    } else {
      expect(sample.id).toBe(id);
      expect(sample.name).toBe(`/${name}`);
      // stream=false waits for a second sample, so the previous one is filled in.
      expect(sample.preread).not.toBe(ZERO_TIME);
      expect(Date.parse(sample.read)).toBeGreaterThan(Date.parse(sample.preread));
      expect(sample.cpu_stats.system_cpu_usage).toBeGreaterThanOrEqual(sample.precpu_stats.system_cpu_usage);
      expect(Object.keys(sample.memory_stats.stats).length).toBeGreaterThan(5);
      expect(sample.networks.eth0.rx_bytes).toBeGreaterThanOrEqual(0);
    }

    const oneShot = JSON.parse((await readAll((await docker.containers.stats({ id, stream: false, 'one-shot': true })).body)).toString('utf8'));
    conformance.check('ContainerStats', oneShot);
    expect(oneShot.preread).toBe(ZERO_TIME);
    expect(oneShot.precpu_stats.cpu_usage.total_usage).toBe(0);

    // The default is a stream: newline-terminated objects, about one per second (Podman: every 5 seconds).
    const streamed = await docker.containers.stats({ id });
    const records: unknown[] = [];
    let pending = '';
    for await (const chunk of streamed.body) {
      pending += Buffer.from(chunk as Uint8Array).toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        records.push(JSON.parse(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
      }
      if (records.length >= 2) break;
    }
    streamed.body.destroy();
    expect(records).toHaveLength(2);
    for (const record of records) conformance.check('ContainerStats', record);
    const [first, second] = records as { read: string; preread: string }[];
    if (podman) {
      // Podman reads once before the stream begins: the first sample has a preread just before it.
      expect(Date.parse(first!.preread)).toBeGreaterThan(Date.parse(first!.read) - 1000);
      expect(Date.parse(first!.preread)).toBeLessThanOrEqual(Date.parse(first!.read));
      expect(Date.parse(second!.read) - Date.parse(first!.read)).toBeGreaterThan(4000);
    } else expect(first!.preread).toBe(ZERO_TIME);
    expect(second!.preread).toBe(first!.read);

    await expect(docker.containers.stats({ id, stream: true, 'one-shot': true })).rejects.toBeInstanceOf(BadRequestError);
    await docker.containers.kill({ id });
  });

  it(`reports zeros and null block I/O lists for a container that is not running${podman ? ' (Podman 4.3 answers 200 with an empty body, which statsOnce refuses with DockerResponseError)' : ''}`, async () => {
    const id = await create('statsidle', 'true', { HostConfig: { NetworkMode: 'none' } });
    const answer = await docker.containers.stats({ id, stream: false });
    expect(answer.status).toBe(200);
    const body = await readAll(answer.body);
    if (podman) {
      expect(body.length).toBe(0);
      const refused = await docker.statsOnce(id).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DockerResponseError);
      expect((refused as Error).message).toMatch(/without a record/);
      return expect(docker.containers.stats({ id: `missing-${run}`, stream: false })).rejects.toBeInstanceOf(NotFoundError);
    }
    const sample = JSON.parse(body.toString('utf8'));
    conformance.check('ContainerStats', sample);
    expect(sample.read).toBe(ZERO_TIME);
    expect(sample.blkio_stats.io_service_bytes_recursive).toBeNull();
    expect(sample.memory_stats).toEqual({});
    expect(sample.networks).toBeUndefined();
    await expect(docker.containers.stats({ id: `missing-${run}`, stream: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resizes the TTY of a running container (the process sees SIGWINCH), and refuses a stopped one with 409', async () => {
    const id = await create('tty', 'trap "stty size" WINCH; echo ready; while true; do sleep 0.1; done', { Tty: true });
    await docker.containers.start({ id });
    const logText = async () => (await readAll((await docker.containers.logs({ id, stdout: true })).body)).toString('utf8');
    for (let i = 0; i < 50 && !(await logText()).includes('ready'); i++) await new Promise((r) => setTimeout(r, 100));
    await expect(docker.containers.resize({ id, h: 33, w: 111 })).resolves.toBeUndefined();
    let text = '';
    for (let i = 0; i < 50 && !text.includes('33 111'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await logText();
    }
    expect(text).toContain('33 111\r\n');

    // Without a TTY the engine accepts the request and nothing happens.
    const plain = await create('notty', 'exec sleep 300');
    await docker.containers.start({ id: plain });
    await expect(docker.containers.resize({ id: plain, h: 10, w: 10 })).resolves.toBeUndefined();

    await docker.containers.kill({ id });
    await docker.containers.wait({ id });
    await expect(docker.containers.resize({ id, h: 33, w: 111 })).rejects.toBeInstanceOf(ConflictError);
    await expect(docker.containers.resize({ id: `missing-${run}`, h: 1, w: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await docker.containers.kill({ id: plain });
  });

  it(`exports the whole filesystem as a tar that holds /bin/busybox${podman ? ' (Podman 4.3 types it application/octet; charset=us-ascii)' : ''}`, async () => {
    const id = await runToEnd('export', 'echo exported > /marker.txt');
    const answer = await docker.containers.export({ id });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(podman ? 'application/octet; charset=us-ascii' : 'application/octet-stream');
    const entries = await untar(answer.body, (name) => name === 'marker.txt');
    const busybox = entries.get('bin/busybox');
    expect(busybox?.header.type).toBe('file');
    expect(busybox!.header.size).toBeGreaterThan(500_000);
    expect(entries.get('marker.txt')?.content.toString('utf8')).toBe('exported\n');
    expect(entries.get('bin/sh')?.header).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    await expect(docker.containers.export({ id: `missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
  });

  const statDifferences = podman ? " (Podman 4.3 adds isDir, gives a path that is no link itself as linkTarget, and names a link by its target's name)" : '';
  it(`describes paths with HEAD archive: a file, a directory and a symbolic link${statDifferences}`, async () => {
    const id = await create('stat', 'true');
    const file = await docker.containers.archiveInfo({ id, path: '/bin/busybox' });
    expect(file.status).toBe(200);
    const stat = pathStat(file.headers);
    expect(stat.name).toBe('busybox');
    expect(stat.size).toBeGreaterThan(500_000);
    expect(stat.mode).toBe(0o755);
    expect(stat.linkTarget).toBe(podman ? '/bin/busybox' : '');
    expect((await readAll(file.body)).length).toBe(0);

    const dir = pathStat((await docker.containers.archiveInfo({ id, path: '/bin' })).headers);
    expect(dir.name).toBe('bin');
    expect(dir.mode).toBe(MODE_DIR + 0o755);
    expect(dir.linkTarget).toBe(podman ? '/bin' : '');

    const link = pathStat((await docker.containers.archiveInfo({ id, path: '/bin/sh' })).headers);
    expect(link).toMatchObject({ name: podman ? 'busybox' : 'sh', mode: MODE_SYMLINK + 0o777, linkTarget: '/bin/busybox' });

    // A relative path is taken from the root.
    expect(pathStat((await docker.containers.archiveInfo({ id, path: 'bin/busybox' })).headers).size).toBe(stat.size);
  });

  it(`copies a file out with GET archive, its description in the header${podman ? " (Podman 4.3: a folder's entry without its trailing slash, /. without ./)" : ''}`, async () => {
    const id = await create('getarc', 'true');
    const answer = await docker.containers.getArchive({ id, path: '/etc/passwd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-tar');
    const stat = pathStat(answer.headers);
    expect(stat.name).toBe('passwd');
    const entries = await untar(answer.body);
    expect([...entries.keys()]).toEqual(['passwd']);
    const passwd = entries.get('passwd')!;
    expect(passwd.header.size).toBe(stat.size);
    expect(passwd.content.toString('utf8')).toMatch(/^root:x:0:0:/m);

    // A directory is archived under its own name; `/.` gives its contents.
    const etc = await untar((await docker.containers.getArchive({ id, path: '/etc' })).body, () => false);
    expect(etc.get(podman ? 'etc' : 'etc/')?.header.type).toBe('directory');
    expect(etc.has('etc/passwd')).toBe(true);
    const contents = await untar((await docker.containers.getArchive({ id, path: '/etc/.' })).body, () => false);
    expect(contents.has(podman ? 'passwd' : './passwd')).toBe(true);
  });

  it(`copies a tar in with PUT archive and reads it back, owners kept or taken from the container user${podman ? " (Podman 4.3 always gives the files the container user's owner)" : ''}`, async () => {
    const id = await create('putarc', 'true', { User: 'nobody' });
    const archive = await tarOf([
      { name: 'hello.txt', content: `hello ${run}\n`, mode: 0o640, uid: 1234, gid: 4321 },
      { name: 'sub', type: 'directory', mode: 0o755 },
      { name: 'sub/nested.txt', content: 'nested\n', mode: 0o644 },
    ]);
    await expect(docker.containers.putArchive({ id, path: '/tmp', body: archive })).resolves.toBeUndefined();

    const back = await untar((await docker.containers.getArchive({ id, path: '/tmp/hello.txt' })).body);
    const hello = back.get('hello.txt')!;
    expect(hello.content.toString('utf8')).toBe(`hello ${run}\n`);
    // Podman does as with copyUIDGID below even without it: the archive's owner is not kept.
    expect(hello.header).toMatchObject(podman ? { uid: 65534, gid: 65534, type: 'file' } : { uid: 1234, gid: 4321, type: 'file' });
    expect(hello.header.mode! & 0o7777).toBe(0o640);
    const sub = pathStat((await docker.containers.archiveInfo({ id, path: '/tmp/sub' })).headers);
    expect(sub.mode).toBe(MODE_DIR + 0o755);
    const nested = await untar((await docker.containers.getArchive({ id, path: '/tmp/sub/nested.txt' })).body);
    expect(nested.get('nested.txt')?.content.toString('utf8')).toBe('nested\n');
    expect(nested.get('nested.txt')?.header).toMatchObject(podman ? { uid: 65534, gid: 65534 } : { uid: 0, gid: 0 });

    // copyUIDGID: the files take the container's user (nobody = 65534) instead of the archive's owner.
    await docker.containers.putArchive({ id, path: '/home', copyUIDGID: true, body: archive });
    const owned = await untar((await docker.containers.getArchive({ id, path: '/home/hello.txt' })).body);
    expect(owned.get('hello.txt')?.header).toMatchObject({ uid: 65534, gid: 65534 });

    // A streamed body works as well as one in memory.
    async function* chunks() {
      yield archive.subarray(0, 700);
      yield archive.subarray(700);
    }
    await docker.containers.putArchive({ id, path: '/root', body: chunks() });
    expect(pathStat((await docker.containers.archiveInfo({ id, path: '/root/hello.txt' })).headers).size).toBe(`hello ${run}\n`.length);

    // noOverwriteDirNonDir: replacing the directory /tmp/sub with a file fails (500 on every engine).
    const clash = await tarOf([{ name: 'sub', content: 'not a directory\n' }]);
    await expect(docker.containers.putArchive({ id, path: '/tmp', noOverwriteDirNonDir: true, body: clash })).rejects.toBeInstanceOf(ServerError);
    expect(pathStat((await docker.containers.archiveInfo({ id, path: '/tmp/sub' })).headers).mode).toBe(MODE_DIR + 0o755);
  });

  const destinationDifferences = podman
    ? ' (Podman 4.3: PUT creates a missing folder, and writes into the read-only root file system of a container not running; a file as the destination is 500)'
    : '';
  it(`answers archive requests for missing paths and containers with 404, and bad destinations per engine${destinationDifferences}`, async () => {
    const id = await create('arcerr', 'true');
    await expect(docker.containers.archiveInfo({ id, path: `/missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.containers.getArchive({ id, path: `/missing-${run}` })).rejects.toBeInstanceOf(NotFoundError);
    const archive = await tarOf([{ name: 'x.txt', content: 'x' }]);
    const intoMissing = docker.containers.putArchive({ id, path: `/missing-${run}`, body: archive });
    if (podman) {
      await expect(intoMissing).resolves.toBeUndefined();
      expect(pathStat((await docker.containers.archiveInfo({ id, path: `/missing-${run}` })).headers).mode).toBe(MODE_DIR + 0o755);
      expect(pathStat((await docker.containers.archiveInfo({ id, path: `/missing-${run}/x.txt` })).headers).size).toBe(1);
    } else await expect(intoMissing).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.containers.getArchive({ id: `missing-${run}`, path: '/etc' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(docker.containers.archiveInfo({ id, path: '' })).rejects.toBeInstanceOf(BadRequestError);

    // Unpacking onto a file, or into a read-only root filesystem: 400 from Docker 23 on, 500 on 20.10 (and Podman 4.3).
    const refused = legacyEngine ? ServerError : BadRequestError;
    await expect(docker.containers.putArchive({ id, path: '/etc/passwd', body: archive })).rejects.toBeInstanceOf(refused);
    const readOnly = await create('arcro', 'true', { HostConfig: { ReadonlyRootfs: true } });
    const intoReadOnly = docker.containers.putArchive({ id: readOnly, path: '/tmp', body: archive });
    if (podman) {
      await expect(intoReadOnly).resolves.toBeUndefined();
      expect(pathStat((await docker.containers.archiveInfo({ id: readOnly, path: '/tmp/x.txt' })).headers).size).toBe(1);
    } else await expect(intoReadOnly).rejects.toBeInstanceOf(refused);
    // An unreadable archive is a server error on both.
    await expect(docker.containers.putArchive({ id, path: '/tmp', body: Buffer.from('not a tar archive') })).rejects.toBeInstanceOf(ServerError);
  });
});
