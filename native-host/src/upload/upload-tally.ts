/**
 * The bookkeeping of one upload, pure: what `upload-begin` announced, what has arrived, and whether
 * the next chunk or the end may be accepted. Each refusal is a sentence the user sees (code
 * `upload-refused`). The registry (upload-registry.ts) does the writing; this decides.
 */
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES } from '../protocol/index.js';

export interface Announced {
  totalBytes: number;
  fileCount: number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export class UploadTally {
  /** Bytes received per file, by its name inside the upload. */
  private readonly files = new Map<string, number>();
  private received = 0;

  constructor(readonly announced: Announced) {}

  get receivedBytes(): number {
    return this.received;
  }

  get receivedFiles(): number {
    return this.files.size;
  }

  /** Whether a chunk of `length` bytes at `offset` of `path` comes in order and within what was announced. */
  checkChunk(path: string, offset: number, length: number): Verdict {
    const have = this.files.get(path);
    if (have === undefined && this.files.size >= this.announced.fileCount)
      return { ok: false, reason: `More files arrived than the ${this.announced.fileCount} announced.` };
    if (offset !== (have ?? 0))
      return {
        ok: false,
        reason: `The bytes of ${JSON.stringify(path)} arrived out of order (at ${offset}, expected ${have ?? 0}); send the upload again.`,
      };
    if (this.received + length > this.announced.totalBytes)
      return { ok: false, reason: `More bytes arrived than the ${this.announced.totalBytes} announced.` };
    if (this.received + length > MAX_UPLOAD_BYTES) return { ok: false, reason: `An upload holds at most ${MAX_UPLOAD_BYTES} bytes.` };
    if (have === undefined && this.files.size >= MAX_UPLOAD_FILES)
      return { ok: false, reason: `An upload holds at most ${MAX_UPLOAD_FILES} files.` };
    return { ok: true };
  }

  /** Counts a chunk once it is written; call only after checkChunk said yes. */
  record(path: string, length: number): void {
    this.files.set(path, (this.files.get(path) ?? 0) + length);
    this.received += length;
  }

  /** Whether everything announced has arrived. */
  checkComplete(): Verdict {
    const { fileCount, totalBytes } = this.announced;
    if (this.files.size !== fileCount || this.received !== totalBytes)
      return {
        ok: false,
        reason: `Only ${this.files.size} of ${fileCount} files (${this.received} of ${totalBytes} bytes) arrived; send the upload again.`,
      };
    return { ok: true };
  }

  /** The one file of an archive upload. */
  onlyFile(): string | null {
    return this.files.size === 1 ? ([...this.files.keys()][0] ?? null) : null;
  }
}
