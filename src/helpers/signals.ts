// Signal names for kill/stop and StopSignal, with their Linux numbers.
import { DockerUsageError } from '../errors.js';

export const linuxSignals = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  SIGRTMIN: 34,
  SIGRTMAX: 64,
} as const;

export type SignalName = keyof typeof linuxSignals;

/**
 * Validates a signal as the engine accepts it (`SIGTERM`, `TERM`, `15`, `SIGRTMIN+3`) and returns
 * its canonical `SIG…` name, so a typo fails here with a clear message instead of in the engine.
 */
export function normalizeSignal(input: string | number): string {
  const text = String(input).trim();
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    const name = (Object.keys(linuxSignals) as SignalName[]).find((key) => linuxSignals[key] === number);
    if (name) return name;
    if (number > linuxSignals.SIGRTMIN && number < linuxSignals.SIGRTMAX) return `SIGRTMIN+${number - linuxSignals.SIGRTMIN}`;
    throw new DockerUsageError(`${text} is not a Linux signal number`);
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const realtime = /^SIGRTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (realtime?.[2]) {
    const number = (realtime[1] === 'IN' ? linuxSignals.SIGRTMIN : linuxSignals.SIGRTMAX) + Number(realtime[2]);
    if (number >= linuxSignals.SIGRTMIN && number <= linuxSignals.SIGRTMAX) return name;
  } else if (name in linuxSignals) {
    return name;
  }
  throw new DockerUsageError(`"${input}" is not a signal name the engine knows`);
}
