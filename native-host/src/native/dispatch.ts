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

export interface DispatchDeps {
  manager: ShareManager;
  /** The Cloudflare account behind stable addresses (feature `stable`); absent: those requests are refused. */
  account?: AccountService;
  hello(): Promise<HelloResult>;
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
      default:
        return failed(new PortholeError('bad-request', `This version of the Porthole host cannot answer "${request.type}" requests yet.`));
    }
  } catch (error) {
    return failed(error);
  }
}

function accountOf(deps: DispatchDeps): AccountService {
  if (deps.account === undefined) throw new PortholeError('bad-request', 'This host cannot connect a Cloudflare account.');
  return deps.account;
}

/** Disconnecting takes the stable addresses away: their shares stop first. */
async function stopStableShares(manager: ShareManager): Promise<Share[]> {
  const stable = manager.list().filter((share) => share.address === 'stable');
  return Promise.all(stable.map((share) => manager.stop(share.id)));
}
