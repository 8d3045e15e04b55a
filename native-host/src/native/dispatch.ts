/**
 * Answers one validated request. Never throws: every failure becomes an error reply. Requests the
 * manager answers at once are answered synchronously, so that a new share's reply is written
 * before anything can happen to that share.
 */
import type { AccountService } from '../account/account-manager.js';
import { PortholeError, toHostError } from '../errors.js';
import { folderSharesOf } from '../files/folder-shares.js';
import type { ExtensionToHost, HelloResult, Reply, Share } from '../protocol/index.js';
import type { ShareManager } from '../share/share-manager.js';
import { type UploadRegistry, uploadsOf } from '../upload/upload-registry.js';

export interface DispatchDeps {
  manager: ShareManager;
  /** The Cloudflare account behind stable addresses (feature `stable`); absent: those requests are refused. */
  account?: AccountService;
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
        return { id, ok: true, type: 'share', ...deps.manager.share(request.origin, request.settings, undefined, request.address) };
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
          .share({ path: request.path, options: request.options, settings: request.settings, address: request.address })
          .then((result) => ({ id, ok: true, type: 'share-folder', ...result }), failed);
      case 'account':
        return { id, ok: true, type: 'account', account: accountOf(deps).status() };
      case 'connect':
        return accountOf(deps)
          .connect()
          .then((account) => ({ id, ok: true, type: 'connect', account }), failed);
      case 'connect-token':
        return accountOf(deps)
          .connectToken(request.token, request.hostname)
          .then((account) => ({ id, ok: true, type: 'connect-token', account }), failed);
      case 'disconnect':
        return accountOf(deps)
          .disconnect(() => stopStableShares(deps.manager))
          .then((result) => ({ id, ok: true, type: 'disconnect', ...result }), failed);
      case 'upload-begin':
        return uploadsOfDeps(deps)
          .begin(request)
          .then((result) => ({ id, ok: true, type: 'upload-begin', ...result }), failed);
      case 'upload-chunk':
        return uploadsOfDeps(deps)
          .chunk(request.uploadId, request.path, request.offset, request.data)
          .then((result) => ({ id, ok: true, type: 'upload-chunk', ...result }), failed);
      case 'upload-end':
        return uploadsOfDeps(deps)
          .end(request.uploadId, request.options, request.settings, request.address)
          .then((result) => ({ id, ok: true, type: 'upload-end', share: result.share, existing: false }), failed);
      case 'upload-cancel':
        return uploadsOfDeps(deps)
          .cancel(request.uploadId)
          .then((result) => ({ id, ok: true, type: 'upload-cancel', ...result }), failed);
    }
  } catch (error) {
    return failed(error);
  }
}

function accountOf(deps: DispatchDeps): AccountService {
  if (deps.account === undefined) throw new PortholeError('bad-request', 'This host cannot connect a Cloudflare account.');
  return deps.account;
}

/** The host's upload registry, or (tests, hosts without one) the one kept for the manager. */
function uploadsOfDeps(deps: DispatchDeps): UploadRegistry {
  return deps.uploads ?? uploadsOf(deps.manager);
}

/** Disconnecting takes the stable addresses away: their shares stop first. */
async function stopStableShares(manager: ShareManager): Promise<Share[]> {
  const stable = manager.list().filter((share) => share.address === 'stable');
  return Promise.all(stable.map((share) => manager.stop(share.id)));
}
