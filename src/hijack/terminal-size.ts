// The size of a hijacked session's TTY, checked before it is sent: the engine takes any number
// and a zero or a huge one only fails later, inside the container's terminal.
import { DockerUsageError } from '../errors.js';

export interface TerminalSize {
  /** Rows. */
  h: number;
  /** Columns. */
  w: number;
}

/** The size as the resize operations take it; rejects sizes a terminal cannot have. */
export function checkedTerminalSize(size: TerminalSize, operation: string): TerminalSize {
  for (const key of ['h', 'w'] as const) {
    const value = size?.[key];
    if (!Number.isInteger(value) || value <= 0 || value > 0xffff) {
      throw new DockerUsageError(`${operation}: "${key}" must be a whole number of ${key === 'h' ? 'rows' : 'columns'} from 1 to 65535, got ${String(value)}`, {
        operation,
      });
    }
  }
  return { h: size.h, w: size.w };
}
