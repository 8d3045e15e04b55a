/**
 * Answers one validated request. Never throws: every failure becomes an error reply. Requests the
 * manager answers at once are answered synchronously, so that a new share's reply is written
 * before anything can happen to that share.
 */
import { PortholeError, toHostError } from '../errors.js';
import { folderSharesOf } from '../files/folder-shares.js';
import type { ExtensionToHost, HelloResult, Reply } from '../protocol/index.js';
import type { ShareManager } from '../share/share-manager.js';
import { type UploadRegistry, uploadsOf } from '../upload/upload-registry.js';

export interface DispatchDeps {
  manager: ShareManager;
  hello(): Promise<HelloResult>;
  /** Dropped files (feature `upload`); absent: kept in the system's temp folder. */
  uploads?: UploadRegistry;
}

export function dispatch(request: ExtensionToHost, deps: DispatchDeps): Reply | Promise<Reply> {
  const { id } = request;
  const failed = (error: unknown): Reply => ({ id, ok: false, error: toHostError(error) });
  try {
    switch (request.type) {
      case 'hello':
        return deps.hello().then((result) => ({ id, ok: true, ...result }), failed);
      case 'share':
        return { id, ok: true, type: 'share', ...deps.manager.share(request.origin, request.settings) };
      case 'stop':
        return deps.manager.stop(request.shareId).then((share) => ({ id, ok: true, type: 'stop', share }), failed);
      case 'stop-all':
        return deps.manager.stopAll().then((shares) => ({ id, ok: true, type: 'stop-all', shares }), failed);
      case 'list':
        return { id, ok: true, type: 'list', shares: deps.manager.list() };
      case 'configure':
        return { id, ok: true, type: 'configure', share: deps.manager.configure(request.shareId, request.settings) };
      case 'share-folder':
        return folderSharesOf(deps.manager)
          .share({ path: request.path, options: request.options, settings: request.settings })
          .then((result) => ({ id, ok: true, type: 'share-folder', ...result }), failed);
      case 'upload-begin':
        return (deps.uploads ?? uploadsOf(deps.manager))
          .begin(request)
          .then((result) => ({ id, ok: true, type: 'upload-begin', ...result }), failed);
      case 'upload-chunk':
        return (deps.uploads ?? uploadsOf(deps.manager))
          .chunk(request.uploadId, request.path, request.offset, request.data)
          .then((result) => ({ id, ok: true, type: 'upload-chunk', ...result }), failed);
      case 'upload-end':
        return (deps.uploads ?? uploadsOf(deps.manager))
          .end(request.uploadId, request.options, request.settings)
          .then((result) => ({ id, ok: true, type: 'upload-end', share: result.share, existing: false }), failed);
      case 'upload-cancel':
        return (deps.uploads ?? uploadsOf(deps.manager))
          .cancel(request.uploadId)
          .then((result) => ({ id, ok: true, type: 'upload-cancel', ...result }), failed);
      default:
        return failed(new PortholeError('bad-request', `This version of the Porthole host cannot answer "${request.type}" requests yet.`));
    }
  } catch (error) {
    return failed(error);
  }
}
