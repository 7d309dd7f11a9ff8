// A real terminal for tests: a detached tmux session on a private tmux server, driven as a person
// drives a terminal (typed keys, a window resize) and read as a person reads it (the screen).
// The command runs under `sh -c` without job control, so nothing restores the terminal's modes
// after it: what `stty` reports afterwards is what the program left behind.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Printed after the command: its exit status and the terminal modes it left (`icanon` or `-icanon`, `echo` or `-echo`). */
export const AFTER_COMMAND = 'echo "exit status $?"; stty -a | tr " " "\\n" | grep -x -e "-\\?icanon" -e "-\\?echo" | tr "\\n" " "; echo; sleep 600';

let tmuxInstalled: Promise<unknown> | undefined;
/** tmux, installed with apt the first time on a machine that lacks it (a fresh Debian does), as the engine scripts install theirs. */
function ensureTmux(): Promise<unknown> {
  tmuxInstalled ??= run('tmux', ['-V']).catch(async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], { env });
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', 'tmux'], { env });
  });
  return tmuxInstalled;
}

export class TmuxPane {
  readonly #server: string;
  readonly #folder: string;

  private constructor(server: string, folder: string) {
    this.#server = server;
    this.#folder = folder;
  }

  /** Starts `command` (a shell command line) in a new 100×30 terminal, with `env` added to the environment. */
  static async start(command: string, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<TmuxPane> {
    await ensureTmux();
    const folder = await mkdtemp(join(tmpdir(), 'tmux-pane-'));
    const script = join(folder, 'run.sh');
    const exports = Object.entries(options.env ?? {}).map(([name, value]) => `export ${name}='${value}'\n`);
    await writeFile(script, `${exports.join('')}${command}\n${AFTER_COMMAND}\n`);
    const pane = new TmuxPane(`test-${process.pid}-${Math.random().toString(36).slice(2)}`, folder);
    await pane.#tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'main', '-c', options.cwd ?? process.cwd(), `sh ${script}`);
    return pane;
  }

  /** The visible screen, lines joined with newlines. */
  async screen(): Promise<string> {
    return (await this.#tmux('capture-pane', '-p', '-t', 'main')).trimEnd();
  }

  /** Waits until the screen matches; fails with the screen in the message. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      const match = screen.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Once the command has ended: its exit status and the terminal modes it left, sorted (`['echo', 'icanon']` when restored). */
  async afterCommand(): Promise<{ status: number; modes: string[] }> {
    const [, status, modes] = (await this.waitFor(/exit status (\d+)\n(.*icanon.*)/)) as string[];
    return { status: Number(status), modes: modes!.trim().split(' ').sort() };
  }

  /** Types text literally, then Enter. */
  async typeLine(text: string): Promise<void> {
    await this.#tmux('send-keys', '-t', 'main', '-l', text);
    await this.#tmux('send-keys', '-t', 'main', 'Enter');
  }

  /** Presses keys by tmux's names, e.g. `C-p`, `C-q`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux('send-keys', '-t', 'main', ...keys);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.#tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  /** Closes the terminal as closing its window does: the processes in it get SIGHUP. */
  async close(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
    await rm(this.#folder, { recursive: true, force: true });
  }

  async #tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.#server, ...args]);
    return stdout;
  }
}
