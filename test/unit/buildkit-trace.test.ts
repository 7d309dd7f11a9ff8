// The BuildKit layer of docker.build() without an engine: decoding `moby.buildkit.trace` records
// (recorded from Docker 28.5 and hand-made), the builder choice, the aggregated view, the plain
// text rendering, and the stream's failure naming the step. test/engine/build-buildkit.test.ts
// builds for real.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BuildStepError, BuildStream, decodeBuildKitTrace, formatBytes, PlainProgressText, type BuildKitStatus } from '../../src/build/index.js';
import { defaultBuilder } from '../../src/build/builder-choice.js';
import { DockerResponseError, DockerStreamError } from '../../src/errors.js';
import { field, step, traceAux } from './support/buildkit-protobuf.js';

// The end of a failing build on Docker 28.5.2: the step starts, prints, fails, and the engine reports it.
const RECORDED = [
  `{"id":"moby.buildkit.trace","aux":"Cs8BCkdzaGEyNTY6YzMwOGFjOGZlYmY0NTJmYTJkNmQ4ZGQ0ZTNiYzAxOTRmZDYzYTZlN2NlOTIxZmJhMWIwMjY3ODZkMjI4NjNlNRJHc2hhMjU2OmZiYjEzZmVkNTZlNDUwY2ZmZmU3NGQ4NGE1OTBmZDE0YzhiZDBkNTc1YzA4MmE2YjZlMWQ4MzY3NTQ3YTY4MmIaLVtzdGFnZS0wIDMvM10gUlVOIGVjaG8gZmFpbGluZy1saW5lICYmIGV4aXQgMyoMCOmTzdgGEM3l0v8C"}`,
  `{"id":"moby.buildkit.trace","aux":"GmcKR3NoYTI1NjpjMzA4YWM4ZmViZjQ1MmZhMmQ2ZDhkZDRlM2JjMDE5NGZkNjNhNmU3Y2U5MjFmYmExYjAyNjc4NmQyMjg2M2U1EgsI6pPN2AYQrcCwFRgBIg1mYWlsaW5nLWxpbmUK"}`,
  `{"id":"moby.buildkit.trace","aux":"CroCCkdzaGEyNTY6YzMwOGFjOGZlYmY0NTJmYTJkNmQ4ZGQ0ZTNiYzAxOTRmZDYzYTZlN2NlOTIxZmJhMWIwMjY3ODZkMjI4NjNlNRJHc2hhMjU2OmZiYjEzZmVkNTZlNDUwY2ZmZmU3NGQ4NGE1OTBmZDE0YzhiZDBkNTc1YzA4MmE2YjZlMWQ4MzY3NTQ3YTY4MmIaLVtzdGFnZS0wIDMvM10gUlVOIGVjaG8gZmFpbGluZy1saW5lICYmIGV4aXQgMyoMCOmTzdgGEM3l0v8CMgsI6pPN2AYQ3db4ajpccHJvY2VzcyAiL2Jpbi9zaCAtYyBlY2hvIGZhaWxpbmctbGluZSAmJiBleGl0IDMiIGRpZCBub3QgY29tcGxldGUgc3VjY2Vzc2Z1bGx5OiBleGl0IGNvZGU6IDM="}`,
  String.raw`{"errorDetail":{"message":"process \"/bin/sh -c echo failing-line \u0026\u0026 exit 3\" did not complete successfully: exit code: 3"},"error":"process \"/bin/sh -c echo failing-line \u0026\u0026 exit 3\" did not complete successfully: exit code: 3"}`,
];
const FAILED_DIGEST = 'sha256:c308ac8febf452fa2d6d8dd4e3bc0194fd63a6e7ce921fba1b026786d22863e5';
const context = { operation: 'ImageBuild', apiVersion: '1.51' };

function streamOf(lines: string[]): BuildStream {
  const body = Readable.from(lines.map((line) => Buffer.from(`${line}\n`)));
  // What the stream opens, as its constructor declares it (the request path that makes it is not under test).
  return new BuildStream(async () => ({ apiVersion: '1.51', context, status: 200, headers: {}, body }) as never);
}

