/**
 * Apple's embedded code signature format (xnu's osfmk/kern/cs_blobs.h), read and hashed. All its
 * integers are big-endian, unlike the Mach-O file around it. Reading exists so the signer can be
 * checked against the signatures Apple itself put on the official Node binaries.
 */
import { createHash } from 'node:crypto';
import { parseMachO } from './macho.js';

export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
/** The CMS signature wrapper; empty in an ad-hoc signature. */
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01;

export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_REQUIREMENTS = 2;
export const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
export const CSSLOT_SIGNATURESLOT = 0x10000;

export const CS_ADHOC = 0x2;
export const CS_HASHTYPE_SHA256 = 2;
export const CS_SHA256_LEN = 32;
export const CS_EXECSEG_MAIN_BINARY = 0x1;
/** CodeDirectory version with the exec-segment fields, what current codesign writes. */
export const CD_VERSION_EXECSEG = 0x20400;
export const CD_HEADER_SIZE_EXECSEG = 88;

export const CODE_PAGE_SIZE_LOG2 = 12;
export const CODE_PAGE_SIZE = 1 << CODE_PAGE_SIZE_LOG2;

export interface BlobIndexEntry {
  type: number;
  magic: number;
  blob: Buffer;
}

export interface CodeDirectory {
  version: number;
  flags: number;
  hashType: number;
  hashSize: number;
  pageSizeLog2: number;
  identifier: string;
  codeLimit: number;
  /** Code slot hashes, page 0 first. */
  codeSlots: Buffer[];
  /** Special slot hashes: specialSlots[i - 1] is slot -i (1 Info.plist, 2 requirements, …). */
  specialSlots: Buffer[];
  execSegBase: bigint;
  execSegLimit: bigint;
  execSegFlags: bigint;
}

/** SHA-256 of each page of `data` up to `codeLimit`; the last page may be short. */
export function pageHashes(data: Uint8Array, codeLimit: number, pageSize = CODE_PAGE_SIZE): Buffer[] {
  const hashes: Buffer[] = [];
  for (let start = 0; start < codeLimit; start += pageSize) {
    hashes.push(
      createHash('sha256')
        .update(data.subarray(start, Math.min(start + pageSize, codeLimit)))
        .digest(),
    );
  }
  return hashes;
}

export function parseSuperBlob(signature: Buffer): BlobIndexEntry[] {
  if (signature.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE)
    throw new Error('Not an embedded code signature (SuperBlob magic missing).');
  const count = signature.readUInt32BE(8);
  const entries: BlobIndexEntry[] = [];
  for (let index = 0; index < count; index++) {
    const type = signature.readUInt32BE(12 + index * 8);
    const offset = signature.readUInt32BE(16 + index * 8);
    const length = signature.readUInt32BE(offset + 4);
    entries.push({ type, magic: signature.readUInt32BE(offset), blob: signature.subarray(offset, offset + length) });
  }
  return entries;
}

export function parseCodeDirectory(blob: Buffer): CodeDirectory {
  if (blob.readUInt32BE(0) !== CSMAGIC_CODEDIRECTORY) throw new Error('Not a CodeDirectory blob.');
  const version = blob.readUInt32BE(8);
  const hashOffset = blob.readUInt32BE(16);
  const identOffset = blob.readUInt32BE(20);
  const nSpecialSlots = blob.readUInt32BE(24);
  const nCodeSlots = blob.readUInt32BE(28);
  const hashSize = blob.readUInt8(36);
  const slot = (index: number): Buffer => blob.subarray(hashOffset + index * hashSize, hashOffset + (index + 1) * hashSize);
  const identEnd = blob.indexOf(0, identOffset);
  const hasExecSeg = version >= CD_VERSION_EXECSEG;
  return {
    version,
    flags: blob.readUInt32BE(12),
    hashType: blob.readUInt8(37),
    hashSize,
    pageSizeLog2: blob.readUInt8(39),
    identifier: blob.subarray(identOffset, identEnd).toString('utf8'),
    codeLimit: blob.readUInt32BE(32),
    codeSlots: Array.from({ length: nCodeSlots }, (_, index) => slot(index)),
    specialSlots: Array.from({ length: nSpecialSlots }, (_, index) => slot(-(index + 1))),
    execSegBase: hasExecSeg ? blob.readBigUInt64BE(64) : 0n,
    execSegLimit: hasExecSeg ? blob.readBigUInt64BE(72) : 0n,
    execSegFlags: hasExecSeg ? blob.readBigUInt64BE(80) : 0n,
  };
}

/** The embedded signature of a Mach-O file, or undefined when it has none. */
export function readEmbeddedSignature(file: Buffer): BlobIndexEntry[] | undefined {
  const signature = parseMachO(file).codeSignature;
  if (signature === undefined) return undefined;
  return parseSuperBlob(file.subarray(signature.dataoff, signature.dataoff + signature.datasize));
}

/** Every CodeDirectory of a signed Mach-O file (the primary one and any alternates). */
export function readCodeDirectories(file: Buffer): CodeDirectory[] {
  return (readEmbeddedSignature(file) ?? [])
    .filter((entry) => entry.magic === CSMAGIC_CODEDIRECTORY)
    .map((entry) => parseCodeDirectory(entry.blob));
}
