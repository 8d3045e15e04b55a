/**
 * Folder shares: a static server on 127.0.0.1 for the folder, shared through the share manager
 * exactly as a local server is (same gateway, password, expiry, visitors). The static server lives as
 * long as its share: it is closed when the share stops or fails, and dies with the host.
 */
import type { AddressChoice, FolderOptions, Share, ShareKind, ShareSettings } from '../protocol/index.js';
import type { ShareManager } from '../share/share-manager.js';
import { checkShareableFolder } from './folder-check.js';
import { type StaticOptions, StaticServer } from './static-server.js';

export interface FolderShareRequest {
  path: string;
  options?: FolderOptions;
  settings?: ShareSettings;
  /** Absent: a quick address. */
  address?: AddressChoice;
  kind?: ShareKind;
  /** Runs once the share has ended and its server is closed (dropped files delete their folder). */
  onEnded?: () => void;
}

export class FolderShares {
  private readonly servers = new Map<string, { server: StaticServer; onEnded?: () => void }>();

  constructor(private readonly manager: ShareManager) {
    manager.on('event', (event) => {
      if (event.change !== 'stopped' && event.change !== 'failed') return;
      const entry = this.servers.get(event.share.id);
      if (entry === undefined) return;
      this.servers.delete(event.share.id);
      void entry.server.close().finally(() => entry.onEnded?.());
    });
  }

  async share(request: FolderShareRequest): Promise<{ share: Share; existing: boolean }> {
    const folder = checkShareableFolder(request.path);
    const running = this.manager.list().find((share) => share.folder === folder);
    if (running !== undefined) return { share: running, existing: true };
    const options: StaticOptions = {
      spa: request.options?.spa ?? false,
      listing: request.options?.listing ?? false,
      dotfiles: request.options?.dotfiles ?? false,
    };
    const server = await StaticServer.start(folder, options);
    let result: { share: Share; existing: boolean };
    try {
      result = this.manager.share(server.url, request.settings ?? {}, { kind: request.kind ?? 'folder', folder }, request.address);
    } catch (error) {
      await server.close();
      throw error;
    }
    if (result.existing) {
      // Another request shared the same folder meanwhile.
      await server.close();
      return result;
    }
    this.servers.set(result.share.id, { server, onEnded: request.onEnded });
    return result;
  }
}

const perManager = new WeakMap<ShareManager, FolderShares>();

/** The one FolderShares of a manager, made on first use so that hosts that never share a folder pay nothing. */
export function folderSharesOf(manager: ShareManager): FolderShares {
  let folders = perManager.get(manager);
  if (folders === undefined) {
    folders = new FolderShares(manager);
    perManager.set(manager, folders);
  }
  return folders;
}