const traceLine = (status: Partial<BuildKitStatus>) => JSON.stringify({ id: 'moby.buildkit.trace', aux: traceAux(status) });
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 4, 23, 0, 0) + seconds * 1000);
const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('decoding BuildKit trace records', () => {
  it('decodes what Docker 28.5 sent: the step, its output, and its failure', () => {
    const [started, log, failed] = RECORDED.slice(0, 3).map((line) => decodeBuildKitTrace(JSON.parse(line).aux));
    expect(started!.vertexes).toEqual([
      {
        digest: FAILED_DIGEST,
        inputs: ['sha256:fbb13fed56e450cfffe74d84a590fd14c8bd0d575c082a6b6e1d8367547a682b'],
        name: '[stage-0 3/3] RUN echo failing-line && exit 3',
        cached: false,
        error: '',
        started: expect.any(Date),
      },
    ]);
    expect(log!.logs).toHaveLength(1);
    expect(log!.logs[0]).toMatchObject({ vertex: FAILED_DIGEST, stream: 1 });
    expect(Buffer.from(log!.logs[0]!.data).toString()).toBe('failing-line\n');
    expect(log!.logs[0]!.timestamp!.getTime()).toBeGreaterThan(started!.vertexes[0]!.started!.getTime());
    expect(failed!.vertexes[0]!.error).toBe('process "/bin/sh -c echo failing-line && exit 3" did not complete successfully: exit code: 3');
    expect(failed!.vertexes[0]!.completed).toBeInstanceOf(Date);
  });

  it('decodes every field of every record kind, timestamps to the millisecond', () => {
    const status: BuildKitStatus = {
      vertexes: [
        step({
          digest: 'sha256:a',
          inputs: ['sha256:b', 'sha256:c'],
          name: '[2/2] RUN x',
          cached: true,
          started: at(1),
          completed: at(2.5),
          error: 'boom',
          progressGroup: { id: 'g', name: 'pull', weak: true },
        }),
      ],
      statuses: [
        {
          id: 'transferring context:',
          vertex: 'sha256:a',
          name: 'ctx',
          current: 5_000_000_000,
          total: 6_000_000_000,
          timestamp: at(3),
          started: at(1),
          completed: at(4),
        },
      ],
      logs: [{ vertex: 'sha256:a', stream: 2, data: Uint8Array.from([0, 255, 10]), timestamp: at(1.25) }],
      warnings: [
        {
          vertex: 'sha256:a',
          level: 1,
          short: 'FromAsCasing',
          detail: ['one', 'two'],
          url: 'https://docs.example/x',
          info: { filename: 'Dockerfile', data: Buffer.from('FROM x as y\n'), language: 'Dockerfile' },
          ranges: [{ start: { line: 1, character: 0 }, end: { line: 1, character: 11 } }],
        },
      ],
    };
    const decoded = decodeBuildKitTrace(traceAux(status));
    expect(decoded.vertexes).toEqual(status.vertexes);
    expect(decoded.statuses).toEqual(status.statuses);
    expect(decoded.logs.map((log) => ({ ...log, data: [...log.data] }))).toEqual([{ ...status.logs[0], data: [0, 255, 10] }]);
    const { info, ...warning } = decoded.warnings[0]!;
    const { info: sentInfo, ...sentWarning } = status.warnings[0]!;
    expect(warning).toEqual(sentWarning);
    expect({ ...info, data: Buffer.from(info!.data).toString() }).toEqual({ ...sentInfo, data: 'FROM x as y\n' });
  });

  it('skips unknown fields of every wire type and known fields sent with the wrong wire type', () => {
    const unknown = [...field.varint(99, 7), ...field.fixed64(98, 1n), ...field.fixed32(97, 1), ...field.bytes(96, 'later')];
    const vertex = [
      ...field.bytes(1, 'sha256:a'),
      ...field.varint(3, 5),
      ...field.fixed32(1, 9),
      ...unknown,
      ...field.bytes(3, 'named'),
      ...field.bytes(4, 'not a flag'),
    ];
    const decoded = decodeBuildKitTrace(base64([...unknown, ...field.bytes(1, vertex), ...field.varint(2, 1), ...unknown]));
    expect(decoded.vertexes).toEqual([step({ digest: 'sha256:a', name: 'named' })]);
    expect(decoded.statuses).toEqual([]);
  });

  it('reads negative int64 counts as negative numbers and leaves out a timestamp no Date can hold', () => {
    const decoded = decodeBuildKitTrace(
      base64([
        ...field.bytes(2, [...field.varint(4, -1), ...field.varint(5, -2)]),
        ...field.bytes(1, [...field.bytes(1, 'sha256:a'), ...field.bytes(5, field.varint(1, 2n ** 62n))]),
      ]),
    );
    expect(decoded.statuses[0]).toMatchObject({ current: -1, total: -2 });
    expect(decoded.vertexes[0]!.started).toBeUndefined();
  });

  it.each([
    ['text that is not base64', 'not base64!', /not base64 text/],
    ['base64 without its padding', 'CgE', /not base64 text/],
    ['no text at all', 42, /not base64 text: number/],
    ['a varint cut short', base64([0x0a, 0x80]), /a varint cut short/],
    ['a varint of eleven bytes', base64([0x08, ...Array(10).fill(0xff), 0x01]), /longer than ten bytes/],
    ['a length beyond the record', base64([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), /of 4294967295 bytes where 2 are left/],
    ['a length near 2^63', base64([0x0a, ...Array(8).fill(0xff), 0x7f]), /bytes where 0 are left/],
    ['a group (wire type 3)', base64([0x0b, 0x0c]), /wire type 3/],
    ['wire type 7', base64([0x0f]), /wire type 7/],
    ['field number 0', base64([0x02, 0x00]), /field number of 0/],
    ['a fixed64 cut short', base64([0x09, 1, 2, 3]), /of 8 bytes where 3 are left/],
    ['a broken embedded message', base64([0x0a, 0x02, 0x0a, 0x05]), /where 0 are left/],
  ])('fails with a DockerResponseError on %s', (_name, aux, message) => {
    let failure: unknown;
    try {
      decodeBuildKitTrace(aux, context);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(DockerResponseError);
    expect((failure as Error).message).toMatch(message);
    expect(failure).toMatchObject(context);
  });
});

describe('choosing the builder as the Docker CLI does', () => {
  it.each([
    [{ 'builder-version': '2', ostype: 'linux' }, 'buildkit'],
    [{ 'builder-version': '2', ostype: 'windows' }, 'buildkit'],
    [{ 'builder-version': '1', ostype: 'windows' }, 'classic'],
    [{ ostype: 'windows' }, 'classic'],
    [{ 'builder-version': '1', ostype: 'linux' }, 'buildkit'],
    [{ ostype: 'linux' }, 'buildkit'],
    [{ 'builder-version': '', ostype: 'linux' }, 'buildkit'],
    [{}, 'buildkit'],
  ])('ping headers %o give %s', (headers, builder) => {
    expect(defaultBuilder(headers)).toBe(builder);
  });
});

describe('the aggregated view', () => {
  it('counts steps, finished and cached ones, bytes, warnings and malformed records', async () => {
    const stream = streamOf([
      traceLine({ vertexes: [step({ digest: 'a', name: 'one', started: at(0) }), step({ digest: 'b', name: 'two' })] }),
      traceLine({ statuses: [{ id: 'transferring context:', vertex: 'a', name: '', current: 500, total: 0 }] }),
      JSON.stringify({ id: 'moby.buildkit.trace', aux: '!!!' }),
      traceLine({ statuses: [{ id: 'transferring context:', vertex: 'a', name: '', current: 1500, total: 0, completed: at(1) }] }),
      traceLine({ statuses: [{ id: 'sha256:layer', vertex: 'b', name: '', current: 10, total: 40 }] }),
      traceLine({
        vertexes: [step({ digest: 'a', name: 'one', started: at(0), completed: at(1) }), step({ digest: 'b', name: 'two', cached: true, completed: at(1) })],
      }),
      traceLine({ warnings: [{ vertex: 'a', level: 1, short: 'careful', detail: [], url: '', ranges: [] }] }),
      JSON.stringify({ id: 'moby.image.id', aux: { ID: `sha256:${'1'.repeat(64)}` } }),
    ]);
    const messages = [];
    for await (const message of stream) messages.push(message);
    expect(await stream.done).toEqual({ imageId: `sha256:${'1'.repeat(64)}` });
    expect(messages.filter((message) => message.trace)).toHaveLength(6);
    expect(messages[2]!.trace).toBeUndefined();
    const view = stream.buildkit;
    expect([view.steps.size, view.completed, view.cached, view.bytes, view.totalBytes, view.malformed]).toEqual([2, 2, 1, 1510, 40, 1]);
    expect(view.warnings.map((warning) => warning.short)).toEqual(['careful']);
  });
});

describe('a failed step', () => {
  it('rejects done and the iteration with one BuildStepError naming the step and carrying its output (recorded from Docker 28.5)', async () => {
    const stream = streamOf(RECORDED);
    const failure = await (async () => {
      for await (const message of stream) void message;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildStepError);
    expect(failure).toBeInstanceOf(DockerStreamError);
    const error = failure as BuildStepError;
    expect(error.step).toBe('[stage-0 3/3] RUN echo failing-line && exit 3');
    expect(error.message).toBe(
      '[stage-0 3/3] RUN echo failing-line && exit 3: process "/bin/sh -c echo failing-line && exit 3" did not complete successfully: exit code: 3',
    );
    expect(error.log).toEqual(['failing-line']);
    expect(error).toMatchObject(context);
    await expect(stream.done).rejects.toBe(failure);
  });

  it('names the step whose error the engine reported, not a sibling cancelled with it, and keeps its last 20 lines', async () => {
    const output = Array.from({ length: 25 }, (_, index) => `line ${index}`).join('\n');
    const stream = streamOf([
      traceLine({ logs: [{ vertex: 'b', stream: 1, data: Buffer.from(`${output}\nunfinished`) }] }),
      traceLine({
        vertexes: [step({ digest: 'a', name: 'sibling', error: 'context canceled' }), step({ digest: 'b', name: 'the culprit', error: 'exit code: 2' })],
      }),
      JSON.stringify({ errorDetail: { message: 'failed: exit code: 2' } }),
    ]);
    const error = (await stream.done.catch((failure: unknown) => failure)) as BuildStepError;
    expect(error.step).toBe('the culprit');
    expect(error.log).toEqual([...Array.from({ length: 19 }, (_, index) => `line ${index + 6}`), 'unfinished']);
  });

  it('stays a plain DockerStreamError when no step failed (the classic builder, or an error before any step)', async () => {
    const stream = streamOf([JSON.stringify({ stream: 'Step 1/1 : FROM nothing\n' }), JSON.stringify({ errorDetail: { message: 'pull access denied' } })]);
    const error = await stream.done.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(DockerStreamError);
    expect(error).not.toBeInstanceOf(BuildStepError);
    expect((error as Error).message).toBe('pull access denied');
  });
});

describe('plain text rendering', () => {
  // One difference: a step the engine reports done and then cached (a FROM of a local image) shows
  // both lines here, where the CLI, which redraws on a timer, shows only CACHED.
  it('writes steps as docker build --progress=plain does: numbers, output with seconds, transfers, DONE, CACHED, ERROR', () => {
    const plain = new PlainProgressText();
    const definition = '[internal] load build definition from Dockerfile';
    const records: Partial<BuildKitStatus>[] = [
      { vertexes: [step({ digest: 'a', name: definition }), step({ digest: 'b', name: '[1/2] FROM busybox' })] },
      { vertexes: [step({ digest: 'a', name: definition, started: at(0) })] },
      { statuses: [{ id: 'transferring dockerfile:', vertex: 'a', name: '', current: 125, total: 0, started: at(0), completed: at(0.01) }] },
      { vertexes: [step({ digest: 'a', name: definition, started: at(0), completed: at(0.04) })] },
      { vertexes: [step({ digest: 'b', name: '[1/2] FROM busybox', started: at(0.1), completed: at(0.1) })] },
      { vertexes: [step({ digest: 'b', name: '[1/2] FROM busybox', cached: true, started: at(0.1), completed: at(0.1) })] },
      { vertexes: [step({ digest: 'b', name: '[1/2] FROM busybox', cached: true, started: at(0.1), completed: at(0.1) })] },
      { vertexes: [step({ digest: 'c', name: '[2/2] RUN make', started: at(1) })] },
      { logs: [{ vertex: 'c', stream: 1, data: Buffer.from('compiling\nhalf a '), timestamp: at(1.2345) }] },
      { logs: [{ vertex: 'c', stream: 2, data: Buffer.from('line\n'), timestamp: at(1.5) }] },
      { statuses: [{ id: 'sha256:layer', vertex: 'c', name: '', current: 2_050_000, total: 3_400_000, completed: at(2) }] },
      { logs: [{ vertex: 'c', stream: 1, data: Buffer.from('no newline'), timestamp: at(2) }] },
      { vertexes: [step({ digest: 'c', name: '[2/2] RUN make', started: at(1), completed: at(2.3), error: 'exit code: 2' })] },
      { warnings: [{ vertex: '', level: 1, short: 'something to know', detail: [], url: '', ranges: [] }] },
    ];
    const text = records.map((record) => plain.write(decodeBuildKitTrace(traceAux(record)))).join('');
    expect(text).toBe(
      [
        `#1 ${definition}`,
        '#1 transferring dockerfile: 125B done',
        '#1 DONE 0.0s',
        '',
        '#2 [1/2] FROM busybox',
        '#2 DONE 0.0s',
        '#2 CACHED',
        '',
        '#3 [2/2] RUN make',
        '#3 0.234 compiling',
        '#3 0.500 half a line',
        '#3 sha256:layer 2.05MB / 3.4MB done',
        '#3 1.300 no newline',
        '#3 ERROR: exit code: 2',
        'WARN: something to know',
        '',
      ].join('\n'),
    );
  });

  it('writes sizes in decimal units with three significant digits', () => {
    expect([0, 2, 999, 1000, 1234, 2_050_000, 5e9, 1e18].map(formatBytes)).toEqual(['0B', '2B', '999B', '1kB', '1.23kB', '2.05MB', '5GB', '1000PB']);
  });
});
