// The engine's event feed as an async iterable. When the connection drops (the daemon restarts)
// it reconnects with backoff and asks again from the time of the last event it delivered; the
// engine repeats the events of that very nanosecond, and those already delivered are skipped,
// so nothing is lost (that the engine still has) and nothing arrives twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiVersion, NewestApiVersion } from '../../generated/versions.js';
import { DockerConnectionError } from '../errors.js';
import type { OperationParamsOf } from '../operation-surface.js';
import { CLIENT_CLOSED } from '../request/failure.js';
import { openOperation, type OperationContext } from '../request/operation-call.js';
import { DecodedStream } from './decoded-stream.js';
import { JsonRecordDecoder } from './json-records.js';
import { readableChunks } from './readable-chunks.js';
import { encodeTimestamp, formatNanos, type Timestamp } from './timestamps.js';

export interface ReconnectOptions {
  /** First wait before reconnecting, in ms (default 100); doubles after each failed attempt. */
  initialDelay?: number;
  /** Longest wait between attempts, in ms (default 5000). */
  maxDelay?: number;
  /** Give up after the engine has been unreachable this long, in ms (default 60000; Infinity never gives up). */
  timeout?: number;
}

/** The parameters of SystemEvents at API version V (`filters`, …), with times as Date, seconds or RFC 3339 text. */
export type EventsOptions<V extends ApiVersion = NewestApiVersion> = Omit<OperationParamsOf<'SystemEvents', V>, 'since' | 'until'> & EventsHelperOptions;

interface EventsHelperOptions {
  /** Start with the events since this time (the engine remembers only its most recent 256). */
  since?: Timestamp;
  /** End the stream at this time (otherwise it is endless). */
  until?: Timestamp;
  /** Reconnect when the connection drops (default true). */
  reconnect?: boolean | ReconnectOptions;
  /** Aborting ends the iteration quietly and closes the connection. */
  signal?: AbortSignal;
  /** Largest record accepted, in bytes (default 8 MiB). */
  maxRecordSize?: number;
}

/** An event with what deduplication needs: its exact time and its text. */
interface EventRecord<E> {
  event: E;
  nanos: bigint;
  key: string;
}

/** The events delivered at the latest nanosecond so far: the engine repeats those after a reconnect. */
interface Boundary {
  nanos: bigint;
  keys: Set<string>;
}

// The record formats the decoder reads, asked for where the version lets the client choose.
const ACCEPT = ['application/json-seq', 'application/x-ndjson'];

type AnyEventsOptions = EventsHelperOptions & Record<string, unknown>;

export async function* followEvents<E>(context: OperationContext, options: EventsOptions<ApiVersion> = {}): AsyncGenerator<E, void, undefined> {
  const { signal, reconnect: reconnectOption, maxRecordSize, since: sinceOption, until: untilOption, ...parameters } = options as AnyEventsOptions;
  const until = untilOption === undefined ? undefined : encodeTimestamp(untilOption, 'until');
  const reconnect = reconnectSettings(reconnectOption);
  let since = sinceOption === undefined ? undefined : encodeTimestamp(sinceOption, 'since');
  let boundary: Boundary | undefined;
  let failures = 0;
  let unreachableSince: number | undefined;
  for (;;) {
    const records = eventRecords<E>(context, { ...parameters, since, until }, { signal, maxRecordSize }, () => {
      failures = 0;
      unreachableSince = undefined;
    });
    try {
      for await (const record of records) {
        if (isRepeat(record, boundary)) continue;
        if (!boundary || record.nanos > boundary.nanos) boundary = { nanos: record.nanos, keys: new Set() };
        boundary.keys.add(record.key);
        yield record.event;
      }
      // A clean end is the engine honouring `until`, or the engine going away mid-stream.
      if (signal?.aborted || until !== undefined || !reconnect) return;
    } catch (error) {
      if (signal?.aborted) return;
      if (!reconnect || !isConnectionLoss(error)) throw error;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince >= reconnect.timeout) throw error;
    }
    if (boundary) since = formatNanos(boundary.nanos);
    try {
      await sleep(Math.min(reconnect.initialDelay * 2 ** failures++, reconnect.maxDelay), undefined, { signal });
    } catch {
      return; // aborted while waiting
    }
  }
}

function eventRecords<E>(
  context: OperationContext,
  values: Record<string, unknown>,
  { signal, maxRecordSize }: Pick<EventsHelperOptions, 'signal' | 'maxRecordSize'>,
  onConnected: () => void,
) {
  return new DecodedStream<EventRecord<E>>(async () => {
    const opened = await openOperation(context, 'SystemEvents', values, { signal, accept: ACCEPT });
    onConnected();
    const decoder = new JsonRecordDecoder<EventRecord<E>>({ maxRecordSize, context: opened.context, parse: parseEvent });
    return { chunks: readableChunks(opened.body), decoder };
  }, signal);
}

const TIME_NANO_KEY = '"timeNano":';
const DIGITS = /\s*(\d+)/y;

// `timeNano` (about 1.7e18) is beyond a double's exact range, so it is read from the text; the
// top-level key comes last (attribute values are strings, so they never match).
function parseEvent<E>(text: string): EventRecord<E> {
  const event = JSON.parse(text) as E & { time?: number };
  const at = text.lastIndexOf(TIME_NANO_KEY);
  DIGITS.lastIndex = at + TIME_NANO_KEY.length;
  const digits = at === -1 ? undefined : DIGITS.exec(text)?.[1];
  const nanos = digits ? BigInt(digits) : BigInt(event.time ?? 0) * 1_000_000_000n;
  return { event, nanos, key: text.trim() };
}

function isRepeat(record: EventRecord<unknown>, boundary: Boundary | undefined): boolean {
  if (!boundary) return false;
  return record.nanos < boundary.nanos || (record.nanos === boundary.nanos && boundary.keys.has(record.key));
}

function reconnectSettings(option: EventsHelperOptions['reconnect']): Required<ReconnectOptions> | undefined {
  if (option === false) return undefined;
  const given = option === true || option === undefined ? {} : option;
  return { initialDelay: given.initialDelay ?? 100, maxDelay: given.maxDelay ?? 5000, timeout: given.timeout ?? 60_000 };
}

// Losing the engine shows up as a failed connect (refused, socket file gone while it restarts)
// or as the body breaking off mid-stream. A client closed by its owner is not worth retrying.
function isConnectionLoss(error: unknown): boolean {
  return error instanceof DockerConnectionError && error.code !== CLIENT_CLOSED;
}
