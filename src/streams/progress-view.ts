// Aggregates progress messages into what a progress bar needs: one entry per item (the message
// `id`: a layer, or the tag a pull reports on) with its status and byte counts, and totals.
import type { ProgressMessage } from './progress-types.js';

export interface ItemProgress {
  readonly id: string;
  /** The latest status (`Downloading`, `Extracting`, `Pull complete`, `Loading layer`, …). */
  status: string;
  /** Bytes moved so far (download, push or load). */
  current: number;
  /** Bytes to move in all, once the engine has said. */
  total: number | undefined;
  /** The transfer is over (`Download complete`, `Pull complete`, `Already exists`, `Pushed`, …). */
  complete: boolean;
}

// Statuses after which an item has no more bytes to move; extraction that follows a download
// reports its own byte counts, which would make the bar run backwards, so they are ignored.
const COMPLETE = /complete$|already exists|^pushed$|^mounted from/i;

export class ProgressView {
  readonly #items = new Map<string, ItemProgress>();

  /** Every item reported so far, in the order it first appeared. */
  get items(): ReadonlyMap<string, Readonly<ItemProgress>> {
    return this.#items;
  }

  /** Bytes moved over all items (a complete item counts in full). */
  get current(): number {
    let sum = 0;
    for (const item of this.#items.values()) sum += item.complete ? (item.total ?? item.current) : Math.min(item.current, item.total ?? Infinity);
    return sum;
  }

  /** Bytes to move over all items whose size is known. */
  get total(): number {
    let sum = 0;
    for (const item of this.#items.values()) sum += item.total ?? 0;
    return sum;
  }

  /** current / total between 0 and 1, or undefined while no size is known. */
  get fraction(): number | undefined {
    const total = this.total;
    return total > 0 ? Math.min(1, this.current / total) : undefined;
  }

  update(message: ProgressMessage): void {
    const { id, status } = message;
    // Fields of the wrong type are skipped, not trusted: a status object cannot be tested, a byte
    // count of "12", -5 or 1e999 (Infinity) would turn the totals into text, negatives or NaN.
    if (typeof id !== 'string' || id === '' || typeof status !== 'string') return;
    let item = this.#items.get(id);
    if (!item) {
      item = { id, status, current: 0, total: undefined, complete: false };
      this.#items.set(id, item);
    }
    item.status = status;
    if (item.complete) return;
    if (COMPLETE.test(status)) {
      item.complete = true;
      return;
    }
    const detail = message.progressDetail;
    if (isByteCount(detail?.current)) item.current = detail.current;
    if (isByteCount(detail?.total) && detail.total > 0) item.total = detail.total;
  }
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
