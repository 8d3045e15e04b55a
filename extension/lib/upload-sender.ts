import type { TrackedShare } from './porthole-state';
import { type FolderOptions, type ShareSettings, UPLOAD_CHUNK_BYTES } from './protocol';
import type { ShareController } from './share-controller';
import type { UploadPlan } from './upload-plan';

/**
 * Sends a planned upload through the background, one chunk at a time: each chunk is read from its
 * File with slice() only when its turn comes and the next waits for the host's reply, so memory
 * holds one chunk however large the drop. Cancelling stops after the chunk in flight and tells the
 * host, which deletes what it received.
 */

export type UploadCommands = Pick<ShareController, 'uploadBegin' | 'uploadChunk' | 'uploadEnd' | 'uploadCancel'>;

export interface SendOptions {
  options: FolderOptions;
  settings: ShareSettings;
  /** Bytes the host has received so far (its count, from each chunk's reply). */
  onProgress(receivedBytes: number): void;
  /** Told once the last chunk is in and the host is unpacking / starting the share. */
  onEnding?(): void;
  signal: AbortSignal;
}

export class UploadCancelled extends Error {
  override readonly name = 'UploadCancelled';
  constructor() {
    super('The upload was cancelled; nothing was shared.');
  }
}

/** base64 of a chunk, in pieces: String.fromCharCode(...) of half a megabyte would overflow the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function sendUpload(plan: UploadPlan<Blob>, commands: UploadCommands, run: SendOptions): Promise<TrackedShare | null> {
  const { uploadId } = await commands.uploadBegin({
    label: plan.label,
    totalBytes: plan.totalBytes,
    fileCount: plan.files.length,
    archive: plan.archive,
  });
  const cancel = async (): Promise<never> => {
    await commands.uploadCancel(uploadId).catch(() => undefined);
    throw new UploadCancelled();
  };
  try {
    for (const file of plan.files) {
      for (let offset = 0; offset === 0 || offset < file.size; offset += UPLOAD_CHUNK_BYTES) {
        if (run.signal.aborted) await cancel();
        const bytes = new Uint8Array(await file.file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer());
        const { receivedBytes } = await commands.uploadChunk(uploadId, file.path, offset, toBase64(bytes));
        run.onProgress(receivedBytes);
      }
    }
    if (run.signal.aborted) await cancel();
  } catch (error) {
    if (!(error instanceof UploadCancelled)) await commands.uploadCancel(uploadId).catch(() => undefined);
    throw error;
  }
  run.onEnding?.();
  return commands.uploadEnd(uploadId, run.options, run.settings);
}
