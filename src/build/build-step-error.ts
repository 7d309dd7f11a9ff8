// The error of a BuildKit build that failed in a step: the engine's message alone (`process
// "/bin/sh -c make" did not complete successfully: exit code: 2`) says neither which step of
// which stage failed nor what it printed, which is what the Docker CLI shows above its error.
import { DockerStreamError, type DockerErrorContext } from '../errors.js';

export class BuildStepError extends DockerStreamError {
  /** The failed step as BuildKit names it, e.g. `[build 3/5] RUN make`. */
  readonly step: string;
  /** The last lines the step printed (at most 20), oldest first. */
  readonly log: readonly string[];

  constructor(engineMessage: string, step: string, log: readonly string[], context: DockerErrorContext = {}, code?: number) {
    super(`${step}: ${engineMessage}`, context, code);
    this.step = step;
    this.log = log;
  }
}
