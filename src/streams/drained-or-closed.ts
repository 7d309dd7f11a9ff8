// Waiting out a writable's backpressure without hanging on one that closes first: 'drain' never
// comes to a stream that was closed or destroyed while full.
import type { EventEmitter } from 'node:events';

/** Resolves on the writable's next 'drain' or 'close', whichever comes first. */
export function drainedOrClosed(writable: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      writable.off('drain', settle);
      writable.off('close', settle);
      resolve();
    };
    writable.on('drain', settle);
    writable.on('close', settle);
  });
}
