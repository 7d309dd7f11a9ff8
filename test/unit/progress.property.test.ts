// Property tests of progress streams (src/streams/progress.ts, progress-view.ts,
// progress-summaries.ts): messages cut into chunks anywhere, failures reported in the stream, and
// hostile records (not objects, fields of the wrong type, numbers JSON can only spell as 1e999).
// Example-based cases against a fake engine are in streams-progress.test.ts.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerStreamError } from '../../src/errors.js';
import { ProgressStream, type Summarize } from '../../src/streams/progress.js';
import { summarizePlugin, summarizePull, summarizePush } from '../../src/streams/progress-summaries.js';
import type { ProgressMessage } from '../../src/streams/progress-types.js';
import type { ProgressView } from '../../src/streams/progress-view.js';
import { assertTyped, cutPoints, describeError, mutate, mutations, outcomeOf, settlesWithin, splitAt } from './support/hostile-input.js';

const context = { operation: 'ImageCreate', apiVersion: '1.45' };
// What the stream opens, as its constructor declares it (the request path that makes it is not under test).
type Opened = Awaited<ReturnType<ConstructorParameters<typeof ProgressStream<object>>[0]>>;

interface Run<S> {
  messages: ProgressMessage[];
  error?: unknown;
  done: { summary?: S; error?: unknown };
  view: unknown;
  stream: ProgressStream<S>;
}

/** Reads a progress stream served in `chunks` to its end, then waits for `done`. */
async function run<S>(chunks: Buffer[], summary: S, summarize: Summarize<S>): Promise<Run<S>> {
  const opened = { apiVersion: '1.45', context, status: 200, headers: {}, body: Readable.from(chunks) } as unknown as Opened;
  const stream = new ProgressStream(async () => opened, summary, summarize);
  const { items, error } = await outcomeOf(stream);
  const done = await settlesWithin(
    stream.done.then(
      (result) => ({ summary: result }),
      (failure: unknown) => ({ error: failure }),
    ),
  );
  return { messages: items, error, done, view: snapshot(stream.progress), stream };
}

function snapshot(view: ProgressView) {
  return { items: [...view.items.values()].map((item) => ({ ...item })), current: view.current, total: view.total, fraction: view.fraction };
}

const COMPLETE_STATUSES = ['Download complete', 'Pull complete', 'Already exists', 'Layer already exists', 'Pushed', 'Mounted from library/base'];
const OTHER_STATUSES = ['Pulling fs layer', 'Waiting', 'Downloading', 'Verifying Checksum', 'Extracting', 'Preparing', 'Pushing'];

const detailArb = fc.record({ current: fc.nat(5000), total: fc.nat(5000) }, { requiredKeys: [] });
const messageArb: fc.Arbitrary<ProgressMessage> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { id: fc.constantFrom('aaa', 'bbb', 'ccc'), status: fc.constantFrom(...COMPLETE_STATUSES, ...OTHER_STATUSES), progressDetail: detailArb },
      { requiredKeys: ['id', 'status'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ status: fc.constantFrom('Digest: sha256:0123', 'Status: Downloaded newer image for app:latest', 'Installed plugin p') }),
  },
  { weight: 1, arbitrary: fc.record({ aux: fc.record({ Tag: fc.string(), Digest: fc.string(), Size: fc.nat() }, { requiredKeys: [] }) }) },
);
const failureArb = fc.record({ message: fc.string({ maxLength: 40 }), code: fc.option(fc.integer(), { nil: undefined }), withError: fc.boolean() });

const encode = (lines: string[]) => Buffer.from(lines.map((line) => `${line}\r\n`).join(''));

/** What a progress bar keeps per layer, followed by hand from the messages. */
function expectedView(messages: ProgressMessage[]) {
  const items = new Map<string, { id: string; status: string; current: number; total: number | undefined; complete: boolean }>();
  for (const { id, status, progressDetail } of messages) {
    if (id === undefined || status === undefined) continue;
    const item = items.get(id) ?? { id, status, current: 0, total: undefined, complete: false };
    items.set(id, item);
    item.status = status;
    if (item.complete) continue;
    if (COMPLETE_STATUSES.includes(status)) item.complete = true;
    else {
      if (progressDetail?.current !== undefined) item.current = progressDetail.current;
      if (progressDetail?.total) item.total = progressDetail.total;
    }
  }
  const all = [...items.values()];
  const current = all.reduce((sum, item) => sum + (item.complete ? (item.total ?? item.current) : Math.min(item.current, item.total ?? Infinity)), 0);
  const total = all.reduce((sum, item) => sum + (item.total ?? 0), 0);
  return { items: all, current, total, fraction: total > 0 ? Math.min(1, current / total) : undefined };
}

// Each summarizer with the types its summary's fields are declared with.
const summarizers = [
  [{ digest: 'string', status: 'string' }, summarizePull],
  [{ tag: 'string', digest: 'string', size: 'number' }, summarizePush],
  [{ status: 'string' }, summarizePlugin],
] as const;

