/**
 * The browser-mode host's uploads: kept in `<state dir>/uploads/` (0700) when the state folder is
 * safe, so that the next host deletes what a crashed one left (leftovers.ts); else in a private
 * folder of this run in the system's temp folder.
 */
import { join } from 'node:path';
import { folderSharesOf } from '../files/folder-shares.js';
import type { HostContext } from '../host.js';
import type { ShareManager } from '../share/share-manager.js';
import { removeLeftoverUploads } from './leftovers.js';
import { temporaryRoot, UploadRegistry } from './upload-registry.js';

export function createHostUploads(context: HostContext, manager: ShareManager): UploadRegistry {
  const { log, paths, platform, state, env } = context;
  let where: { root: () => string; removeRoot?: () => void } = temporaryRoot();
  if (state.stateDirUsable) {
    const dir = join(paths.stateDir, 'uploads');
    const verdict = platform.ensurePrivateDir(dir, { tighten: true });
    if (verdict.ok) {
      where = { root: () => dir };
      const removed = removeLeftoverUploads(dir);
      if (removed.length > 0) log.warn(`deleted ${removed.length} upload folder(s) left by an earlier host: ${removed.join(', ')}`);
    } else log.warn(`not keeping uploads in ${dir} (${verdict.problem}: ${verdict.detail}); using the system's temp folder`);
  }
  const idleMs = Number(env.PORTHOLE_UPLOAD_IDLE_MS);
  const folders = folderSharesOf(manager);
  return new UploadRegistry({
    ...where,
    shareFolder: (request) => folders.share(request),
    idleMs: Number.isFinite(idleMs) && idleMs > 0 ? idleMs : undefined,
    onDrop: (uploadId, why) => log.info(`upload ${uploadId} dropped: ${why}`),
  });
}
