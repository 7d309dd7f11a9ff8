import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enterRawMode, type ProcessHooks } from '../../src/terminal/raw-mode.js';
import { TmuxPane } from './support/tmux-pane.js';

/** A TTY input that records the modes it is put into. */
function fakeTerminal(options: { isTTY?: boolean; isRaw?: boolean } = {}) {
  const modes: boolean[] = [];
  const terminal = {
    isTTY: options.isTTY ?? true,
    isRaw: options.isRaw ?? false,
    setRawMode(mode: boolean) {
      modes.push(mode);
      terminal.isRaw = mode;
    },
  };
  return { terminal, modes };
}

/** A process stand-in: its events, and the signals raised with kill(). */
function fakeProcess() {
  const emitter = new EventEmitter();
  const raised: string[] = [];
  const host = Object.assign(emitter, { pid: 4242, kill: (_pid: number, signal: string) => raised.push(signal) }) as unknown as ProcessHooks & EventEmitter;
  return { host, raised };
}

describe('enterRawMode', () => {
  it('sets raw mode and restores it once, however often restore is called', () => {
    const { terminal, modes } = fakeTerminal();
    const { host } = fakeProcess();
    const restore = enterRawMode(terminal, host);
    expect(modes).toEqual([true]);
    restore();
    restore();
    expect(modes).toEqual([true, false]);
  });

  it('leaves a terminal that is not a TTY, or already raw, as it is', () => {
    const notTty = fakeTerminal({ isTTY: false });
    const alreadyRaw = fakeTerminal({ isRaw: true });
    const { host } = fakeProcess();
    enterRawMode(notTty.terminal, host)();
    enterRawMode(alreadyRaw.terminal, host)();
    expect(notTty.modes).toEqual([]);
    expect(alreadyRaw.modes).toEqual([]);
    expect(host.eventNames()).toEqual([]);
  });

  it('restores when the process exits', () => {
    const { terminal, modes } = fakeTerminal();
    const { host } = fakeProcess();
    enterRawMode(terminal, host);
    host.emit('exit', 0);
    expect(modes).toEqual([true, false]);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'])('on %s: restores, then raises the signal again so the process ends as it would have', (signal) => {
    const { terminal, modes } = fakeTerminal();
    const { host, raised } = fakeProcess();
    enterRawMode(terminal, host);
    host.emit(signal, signal);
    expect(modes).toEqual([true, false]);
    expect(raised).toEqual([signal]);
    expect(host.eventNames()).toEqual([]);
  });

  it('on a signal the program listens to itself: restores and leaves the decision to the program', () => {
    const { terminal, modes } = fakeTerminal();
    const { host, raised } = fakeProcess();
    const seen: string[] = [];
    host.on('SIGTERM', (signal: string) => seen.push(signal));
    enterRawMode(terminal, host);
    host.emit('SIGTERM', 'SIGTERM');
    expect(modes).toEqual([true, false]);
    expect(raised).toEqual([]);
    expect(seen).toEqual(['SIGTERM']);
  });

  it('once restored, removes its hooks: a later signal or exit does not touch the terminal', () => {
    const { terminal, modes } = fakeTerminal();
    const { host } = fakeProcess();
    enterRawMode(terminal, host)();
    expect(host.eventNames()).toEqual([]);
    expect(modes).toEqual([true, false]);
  });
});

// A real terminal: a Node process puts it into raw mode and is sent SIGHUP (what closing a terminal
// window sends). Node itself resets the terminal on SIGINT and SIGTERM, not on SIGHUP.
describe('enterRawMode on a real terminal (tmux)', () => {
  let pane: TmuxPane | undefined;
  let folder: string | undefined;
  afterEach(async () => {
    await pane?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function rawProgram(body: string): Promise<{ pane: TmuxPane; pid: number }> {
    folder = await mkdtemp(join(tmpdir(), 'raw-mode-'));
    const pidFile = join(folder, 'pid');
    const program = join(folder, 'raw.ts');
    const rawMode = resolve('src/terminal/raw-mode.ts');
    await writeFile(
      program,
      `import { writeFileSync } from 'node:fs';\nimport { enterRawMode } from ${JSON.stringify(rawMode)};\n${body}\nprocess.stdin.resume();\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nconsole.log('in raw mode');\n`,
    );
    pane = await TmuxPane.start(`node --import tsx ${program}`);
    await pane.waitFor(/in raw mode/);
    return { pane, pid: Number(await readFile(pidFile, 'utf8')) };
  }

  it('SIGHUP: the terminal is back in canonical mode with echo, and the process ended by the signal', async () => {
    const { pane, pid } = await rawProgram('enterRawMode(process.stdin);');
    process.kill(pid, 'SIGHUP');
    expect(await pane.afterCommand()).toEqual({ status: 129, modes: ['echo', 'icanon'] });
  });

  it('contrast, without it: setRawMode alone leaves the terminal raw after SIGHUP', async () => {
    const { pane, pid } = await rawProgram('process.stdin.setRawMode(true); void enterRawMode;');
    process.kill(pid, 'SIGHUP');
    expect(await pane.afterCommand()).toEqual({ status: 129, modes: ['-echo', '-icanon'] });
  });
});
