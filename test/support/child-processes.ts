// Live (not zombie) child processes of this test process, read from /proc: how the connection
// tests check that every ssh or relay process they caused has gone again.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's live children for which `matches(pid, stat line)` holds. */
export function liveChildren(matches: (pid: string, stat: string) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === process.pid && fields[0] !== 'Z' && matches(pid, stat);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}
