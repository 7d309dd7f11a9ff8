// Renders a BuildKit build as plain text in the manner of `docker build --progress=plain`: each
// step gets a number the first time it shows, and every line about it starts with `#N`: its name,
// its output with the seconds since it started, finished transfers, and how it ended (`DONE
// 0.3s`, `CACHED`, `ERROR: …`). Meant for logs, CI output and examples; a program that draws its
// own display reads BuildStream.buildkit instead.
import type { BuildKitStatus, BuildKitVertex } from './buildkit-status.js';
import { LineSplitter } from './line-splitter.js';

interface StepState {
  readonly number: number;
  started?: Date;
  ended: boolean;
  shownCached: boolean;
  readonly output: LineSplitter;
  readonly transfersShown: Set<string>;
}

export class PlainProgressText {
  readonly #steps = new Map<string, StepState>();
  readonly #names = new Map<string, string>();

  /** The text one decoded trace record adds (possibly ""), each line ending with a newline. */
  write(status: BuildKitStatus): string {
    const out: string[] = [];
    for (const vertex of status.vertexes) this.#vertex(vertex, out);
    for (const transfer of status.statuses) {
      if (!transfer.completed) continue;
      const step = this.#step(transfer.vertex, out);
      if (step.transfersShown.has(transfer.id)) continue;
      step.transfersShown.add(transfer.id);
      const amount = transfer.total > 0 ? `${formatBytes(transfer.current)} / ${formatBytes(transfer.total)}` : formatBytes(transfer.current);
      out.push(`#${step.number} ${transfer.id} ${amount} done`);
    }
    for (const log of status.logs) {
      const step = this.#step(log.vertex, out);
      for (const line of step.output.write(log.data)) out.push(this.#outputLine(step, line, log.timestamp));
    }
    for (const warning of status.warnings) {
      const prefix = warning.vertex === '' ? '' : `#${this.#step(warning.vertex, out).number} `;
      out.push(`${prefix}WARN: ${warning.short}`);
    }
    return out.map((line) => `${line}\n`).join('');
  }

  #vertex(vertex: BuildKitVertex, out: string[]): void {
    if (vertex.digest === '') return;
    if (vertex.name !== '') this.#names.set(vertex.digest, vertex.name);
    // A step is shown once it starts, is found cached or fails, not while it only waits.
    if (!vertex.started && !vertex.completed && !vertex.cached && vertex.error === '') return;
    const step = this.#step(vertex.digest, out);
    if (vertex.started) step.started = vertex.started;
    if (!vertex.completed) {
      // BuildKit may start a finished step again (a context loaded in two passes).
      step.ended = false;
      return;
    }
    if (step.ended) {
      // The engine may report a step done and only then found in the cache (a FROM of a local image).
      if (vertex.cached && !step.shownCached && vertex.error === '') out.push(`#${step.number} CACHED`);
      step.shownCached ||= vertex.cached;
      return;
    }
    step.ended = true;
    step.shownCached = vertex.cached;
    for (const line of step.output.flush()) out.push(this.#outputLine(step, line, vertex.completed));
    if (vertex.error !== '') out.push(`#${step.number} ERROR: ${vertex.error}`);
    else if (vertex.cached) out.push(`#${step.number} CACHED`);
    else out.push(`#${step.number} DONE ${seconds(vertex.started, vertex.completed).toFixed(1)}s`);
  }

  // Numbers a step the first time anything about it is shown, with a blank line and its name.
  #step(digest: string, out: string[]): StepState {
    let step = this.#steps.get(digest);
    if (!step) {
      step = { number: this.#steps.size + 1, ended: false, shownCached: false, output: new LineSplitter(), transfersShown: new Set() };
      this.#steps.set(digest, step);
      if (step.number > 1) out.push('');
      out.push(`#${step.number} ${this.#names.get(digest) ?? digest}`);
    }
    return step;
  }

  #outputLine(step: StepState, line: string, at: Date | undefined): string {
    return `#${step.number} ${seconds(step.started, at).toFixed(3)} ${line}`;
  }
}

function seconds(from: Date | undefined, to: Date | undefined): number {
  if (!from || !to) return 0;
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units with up to three significant digits, as the Docker CLI writes sizes (`125B`, `2.05MB`). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(3))}${UNITS[unit]}`;
}
