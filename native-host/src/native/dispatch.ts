/**
 * Answers one validated request. Never throws: every failure becomes an error reply.
 */
import { toHostError } from '../errors.js';
import type { ExtensionToHost, HelloResult, Reply } from '../protocol/index.js';
import type { ShareManager } from '../share/share-manager.js';

export interface DispatchDeps {
  manager: ShareManager;
  hello(): Promise<HelloResult>;
}

export async function dispatch(request: ExtensionToHost, deps: DispatchDeps): Promise<Reply> {
  const { id } = request;
  try {
    switch (request.type) {
      case 'hello':
        return { id, ok: true, ...(await deps.hello()) };
      case 'share':
        return { id, ok: true, type: 'share', ...deps.manager.share(request.origin, request.options) };
      case 'stop':
        return { id, ok: true, type: 'stop', share: await deps.manager.stop(request.shareId) };
      case 'stop-all':
        return { id, ok: true, type: 'stop-all', shares: await deps.manager.stopAll() };
      case 'list':
        return { id, ok: true, type: 'list', shares: deps.manager.list() };
      case 'configure': {
        const { shareId, password, expiresInMinutes, keepPublicHost } = request;
        return { id, ok: true, type: 'configure', share: deps.manager.configure(shareId, { password, expiresInMinutes, keepPublicHost }) };
      }
    }
  } catch (error) {
    return { id, ok: false, error: toHostError(error) };
  }
}
