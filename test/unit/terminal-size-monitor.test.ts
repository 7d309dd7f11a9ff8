import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { TerminalSize } from '../../src/index.js';
import { monitorTerminalSize } from '../../src/terminal/size-monitor.js';

/** A TTY output whose size the test sets, emitting 'resize' as Node does on SIGWINCH. */
function terminalOutput(columns: number, rows: number, isTTY = true) {
  return Object.assign(new EventEmitter(), { isTTY, columns, rows });
}

/** A session whose resize fails the first `failures` times, recording every size asked for. */
function session(failures = 0) {
  const sizes: TerminalSize[] = [];
  let left = failures;
  return {
    sizes,
    resize: async (size: TerminalSize) => {
      sizes.push(size);
      if (left-- > 0) throw new Error('exec is not running yet');
    },
  };
}

describe('monitorTerminalSize (the seed’s MonitorTtySize)', () => {
  it('sends the size at once and on every resize until stopped', async () => {
    const output = terminalOutput(100, 30);
    const target = session();
    const monitor = monitorTerminalSize(target, output);
    await monitor.started;
    Object.assign(output, { columns: 120, rows: 40 });
    output.emit('resize');
    monitor.stop();
    output.emit('resize');
    expect(target.sizes).toEqual([
      { h: 30, w: 100 },
      { h: 40, w: 120 },
    ]);
    expect(output.listenerCount('resize')).toBe(0);
  });

  it('retries the starting size while the engine refuses it (an exec not yet running), then `started` settles', async () => {
    const target = session(2);
    const errors: unknown[] = [];
    await monitorTerminalSize(target, terminalOutput(80, 24), { onError: (error) => errors.push(error) }).started;
    expect(target.sizes).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('gives up after five tries, reports the failure to onError, and `started` still resolves', async () => {
    const target = session(10);
    const errors: unknown[] = [];
    await expect(monitorTerminalSize(target, terminalOutput(80, 24), { onError: (error) => errors.push(error) }).started).resolves.toBeUndefined();
    expect(target.sizes).toHaveLength(5);
    expect(errors).toEqual([new Error('exec is not running yet')]);
  });

  it('does nothing for an output that is not a terminal, or one that reports no size', async () => {
    const target = session();
    await monitorTerminalSize(target, terminalOutput(100, 30, false)).started;
    await monitorTerminalSize(target, terminalOutput(0, 0)).started;
    expect(target.sizes).toEqual([]);
  });
});