describe('ProgressStream', () => {
  it('yields the messages, aggregates them and settles done the same however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { maxLength: 15 }),
        fc.option(fc.tuple(fc.nat(), failureArb), { nil: undefined }),
        fc.constantFrom(...summarizers),
        cutPoints,
        async (messages, failure, [, summarize], cuts) => {
          const lines = messages.map((message) => JSON.stringify(message));
          let delivered = messages;
          let failureMessage: ProgressMessage | undefined;
          if (failure) {
            const [at, { message, code, withError }] = failure;
            const position = at % (messages.length + 1);
            failureMessage = { errorDetail: { message, code }, ...(withError ? { error: message } : {}) };
            lines.splice(position, 0, JSON.stringify(failureMessage));
            delivered = messages.slice(0, position);
          }
          const bytes = encode(lines);
          const whole = await run([bytes], {}, summarize as Summarize<object>);
          const split = await run(splitAt(bytes, cuts), {}, summarize as Summarize<object>);
          const reference: object = {};
          for (const message of delivered) (summarize as Summarize<object>)(reference, message);
          for (const outcome of [whole, split]) {
            expect(outcome.messages).toEqual(delivered);
            expect(outcome.view).toEqual(expectedView(delivered));
            if (failureMessage) {
              expect(outcome.error).toBeInstanceOf(DockerStreamError);
              expect(outcome.error).toMatchObject({
                message: failureMessage.errorDetail!.message || 'the engine reported a failure without a message',
                code: failureMessage.errorDetail!.code,
                operation: 'ImageCreate',
              });
              expect(outcome.done.error).toBe(outcome.error);
            } else {
              expect(outcome.error).toBeUndefined();
              expect(outcome.done.summary).toEqual(reference);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('ends in messages or a typed error on hostile records, with a view of finite byte counts, however cut', async () => {
    // Field values JSON.stringify cannot produce (1e999 parses as Infinity) or that break naive use
    // (an object whose toString is not a function cannot become a string).
    const raw = fc.oneof(
      fc.constantFrom(
        '1e999',
        '-1e999',
        '-5',
        '0.5',
        '"12"',
        'null',
        'true',
        '[]',
        '{}',
        '""',
        '"Pull complete"',
        '{"toString":1}',
        '{"valueOf":{},"toString":{}}',
      ),
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    );
    const object = (keys: string[], value: fc.Arbitrary<string>) =>
      fc
        .array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 4 })
        .map((entries) => `{${entries.map(([key, text]) => `${JSON.stringify(key)}:${text}`).join(',')}}`);
    const hostileMessage = object(
      ['id', 'status', 'progressDetail', 'errorDetail', 'error', 'aux'],
      fc.oneof(raw, object(['current', 'total', 'message', 'code', 'Tag', 'Digest', 'Size'], raw)),
    );
    // Without errorDetail or error, so that the stream goes on and the fields reach the view and the summary.
    const wrongTypes = object(['id', 'status', 'progressDetail', 'aux'], fc.oneof(raw, object(['current', 'total', 'Tag', 'Digest', 'Size'], raw)));
    const hostileFailure = fc.tuple(raw, raw, raw).map(([message, code, error]) => `{"errorDetail":{"message":${message},"code":${code}},"error":${error}}`);
    // A layer's message whose byte counts alone are hostile: it gets past the id and status checks.
    const hostileDetail = fc
      .tuple(
        fc.constantFrom('"aaa"', '"bbb"'),
        fc.constantFrom(...[...COMPLETE_STATUSES, ...OTHER_STATUSES].map((status) => JSON.stringify(status))),
        object(['current', 'total'], raw),
      )
      .map(([id, status, detail]) => `{"id":${id},"status":${status},"progressDetail":${detail}}`);
    const hostileLine = fc.oneof(
      { weight: 4, arbitrary: wrongTypes },
      { weight: 2, arbitrary: hostileDetail },
      { weight: 1, arbitrary: hostileMessage },
      { weight: 1, arbitrary: hostileFailure },
      { weight: 1, arbitrary: raw },
    );
    const hostile = fc.oneof(
      fc
        .array(
          fc.oneof(
            hostileLine,
            messageArb.map((message) => JSON.stringify(message)),
          ),
          { maxLength: 8 },
        )
        .map(encode),
      fc.tuple(fc.array(messageArb, { maxLength: 8 }), mutations).map(([messages, list]) => mutate(encode(messages.map((m) => JSON.stringify(m))), list)),
      fc.uint8Array({ maxLength: 200, size: 'max' }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(hostile, fc.constantFrom(...summarizers), cutPoints, async (bytes, [fields, summarize], cuts) => {
        const whole = await run([bytes], {}, summarize as Summarize<object>);
        const split = await run(splitAt(bytes, cuts), {}, summarize as Summarize<object>);
        for (const outcome of [whole, split]) {
          assertTyped(outcome.error);
          if (outcome.error === undefined) expect(outcome.done.error).toBeUndefined();
          else expect(outcome.done.error).toBe(outcome.error);
          for (const [field, value] of Object.entries(outcome.done.summary ?? {})) expect(typeof value).toBe(fields[field as keyof typeof fields]);
          const view = outcome.stream.progress;
          for (const count of [view.current, view.total]) {
            expect(Number.isFinite(count) && count >= 0).toBe(true);
          }
          if (view.fraction !== undefined) expect(view.fraction >= 0 && view.fraction <= 1).toBe(true);
          for (const item of view.items.values()) {
            expect(typeof item.id === 'string' && typeof item.status === 'string').toBe(true);
            expect(Number.isFinite(item.current) && item.current >= 0).toBe(true);
            expect(item.total === undefined || (Number.isFinite(item.total) && item.total > 0)).toBe(true);
          }
        }
        expect(describeError(split.error)).toBe(describeError(whole.error));
        expect(split.messages).toEqual(whole.messages);
        expect(split.view).toEqual(whole.view);
        expect(split.done.summary).toEqual(whole.done.summary);
      }),
      { numRuns: 300 },
    );
  });
});
