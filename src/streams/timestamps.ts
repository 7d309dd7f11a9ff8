// The `since`/`until` values of logs and events. The engine reads `seconds[.nanoseconds]`
// (and also RFC 3339 dates and relative durations such as `10m`, which strings pass through).
import { DockerUsageError } from '../errors.js';

/** A Date, Unix time in seconds (fractions allowed), or a string the engine understands as is. */
export type Timestamp = Date | number | string;

const NANOS_PER_SECOND = 1_000_000_000n;

export function encodeTimestamp(value: Timestamp, what: string): string {
  if (typeof value === 'string') return value;
  const millis = value instanceof Date ? value.getTime() : value * 1000;
  if (!Number.isFinite(millis) || millis < 0) throw new DockerUsageError(`${what} must be a valid time after 1970, got ${String(value)}`);
  // Whole microseconds keep the float arithmetic exact enough; the engine does not need more here.
  return formatNanos(BigInt(Math.round(millis * 1000)) * 1000n);
}

/** `seconds.nanoseconds` with nine digits, the exact form of an event's `timeNano`. */
export function formatNanos(nanos: bigint): string {
  const seconds = nanos / NANOS_PER_SECOND;
  const fraction = nanos % NANOS_PER_SECOND;
  return `${seconds}.${fraction.toString().padStart(9, '0')}`;
}
