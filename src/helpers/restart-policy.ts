// Restart policies for HostConfig.RestartPolicy.

export type RestartPolicy = { Name: 'no' } | { Name: 'always' } | { Name: 'unless-stopped' } | { Name: 'on-failure'; MaximumRetryCount?: number };

export const restartPolicy = {
  /** Never restart the container (the engine's default). */
  never: (): RestartPolicy => ({ Name: 'no' }),
  /** Restart whenever it stops, and when the engine starts. */
  always: (): RestartPolicy => ({ Name: 'always' }),
  /** Like `always`, except after the container was stopped on purpose. */
  unlessStopped: (): RestartPolicy => ({ Name: 'unless-stopped' }),
  /** Restart after a non-zero exit, at most `maximumRetryCount` times (0: no limit). */
  onFailure: (maximumRetryCount = 0): RestartPolicy => ({ Name: 'on-failure', MaximumRetryCount: maximumRetryCount }),
};
