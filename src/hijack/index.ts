// The hijack helpers as they appear on the client: docker.attach(), docker.attachWebSocket(),
// docker.execStart() and docker.exec.run() (next to the generated exec operations).
import type { ApiVersion } from '../../generated/versions.js';
import type { OperationContext } from '../request/operation-call.js';
import { attachContainer, type AttachOptions } from './attach.js';
import { runExec, type ExecResult, type ExecRunOptions } from './exec-run.js';
import { startExec, type ExecStartOptions, type ExecStream } from './exec-start.js';
import type { HijackedStream } from './hijacked-stream.js';
import { attachWebSocket, type AttachWebSocketOptions } from './websocket-attach.js';

export type { AttachOptions, AttachWebSocketOptions, ExecResult, ExecRunOptions, ExecStartOptions, ExecStream, HijackedStream };
export type { ExecInput } from './exec-run.js';
export type { TerminalSize } from './terminal-size.js';

export interface HijackHelpers<V extends ApiVersion> {
  /**
   * Attaches to a container's stdin/stdout/stderr. Returns at once; await `attached` before
   * starting the container to receive all of its output.
   */
  attach(id: string, options?: AttachOptions<V>): HijackedStream;
  /**
   * Attaches over WebSocket (`/containers/{id}/attach/ws`), for when only WebSockets get through.
   * The engine never multiplexes this form: `stdout` carries stdout and stderr mixed, `stderr`
   * ends at once. Ending `stdin` sends a close frame; the output keeps arriving until the engine
   * closes its side. Before API 1.42 the engine attaches all three streams whatever is asked, so
   * leaving out stdout or stderr there fails with DockerVersionError.
   */
  attachWebSocket(id: string, options?: AttachWebSocketOptions<V>): HijackedStream;
  /** Starts a created exec and streams it, like attach. */
  execStart(execId: string, options?: ExecStartOptions<V>): ExecStream;
  exec: {
    /** Runs a command in a running container; resolves with its output and exit code. */
    run<E extends 'utf8' | 'buffer' = 'utf8'>(
      containerId: string,
      cmd: readonly string[],
      options?: ExecRunOptions<E, V>,
    ): Promise<ExecResult<E extends 'buffer' ? Buffer : string>>;
  };
}

/** Builds the helpers; `execGroup` is the generated `exec` group they join. */
export function hijackHelpers<V extends ApiVersion>(context: OperationContext, execGroup: object = {}): HijackHelpers<V> {
  return {
    attach: (id, options) => attachContainer(context, id, options),
    attachWebSocket: (id, options) => attachWebSocket(context, id, options),
    execStart: (execId, options) => startExec(context, execId, options),
    exec: { ...execGroup, run: (containerId, cmd, options) => runExec(context, containerId, cmd, options) },
  };
}
