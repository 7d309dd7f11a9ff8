// What docker.build() answers: the engine's progress stream, read by ProgressStream, with the
// BuildKit part understood. Each `moby.buildkit.trace` message comes out with its record decoded
// (`trace`) and folded into `buildkit`, the build's aggregated state; a build that fails in a step
// fails with a BuildStepError naming the step and carrying its last output lines. Classic-builder
// messages pass through as they are.
import { DockerResponseError, DockerStreamError } from '../errors.js';
import type { OpenedAnswer } from '../request/operation-call.js';
import { ProgressStream } from '../streams/progress.js';
import type { ProgressMessage } from '../streams/progress-types.js';
import type { ProgressView } from '../streams/progress-view.js';
import { BuildStepError } from './build-step-error.js';
import { BuildKitProgress } from './buildkit-progress.js';
import { decodeBuildKitTrace, type BuildKitStatus } from './buildkit-status.js';

export interface BuildSummary {
  /** The built image's ID (`sha256:…`), from the engine's `aux` message (or a quiet build's output). */
  imageId?: string;
}

/** A message of a build's progress stream; a BuildKit trace message also carries its decoded record. */
export interface BuildMessage extends ProgressMessage {
  /** The decoded `aux` of a `moby.buildkit.trace` message (left out when it could not be decoded). */
  trace?: BuildKitStatus;
}

const TRACE_ID = 'moby.buildkit.trace';
const QUIET_OUTPUT = /^(sha256:[0-9a-f]{64})\s*$/;

export class BuildStream implements AsyncIterable<BuildMessage> {
  /** The BuildKit build so far: steps done, cached and failed, bytes transferred, warnings. */
  readonly buildkit = new BuildKitProgress();
  readonly #messages: ProgressStream<BuildSummary>;
  #failure: { from: unknown; to: unknown } | undefined;
  readonly #settled: () => Promise<void> | undefined;

  /** `settled` names what must also be finished before `done` resolves (an output still being written). */
  constructor(open: () => Promise<OpenedAnswer>, signal?: AbortSignal, settled: () => Promise<void> | undefined = () => undefined) {
    this.#messages = new ProgressStream<BuildSummary>(open, {}, (summary, message) => this.#fold(summary, message), { signal });
    this.#settled = settled;
  }

  /** The classic builder's per-item progress (BuildKit builds report in `buildkit` instead). */
  get progress(): ProgressView {
    return this.#messages.progress;
  }

  /**
   * Resolves with the image ID when the build has finished (and its `output`, if any, is written); rejects with a BuildStepError when a
   * BuildKit step failed, a DockerStreamError for any other failure the engine reports in the
   * stream, or the error that ended the stream. Awaited without iterating, it reads the stream.
   */
  get done(): Promise<BuildSummary> {
    return this.#messages.done.then(
      async (summary) => {
        await this.#settled();
        return summary;
      },
      (error: unknown) => {
        throw this.#explained(error);
      },
    );
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BuildMessage> {
    try {
      yield* this.#messages;
    } catch (error) {
      throw this.#explained(error);
    }
  }

  #fold(summary: BuildSummary, message: BuildMessage): void {
    if (message.id === TRACE_ID) {
      try {
        message.trace = decodeBuildKitTrace(message.aux);
        this.buildkit.update(message.trace);
      } catch (error) {
        // One damaged record costs its part of the display, not the build.
        if (!(error instanceof DockerResponseError)) throw error;
        this.buildkit.skipMalformed();
      }
      return;
    }
    const aux = message.aux as { ID?: unknown } | undefined;
    if (typeof aux?.ID === 'string') summary.imageId = aux.ID;
    else if (message.stream && !summary.imageId) summary.imageId = QUIET_OUTPUT.exec(message.stream)?.[1];
  }

  // The same error object for the iteration and `done`, made once.
  #explained(error: unknown): unknown {
    const known = this.#failure;
    if (known && known.from === error) return known.to;
    const explained = this.#withStep(error);
    this.#failure = { from: error, to: explained };
    return explained;
  }

  #withStep(error: unknown): unknown {
    if (!(error instanceof DockerStreamError)) return error;
    const step = this.buildkit.failedStep(error.message);
    if (!step) return error;
    const context = { operation: error.operation, apiVersion: error.apiVersion };
    return new BuildStepError(error.message, step.name, this.buildkit.lastLines(step.digest), context, error.code);
  }
}
