/**
 * Unpacks a dropped .zip into a private folder with yauzl (which reads the central directory, so
 * every entry is known before its bytes are). Every entry's name is checked (zip-entry.ts) before
 * anything is written; the bytes are counted as they are inflated, because a zip bomb's sizes are
 * whatever its maker wrote: the real total, not the declared one, must stay within the limit.
 * Any problem is `upload-refused` with a sentence; the caller deletes the folder.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { PortholeError } from '../errors.js';
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES } from '../protocol/index.js';
import { createPrivateFile, makeFolderIn } from './private-files.js';
import { planEntry } from './zip-entry.js';

export interface UnzipLimits {
  maxBytes: number;
  maxFiles: number;
}

export const DEFAULT_UNZIP_LIMITS: UnzipLimits = { maxBytes: MAX_UPLOAD_BYTES, maxFiles: MAX_UPLOAD_FILES };

/** What came out: each file's segments, and the real number of bytes written. */
export interface Unpacked {
  files: string[][];
  bytes: number;
}

function refused(sentence: string, detail?: string): PortholeError {
  return new PortholeError('upload-refused', sentence, detail);
}

function tooBig(limits: UnzipLimits): PortholeError {
  return refused(
    `The archive unpacks to more than ${limits.maxBytes} bytes, over what Porthole shares at once (it may be a zip bomb). Share a smaller archive.`,
  );
}

/** yauzl's own refusals of a name (it checks them before Porthole sees the entry) are zip-slip too. */
function yauzlRefusal(error: Error): PortholeError {
  if (/^(absolute path|invalid relative path|invalid characters in fileName)/.test(error.message))
    return refused(`The archive holds an entry whose name points outside it (${error.message}); nothing was unpacked from it.`);
  if (/too many bytes in the stream|too few bytes/.test(error.message))
    return refused('The archive lies about the size of an entry (it may be a zip bomb), so it was not unpacked.', error.message);
  return refused('That .zip could not be read: it is damaged, encrypted, or not a zip file. Make it again, then share.', error.message);
}

export async function unpackZip(zipPath: string, into: string, limits: UnzipLimits = DEFAULT_UNZIP_LIMITS): Promise<Unpacked> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw yauzlRefusal(error as Error);
  }
  try {
    // Folders count too, but a site has far fewer folders than files.
    if (zip.entryCount > limits.maxFiles * 2)
      throw refused(`The archive holds ${zip.entryCount} entries; Porthole shares at most ${limits.maxFiles} files at once.`);
    const unpacked: Unpacked = { files: [], bytes: 0 };
    for await (const entry of zip.eachEntry()) {
      const plan = planEntry(entry.fileName, entry.externalFileAttributes);
      if (plan.kind === 'refuse') throw refused(`The archive was not unpacked: ${plan.reason}.`);
      if (plan.kind === 'skip') continue;
      if (plan.kind === 'folder') {
        await makeFolderIn(into, plan.segments);
        continue;
      }
      if (unpacked.files.length >= limits.maxFiles)
        throw refused(`The archive holds more than ${limits.maxFiles} files, over what Porthole shares at once.`);
      // The declared size is a cheap early no; the count below is the real check.
      if (unpacked.bytes + entry.uncompressedSize > limits.maxBytes) throw tooBig(limits);
      const source = await zip.openReadStreamPromise(entry);
      // yauzl can emit a size error again after pipeline has let go of the stream; pipeline reports the first.
      source.on('error', () => undefined);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          unpacked.bytes += chunk.length;
          if (unpacked.bytes > limits.maxBytes) callback(tooBig(limits));
          else callback(null, chunk);
        },
      });
      const target = await createPrivateFile(into, plan.segments);
      await pipeline(source, counter, target);
      unpacked.files.push(plan.segments);
    }
    return unpacked;
  } catch (error) {
    throw error instanceof PortholeError ? error : yauzlRefusal(error as Error);
  } finally {
    zip.close();
  }
}
