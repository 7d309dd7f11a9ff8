// Aggregates the decoded records of a BuildKit build into what a progress display needs: the
// steps with their latest state, how many are done or cached, the bytes transferred, the warnings,
// and the last lines each step printed (kept for the error of a failed step). BuildKit sends a
// step again whenever its state changes, so each record replaces the step's previous state.
import type { BuildKitStatus, BuildKitVertex, BuildKitVertexWarning } from './buildkit-status.js';
import { LineSplitter } from './line-splitter.js';

// Enough output to see why a step failed without holding a whole build log in memory.
const LINES_KEPT_PER_STEP = 20;

export class BuildKitProgress {
  readonly #steps = new Map<string, BuildKitVertex>();
  readonly #transfers = new Map<string, { current: number; total: number }>();
  readonly #output = new Map<string, { splitter: LineSplitter; lines: string[] }>();
  readonly #warnings: BuildKitVertexWarning[] = [];
  #malformed = 0;

  /** Every step reported so far, by digest, in the order it first appeared. */
  get steps(): ReadonlyMap<string, Readonly<BuildKitVertex>> {
    return this.#steps;
  }

  /** Steps that have finished (done, cached or failed). */
  get completed(): number {
    let count = 0;
    for (const step of this.#steps.values()) if (step.completed) count++;
    return count;
  }

  /** Steps whose result came from the build cache. */
  get cached(): number {
    let count = 0;
    for (const step of this.#steps.values()) if (step.cached) count++;
    return count;
  }

  /** Bytes transferred so far (build context, image layers), over every transfer reported. */
  get bytes(): number {
    let sum = 0;
    for (const transfer of this.#transfers.values()) sum += transfer.current;
    return sum;
  }

  /** Bytes to transfer in all, over the transfers whose size is known. */
  get totalBytes(): number {
    let sum = 0;
    for (const transfer of this.#transfers.values()) sum += transfer.total;
    return sum;
  }

  get warnings(): readonly Readonly<BuildKitVertexWarning>[] {
    return this.#warnings;
  }

  /** Trace records that could not be decoded and were left out. */
  get malformed(): number {
    return this.#malformed;
  }

  /** The step that failed: the one whose error the engine reported, else the first with an error. */
  failedStep(engineMessage?: string): Readonly<BuildKitVertex> | undefined {
    let first: BuildKitVertex | undefined;
    for (const step of this.#steps.values()) {
      if (step.error === '') continue;
      if (engineMessage?.includes(step.error)) return step;
      first ??= step;
    }
    return first;
  }

  /** The last lines a step printed (at most 20), the unfinished last line included. */
  lastLines(digest: string): string[] {
    const output = this.#output.get(digest);
    if (!output) return [];
    const pending = output.splitter.pending;
    return pending === '' ? [...output.lines] : [...output.lines, pending].slice(-LINES_KEPT_PER_STEP);
  }

  update(status: BuildKitStatus): void {
    for (const vertex of status.vertexes) if (vertex.digest !== '') this.#steps.set(vertex.digest, vertex);
    for (const transfer of status.statuses) {
      if (!Number.isSafeInteger(transfer.current) || transfer.current < 0) continue;
      const total = Number.isSafeInteger(transfer.total) && transfer.total > 0 ? transfer.total : 0;
      this.#transfers.set(`${transfer.vertex} ${transfer.id}`, { current: transfer.current, total });
    }
    for (const log of status.logs) {
      let output = this.#output.get(log.vertex);
      if (!output) {
        output = { splitter: new LineSplitter(), lines: [] };
        this.#output.set(log.vertex, output);
      }
      // Only the newest lines of a record are kept: it may hold millions.
      output.lines = [...output.lines, ...output.splitter.write(log.data).slice(-LINES_KEPT_PER_STEP)].slice(-LINES_KEPT_PER_STEP);
    }
    for (const warning of status.warnings) this.#warnings.push(warning);
  }

  /** Counts a record that could not be decoded. */
  skipMalformed(): void {
    this.#malformed++;
  }
}
