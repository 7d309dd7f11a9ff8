// Deno runs a program without access to the environment, files, sockets or subprocesses unless it
// is granted (--allow-env, --allow-read, --allow-write, --allow-net, --allow-run); its node:
// modules then throw Deno.errors.NotCapable (PermissionDenied before Deno 2), whose message names
// the flag to add. Recognized here so that such a refusal becomes a typed error keeping that advice.

/** Whether `error` is the runtime refusing an operation the program has no permission for. */
export function isRuntimeRefusal(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'NotCapable' || error.name === 'PermissionDenied');
}
