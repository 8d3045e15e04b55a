/**
 * One target's porthole-host: the official Node binary, its vendor signature removed, the SEA blob
 * injected, and (macOS) an ad-hoc signature so Apple silicon runs it.
 */
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Target } from '../targets.js';
import { injectSeaBlob } from './inject-blob.js';
import { adhocSignFile } from './macho-adhoc-sign.js';
import { extractNodeBinary, type NodeBinarySource } from './node-binary.js';
import { removeSignature } from './remove-signature.js';
import { stripSymbols } from './strip-symbols.js';

export interface BuildExecutableInput {
  target: Target;
  /** sea-prep.blob, made once for every target (see sea-blob.ts). */
  blob: string;
  outFile: string;
  /** Where the Node tarball comes from (defaults: the cache, then `npm pack`). */
  source?: NodeBinarySource;
  /** A verified copy of the target's Node binary already on disk, to skip extracting it again. */
  nodeBinary?: string;
  /** Told when an ELF executable could not be stripped (it still works, about 17 MB larger). */
  onNote?: (line: string) => void;
}

export async function buildExecutable({
  target,
  blob,
  outFile,
  source = {},
  nodeBinary,
  onNote = console.warn,
}: BuildExecutableInput): Promise<string> {
  mkdirSync(dirname(outFile), { recursive: true });
  // Work on a side file and rename at the end: a running host keeps its old file, and a failed
  // build never leaves a half-made executable under the real name.
  const work = `${outFile}.partial`;
  rmSync(work, { force: true });
  try {
    if (nodeBinary === undefined) await extractNodeBinary(target, work, source);
    else copyFileSync(nodeBinary, work);
    await removeSignature(work, target.format);
    const strip = await stripSymbols(work, target.format);
    if (!strip.stripped && target.format === 'elf')
      onNote(`${target.id}: symbols not stripped (${strip.reason}); install llvm to save about 17 MB.`);
    await injectSeaBlob(work, blob, target.format);
    if (target.format === 'macho') adhocSignFile(work);
    chmodSync(work, 0o755);
    renameSync(work, outFile);
    return outFile;
  } finally {
    rmSync(work, { force: true });
  }
}
