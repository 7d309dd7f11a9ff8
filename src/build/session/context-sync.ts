// The build context taken from the session instead of a tar in the request: the engine's
// Dockerfile frontend calls the FileSync service for the folders it knows by name (`context`,
// and `dockerfile` for the Dockerfile's folder), each call naming its folder and the patterns
// that pick the entries it wants (the .dockerignore rules, which the frontend has read through an
// earlier call; the Dockerfile's name). folder-sender.ts moves the entries.
import type { IncomingHttpHeaders } from 'node:http';
import { GRPC_INVALID_ARGUMENT, GrpcStatusError } from '../../protocols/grpc-messages.js';
import { ContextFilter } from '../context-filter.js';
import { IgnoreMatcher } from '../ignore-matcher.js';
import { followLinks } from './follow-links.js';
import { sendFolder, type FolderTransfer, type SyncSelection } from './folder-sender.js';
import type { GrpcMethod } from './grpc-host.js';

const FILE_SYNC = '/moby.filesync.v1.FileSync/DiffCopy';

/** The folders the engine may ask for, by the names the /build request gives them. */
export type SyncedFolders = Readonly<Record<string, string>>;

/** One finished transfer of a folder, for a caller that counts what moved. */
export type TransferReport = FolderTransfer & { folder: string };

/** The FileSync method serving `folders`; `report` hears of each folder sent. */
export function contextSyncMethods(folders: SyncedFolders, report?: (transfer: TransferReport) => void): Map<string, GrpcMethod> {
  const serve = async (incoming: AsyncIterable<Buffer>, send: (message: Uint8Array) => Promise<void>, metadata: IncomingHttpHeaders) => {
    const name = values(metadata, 'dir-name')[0] ?? '';
    const folder = Object.hasOwn(folders, name) ? folders[name] : undefined;
    if (folder === undefined) throw new GrpcStatusError(GRPC_INVALID_ARGUMENT, `no folder named ${JSON.stringify(name)} is shared with this build`);
    const followPaths = followLinks(folder, values(metadata, 'followpaths'));
    const selection = selectionOf(values(metadata, 'include-patterns'), values(metadata, 'exclude-patterns'), followPaths);
    const transfer = await sendFolder(folder, selection, incoming, send);
    report?.({ ...transfer, folder: name });
  };
  return new Map([[FILE_SYNC, { streaming: serve }]]);
}

function values(metadata: IncomingHttpHeaders, key: string): string[] {
  const value = metadata[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * fsutil's filter: with include patterns (and paths to follow, with the links on their way and
 * where those lead, which are included as well), only
 * what they match or lies below a match; of that, what the exclude patterns leave. A folder no
 * include pattern matches is still walked, since one may match inside it.
 */
function selectionOf(includes: string[], excludes: string[], followPaths: string[]): SyncSelection {
  const wanted = [...includes, ...followPaths];
  const included = wanted.length > 0 ? new IgnoreMatcher(wanted) : undefined;
  const excluding = new IgnoreMatcher(excludes);
  const filter = new ContextFilter(excluding);
  return {
    excluded: (path) => (included !== undefined && !included.matches(path, undefined)) || excluding.matches(path, undefined),
    entered: (path) => (excluding.matches(path, undefined) ? filter.entersExcludedFolder(path) : true),
  };
}
