// The engine's event feed as an async iterable. When the connection drops (the daemon restarts)
// it reconnects with backoff and asks again from the time of the last event it delivered; the
// engine repeats the events of that very nanosecond, and those already delivered are skipped,
// so nothing is lost (that the engine still has) and nothing arrives twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { compareApiVersions } from '../api-version.js';
import { DockerConnectionError } from '../errors.js';
import type { OperationContext } from '../operation-call.js';
import { DecodedStream } from './decoded-stream.js';
import { JsonRecordDecoder } from './json-records.js';
import { readableChunks } from './readable-chunks.js';
import { openStream } from './stream-request.js';
import { encodeTimestamp, formatNanos, type Timestamp } from './timestamps.js';

export interface ReconnectOptions {
  /** First wait before reconnecting, in ms (default 100); doubles after each failed attempt. */
  initialDelay?: number;
  /** Longest wait between attempts, in ms (default 5000). */
  maxDelay?: number;
  /** Give up after the engine has been unreachable this long, in ms (default 60000; Infinity never gives up). */
  timeout?: number;
}

export interface EventsOptions<Filters> {
  filters?: Filters;
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

// From 1.52 the engine offers JSON sequences as well as NDJSON; both are read alike.
const ACCEPT = 'application/json-seq, application/x-ndjson';

export async function* followEvents<E, Filters>(context: OperationContext, options: EventsOptions<Filters> = {}): AsyncGenerator<E, void, undefined> {
  const { signal } = options;
  const until = options.until === undefined ? undefined : encodeTimestamp(options.until, 'until');
  const reconnect = reconnectSettings(options.reconnect);
  let since = options.since === undefined ? undefined : encodeTimestamp(options.since, 'since');
  let boundary: Boundary | undefined;
  let failures = 0;
  let unreachableSince: number | undefined;
  for (;;) {
    const records = eventRecords<E>(context, { ...options, since, until }, () => {
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

function eventRecords<E>(context: OperationContext, options: EventsOptions<unknown> & { since?: string; until?: string }, onConnected: () => void) {
  return new DecodedStream<EventRecord<E>>(async () => {
    const apiVersion = await context.apiVersion(options.signal);
    const opened = await openStream(context, {
      operation: 'SystemEvents',
      method: 'GET',
      path: '/events',
      query: { since: options.since, until: options.until, filters: options.filters as Record<string, unknown> | undefined },
      headers: compareApiVersions(apiVersion, '1.52') >= 0 ? { accept: ACCEPT } : {},
      signal: options.signal,
    });
    onConnected();
    const decoder = new JsonRecordDecoder<EventRecord<E>>({ maxRecordSize: options.maxRecordSize, context: opened.context, parse: parseEvent });
    return { chunks: readableChunks(opened.body), decoder };
  }, options.signal);
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

function reconnectSettings(option: EventsOptions<unknown>['reconnect']): Required<ReconnectOptions> | undefined {
  if (option === false) return undefined;
  const given = option === true || option === undefined ? {} : option;
  return { initialDelay: given.initialDelay ?? 100, maxDelay: given.maxDelay ?? 5000, timeout: given.timeout ?? 60_000 };
}

// Losing the engine shows up as a failed connect (refused, socket file gone while it restarts)
// or as the body breaking off mid-stream. A client closed by its owner is not worth retrying.
const LOST = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const CLOSED = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

function isConnectionLoss(error: unknown): boolean {
  if (error instanceof DockerConnectionError) return !CLOSED.has(error.code ?? '');
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && LOST.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
