/**
 * The uploads of one host (feature `upload`): each gets a private folder of its own under `root`
 * (named after this host's pid, so that a later host can tell a crashed host's leftovers, see
 * leftovers.ts), its chunks written in order (upload-tally.ts decides, private-files.ts writes),
 * and at `upload-end` it becomes a folder share (folder-shares.ts) of kind `files`. The folder is
 * deleted when that share ends for any reason, when the upload is cancelled, refused or left idle,
 * and, through removeAllNow(), when the host exits.
 *
 * Requests of one upload run one after the other (a promise chain), so a chunk is never written
 * while the previous one is still being written.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortholeError } from '../errors.js';
import { type FolderShareRequest, folderSharesOf } from '../files/folder-shares.js';
import type { AddressChoice, FolderOptions, Share, ShareSettings } from '../protocol/index.js';
import { checkUploadPath } from '../protocol/index.js';
import type { ShareManager } from '../share/share-manager.js';
import { makePrivateFolder, writeChunk } from './private-files.js';
import { type UnzipLimits, unpackZip } from './unzip.js';
import { UploadTally } from './upload-tally.js';
import { singleTopFolder } from './zip-entry.js';

export interface UploadRegistryOptions {
  /** Where upload folders are made (`<state dir>/uploads`, or a private folder in the system's temp folder); asked at the first upload. */
  root: () => string;
  /** Shares a folder as folder shares are shared (FolderShares.share). */
  shareFolder: (request: FolderShareRequest) => Promise<{ share: Share; existing: boolean }>;
  /** An upload with no request for this long is dropped with its folder. */
  idleMs?: number;
  /** Uploads in progress at once; a runaway caller must not fill the disk with half-sent ones. */
  maxUploads?: number;
  unzipLimits?: UnzipLimits;
  /** Deletes `root` itself when the host exits (a temporary root of this run's own). */
  removeRoot?: () => void;
  /** Told what was dropped and why, for the host log. */
  onDrop?: (uploadId: string, why: string) => void;
}

export const DEFAULT_UPLOAD_IDLE_MS = 120_000;
export const DEFAULT_MAX_UPLOADS = 4;

interface Upload {
  id: string;
  label: string;
  archive: boolean;
  /** The upload's private folder: everything of it is inside. */
  folder: string;
  tally: UploadTally;
  chain: Promise<unknown>;
  idle: ReturnType<typeof setTimeout> | null;
  /** Set once upload-end began: no more chunks. */
  ending: boolean;
}

export interface BeginRequest {
  label: string;
  totalBytes: number;
  fileCount: number;
  archive?: boolean;
}

export class UploadRegistry {
  private readonly uploads = new Map<string, Upload>();
  /** Folders of uploads that became shares, deleted when their share ends. */
  private readonly shared = new Set<string>();
  private readonly idleMs: number;
  private readonly maxUploads: number;

  constructor(private readonly options: UploadRegistryOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_UPLOAD_IDLE_MS;
    this.maxUploads = options.maxUploads ?? DEFAULT_MAX_UPLOADS;
  }

  async begin(request: BeginRequest): Promise<{ uploadId: string }> {
    if (this.uploads.size >= this.maxUploads)
      throw new PortholeError(
        'upload-refused',
        `Porthole receives at most ${this.maxUploads} uploads at once. Wait for one to finish, or cancel it, then try again.`,
      );
    const id = randomUUID();
    const folder = await makePrivateFolder(this.options.root(), `${process.pid}-`);
    const upload: Upload = {
      id,
      label: request.label,
      archive: request.archive === true,
      folder,
      tally: new UploadTally({ totalBytes: request.totalBytes, fileCount: request.fileCount }),
      chain: Promise.resolve(),
      idle: null,
      ending: false,
    };
    this.uploads.set(id, upload);
    this.touch(upload);
    return { uploadId: id };
  }

  chunk(uploadId: string, path: string, offset: number, data: string): Promise<{ uploadId: string; receivedBytes: number }> {
    return this.run(uploadId, async (upload) => {
      if (upload.ending) throw new PortholeError('upload-refused', 'That upload is already being shared; no more files can join it.');
      const checked = checkUploadPath(path);
      if (!checked.ok) throw new PortholeError('upload-refused', `Porthole cannot take that file: ${checked.reason}.`);
      const bytes = Buffer.from(data, 'base64');
      // Node skips characters that are not base64: fewer bytes than the length promises means some were.
      const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
      if (bytes.length !== (data.length / 4) * 3 - padding)
        throw new PortholeError(
          'upload-refused',
          `The bytes of ${JSON.stringify(path)} arrived damaged (not base64); send the upload again.`,
        );
      const verdict = upload.tally.checkChunk(path, offset, bytes.length);
      if (!verdict.ok) throw new PortholeError('upload-refused', verdict.reason);
      await writeChunk(join(upload.folder, upload.archive ? 'archive' : 'files'), checked.segments, offset, bytes);
      upload.tally.record(path, bytes.length);
      return { uploadId, receivedBytes: upload.tally.receivedBytes };
    });
  }

