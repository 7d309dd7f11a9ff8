// What each progress stream's `done` resolves with, read from the messages as they pass.
import type { ProgressMessage } from './progress-types.js';

export interface PullSummary {
  /** The digest the pulled reference resolved to (`Digest: sha256:…`). */
  digest?: string;
  /** The engine's closing line, e.g. `Status: Downloaded newer image for busybox:latest`. */
  status?: string;
}

export interface PushSummary {
  tag?: string;
  digest?: string;
  /** Size of the pushed manifest in bytes. */
  size?: number;
}

export interface PluginSummary {
  /** The last status the engine reported. */
  status?: string;
}

export function summarizePull(summary: PullSummary, message: ProgressMessage): void {
  const status = message.status;
  // The engine's JSON is not trusted to match its types: a non-string status would crash startsWith().
  if (typeof status !== 'string' || message.id !== undefined) return;
  if (status.startsWith('Digest: ')) summary.digest = status.slice('Digest: '.length).trim();
  else summary.status = status;
}

// Docker ends each pushed tag with a status line and an aux record of the same facts; Podman 4.3
// sends only the line, so the summary reads the line and lets an aux record that follows it win.
const pushedTagLine = /^(.+): digest: ([a-z0-9]+:[0-9a-f]+) size: (\d+)$/;

export function summarizePush(summary: PushSummary, message: ProgressMessage): void {
  const aux = message.aux as { Tag?: unknown; Digest?: unknown; Size?: unknown } | undefined;
  if (aux && typeof aux === 'object') {
    if (typeof aux.Tag === 'string') summary.tag = aux.Tag;
    if (typeof aux.Digest === 'string') summary.digest = aux.Digest;
    if (typeof aux.Size === 'number') summary.size = aux.Size;
    return;
  }
  const pushed = typeof message.status === 'string' && message.id === undefined ? pushedTagLine.exec(message.status) : null;
  if (!pushed) return;
  summary.tag = pushed[1];
  summary.digest = pushed[2];
  summary.size = Number(pushed[3]);
}

export function summarizePlugin(summary: PluginSummary, message: ProgressMessage): void {
  if (typeof message.status === 'string') summary.status = message.status;
}