  end(
    uploadId: string,
    options: FolderOptions = {},
    settings: ShareSettings = {},
    address?: AddressChoice,
  ): Promise<{ share: Share; existing: boolean }> {
    return this.run(uploadId, async (upload) => {
      upload.ending = true;
      const complete = upload.tally.checkComplete();
      if (!complete.ok) throw new PortholeError('upload-refused', complete.reason);
      const files = join(upload.folder, 'files');
      let served = files;
      if (upload.archive) {
        const name = upload.tally.onlyFile();
        const archive = join(upload.folder, 'archive', ...(name ?? '').split('/'));
        const unpacked = await unpackZip(archive, files, this.options.unzipLimits);
        // The archive itself is not part of the site, and would double the space used.
        await rm(join(upload.folder, 'archive'), { recursive: true, force: true });
        if (unpacked.files.length === 0) throw new PortholeError('upload-refused', 'The archive holds no files to share.');
        const top = singleTopFolder(unpacked.files);
        if (top !== null) served = join(files, top);
      }
      this.stopWatching(upload);
      this.uploads.delete(upload.id);
      this.shared.add(upload.folder);
      try {
        return await this.options.shareFolder({
          path: served,
          options,
          settings,
          kind: 'files',
          label: upload.label,
          address,
          onEnded: () => void this.removeShared(upload.folder),
        });
      } catch (error) {
        await this.removeShared(upload.folder);
        throw error;
      }
    });
  }

  async cancel(uploadId: string): Promise<{ uploadId: string }> {
    const upload = this.uploads.get(uploadId);
    if (upload === undefined) throw unknownUpload();
    await this.drop(upload, 'cancelled');
    return { uploadId };
  }

  /** The host is exiting: deletes every folder now (an exit handler cannot wait). */
  removeAllNow(): void {
    const folders = [...[...this.uploads.values()].map((upload) => upload.folder), ...this.shared];
    for (const upload of this.uploads.values()) this.stopWatching(upload);
    this.uploads.clear();
    this.shared.clear();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    this.options.removeRoot?.();
  }

  /** Uploads in progress (begun, not yet shared). */
  get pending(): number {
    return this.uploads.size;
  }

  /** Runs `task` after the upload's earlier requests; a refusal drops the upload and its folder. */
  private run<T>(uploadId: string, task: (upload: Upload) => Promise<T>): Promise<T> {
    const upload = this.uploads.get(uploadId);
    if (upload === undefined) return Promise.reject(unknownUpload());
    const result = upload.chain.then(async () => {
      if (this.uploads.get(uploadId) !== upload) throw unknownUpload();
      this.touch(upload);
      try {
        return await task(upload);
      } catch (error) {
        // Half an upload is of no use to anyone: its bytes go now, not at the idle timeout.
        if (this.uploads.get(uploadId) === upload) {
          this.forget(upload, error instanceof Error ? error.message : String(error));
          await rm(upload.folder, { recursive: true, force: true });
        }
        throw error;
      }
    });
    upload.chain = result.catch(() => undefined);
    return result;
  }

  private touch(upload: Upload): void {
    if (upload.idle !== null) clearTimeout(upload.idle);
    upload.idle = setTimeout(() => {
      upload.idle = null;
      if (this.uploads.get(upload.id) === upload && !upload.ending)
        void this.drop(upload, `no request for ${Math.round(this.idleMs / 1000)} s`);
    }, this.idleMs);
    upload.idle.unref();
  }

  private stopWatching(upload: Upload): void {
    if (upload.idle !== null) clearTimeout(upload.idle);
    upload.idle = null;
  }

  private forget(upload: Upload, why: string): void {
    this.stopWatching(upload);
    this.uploads.delete(upload.id);
    this.options.onDrop?.(upload.id, why);
  }

  /** From outside the upload's chain: a chunk being written finishes first, or it would make the folder again. */
  private async drop(upload: Upload, why: string): Promise<void> {
    this.forget(upload, why);
    await upload.chain;
    await rm(upload.folder, { recursive: true, force: true });
  }

  /** Forgotten only once deleted: a host exiting meanwhile deletes it in removeAllNow. */
  private async removeShared(folder: string): Promise<void> {
    await rm(folder, { recursive: true, force: true });
    this.shared.delete(folder);
  }
}

function unknownUpload(): PortholeError {
  return new PortholeError(
    'upload-refused',
    'Porthole does not know that upload: it was cancelled, refused, or left waiting too long. Drop the files again.',
  );
}

/** A private folder in the system's temp folder, made at the first upload: for hosts without a usable state folder. */
export function temporaryRoot(): { root: () => string; removeRoot: () => void } {
  let root: string | undefined;
  return {
    root: () => (root ??= mkdtempSync(join(tmpdir(), 'porthole-uploads-'))),
    removeRoot: () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}

const perManager = new WeakMap<ShareManager, UploadRegistry>();

/** The uploads of a manager whose host did not make a registry of its own (tests of the session): kept in the temp folder. */
export function uploadsOf(manager: ShareManager): UploadRegistry {
  let uploads = perManager.get(manager);
  if (uploads === undefined) {
    const folders = folderSharesOf(manager);
    uploads = new UploadRegistry({ ...temporaryRoot(), shareFolder: (request) => folders.share(request) });
    perManager.set(manager, uploads);
  }
  return uploads;
}
