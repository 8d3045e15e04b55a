/**
 * An ad-hoc code signature for a thin 64-bit Mach-O executable: what `codesign --sign -` makes,
 * without a Mac. Apple silicon refuses to run unsigned code, and neither Debian nor npm has an
 * ad-hoc signer (FACTS.md), so this writes one: an LC_CODE_SIGNATURE load command pointing at a
 * SuperBlob appended to __LINKEDIT, holding
 *   - a CodeDirectory (version 0x20400, SHA-256, 4 KiB pages, flags CS_ADHOC) whose code slots are
 *     the hashes of every page of the file up to the signature,
 *   - an empty requirements blob (its hash goes in special slot -2, as codesign does),
 *   - an empty CMS wrapper (ad-hoc means no certificate; codesign writes this empty blob too).
 * Page hashing is checked against Apple's own signatures in installers/__tests__.
 * A release made on a Mac re-signs with codesign (.github/workflows/release-macos.yml).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CD_HEADER_SIZE_EXECSEG,
  CD_VERSION_EXECSEG,
  CODE_PAGE_SIZE,
  CODE_PAGE_SIZE_LOG2,
  CS_ADHOC,
  CS_EXECSEG_MAIN_BINARY,
  CS_HASHTYPE_SHA256,
  CS_SHA256_LEN,
  CSMAGIC_BLOBWRAPPER,
  CSMAGIC_CODEDIRECTORY,
  CSMAGIC_EMBEDDED_SIGNATURE,
  CSMAGIC_REQUIREMENTS,
  CSSLOT_CODEDIRECTORY,
  CSSLOT_REQUIREMENTS,
  CSSLOT_SIGNATURESLOT,
  pageHashes,
} from './code-signature.js';
import {
  CPU_TYPE_ARM64,
  findSegment,
  firstContentOffset,
  LC_CODE_SIGNATURE,
  LINKEDIT_DATA_COMMAND_SIZE,
  MACH_HEADER_64_SIZE,
  MH_EXECUTE,
  parseMachO,
} from './macho.js';
import { SeaBuildError } from './sea-build-error.js';

export const DEFAULT_SIGNING_IDENTIFIER = 'porthole-host';

/** Special slots -1 (Info.plist, none: zeros) and -2 (requirements). */
const SPECIAL_SLOTS = 2;
const SUPERBLOB_HEADER_SIZE = 12;
const BLOB_INDEX_SIZE = 8;
const EMPTY_REQUIREMENTS = Buffer.from([0xfa, 0xde, 0x0c, 0x01, 0, 0, 0, 12, 0, 0, 0, 0]);
const EMPTY_CMS_WRAPPER = Buffer.from([0xfa, 0xde, 0x0b, 0x01, 0, 0, 0, 8]);

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

interface CodeDirectoryLayout {
  identifier: Buffer;
  codeLimit: number;
  nCodeSlots: number;
  hashOffset: number;
  length: number;
}

function codeDirectoryLayout(identifier: string, codeLimit: number): CodeDirectoryLayout {
  const name = Buffer.from(`${identifier}\0`, 'utf8');
  const nCodeSlots = Math.ceil(codeLimit / CODE_PAGE_SIZE);
  const hashOffset = CD_HEADER_SIZE_EXECSEG + name.length + SPECIAL_SLOTS * CS_SHA256_LEN;
  return { identifier: name, codeLimit, nCodeSlots, hashOffset, length: hashOffset + nCodeSlots * CS_SHA256_LEN };
}

function superBlobLength(layout: CodeDirectoryLayout): number {
  return SUPERBLOB_HEADER_SIZE + 3 * BLOB_INDEX_SIZE + layout.length + EMPTY_REQUIREMENTS.length + EMPTY_CMS_WRAPPER.length;
}

interface ExecSegment {
  base: bigint;
  limit: bigint;
  flags: bigint;
}

function buildCodeDirectory(layout: CodeDirectoryLayout, signedBytes: Buffer, execSegment: ExecSegment): Buffer {
  const cd = Buffer.alloc(layout.length);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(layout.length, 4);
  cd.writeUInt32BE(CD_VERSION_EXECSEG, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(layout.hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER_SIZE_EXECSEG, 20); // identOffset: the identifier follows the header
  cd.writeUInt32BE(SPECIAL_SLOTS, 24);
  cd.writeUInt32BE(layout.nCodeSlots, 28);
  cd.writeUInt32BE(layout.codeLimit, 32);
  cd.writeUInt8(CS_SHA256_LEN, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform: not a platform binary
  cd.writeUInt8(CODE_PAGE_SIZE_LOG2, 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: all zero.
  cd.writeBigUInt64BE(execSegment.base, 64);
  cd.writeBigUInt64BE(execSegment.limit, 72);
  cd.writeBigUInt64BE(execSegment.flags, 80);
  layout.identifier.copy(cd, CD_HEADER_SIZE_EXECSEG);
  // Special slot -2 (requirements) sits just before the code slots; slot -1 (Info.plist) stays zero.
  createHash('sha256')
    .update(EMPTY_REQUIREMENTS)
    .digest()
    .copy(cd, layout.hashOffset - 2 * CS_SHA256_LEN);
  pageHashes(signedBytes, layout.codeLimit).forEach((hash, index) => hash.copy(cd, layout.hashOffset + index * CS_SHA256_LEN));
  return cd;
}

function buildSuperBlob(codeDirectory: Buffer, size: number): Buffer {
  const blobs: [number, Buffer][] = [
    [CSSLOT_CODEDIRECTORY, codeDirectory],
    [CSSLOT_REQUIREMENTS, EMPTY_REQUIREMENTS],
    [CSSLOT_SIGNATURESLOT, EMPTY_CMS_WRAPPER],
  ];
  // Allocated `size` may exceed the blobs (alignment padding); the padding stays zero.
  const signature = Buffer.alloc(size);
  let offset = SUPERBLOB_HEADER_SIZE + blobs.length * BLOB_INDEX_SIZE;
  signature.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  signature.writeUInt32BE(offset + blobs.reduce((total, [, blob]) => total + blob.length, 0), 4);
  signature.writeUInt32BE(blobs.length, 8);
  blobs.forEach(([type, blob], index) => {
    signature.writeUInt32BE(type, SUPERBLOB_HEADER_SIZE + index * BLOB_INDEX_SIZE);
    signature.writeUInt32BE(offset, SUPERBLOB_HEADER_SIZE + index * BLOB_INDEX_SIZE + 4);
    blob.copy(signature, offset);
    offset += blob.length;
  });
  return signature;
}

/** Returns a signed copy of an unsigned (or previously signed) thin 64-bit Mach-O executable. */
export function adhocSign(input: Buffer, identifier = DEFAULT_SIGNING_IDENTIFIER): Buffer {
  const macho = parseMachO(input);
  const linkedit = findSegment(macho, '__LINKEDIT');
  const text = findSegment(macho, '__TEXT');
  if (linkedit === undefined || text === undefined)
    throw new SeaBuildError('macho-unsupported', 'The Mach-O file has no __TEXT or no __LINKEDIT segment to sign.');

  // A previous signature is dropped and its load command slot reused.
  const contentEnd = macho.codeSignature?.dataoff ?? input.length;
  if (linkedit.fileoff + linkedit.filesize < contentEnd || contentEnd > input.length) {
    throw new SeaBuildError(
      'macho-unsupported',
      'The Mach-O file has data after __LINKEDIT; the signature must be the last thing in the file.',
    );
  }
  const commandOffset = macho.codeSignature?.commandOffset ?? MACH_HEADER_64_SIZE + macho.sizeofcmds;
  if (macho.codeSignature === undefined && commandOffset + LINKEDIT_DATA_COMMAND_SIZE > firstContentOffset(macho)) {
    throw new SeaBuildError('macho-unsupported', 'No room after the load commands for LC_CODE_SIGNATURE.');
  }

  // codesign starts the signature on a 16-byte boundary; the zero padding before it is hashed like any code.
  const codeLimit = alignUp(contentEnd, 16);
  const layout = codeDirectoryLayout(identifier, codeLimit);
  const dataSize = alignUp(superBlobLength(layout), 16);
  const output = Buffer.alloc(codeLimit + dataSize);
  input.copy(output, 0, 0, contentEnd);

  // Header and load commands first: they are inside the hashed range.
  if (macho.codeSignature === undefined) {
    output.writeUInt32LE(macho.ncmds + 1, 16);
    output.writeUInt32LE(macho.sizeofcmds + LINKEDIT_DATA_COMMAND_SIZE, 20);
  }
  output.writeUInt32LE(LC_CODE_SIGNATURE, commandOffset);
  output.writeUInt32LE(LINKEDIT_DATA_COMMAND_SIZE, commandOffset + 4);
  output.writeUInt32LE(codeLimit, commandOffset + 8);
  output.writeUInt32LE(dataSize, commandOffset + 12);
  const linkeditSize = codeLimit + dataSize - linkedit.fileoff;
  const vmPage = macho.cputype === CPU_TYPE_ARM64 ? 0x4000 : 0x1000;
  const vmSize = BigInt(alignUp(linkeditSize, vmPage));
  output.writeBigUInt64LE(vmSize > linkedit.vmsize ? vmSize : linkedit.vmsize, linkedit.commandOffset + 32);
  output.writeBigUInt64LE(BigInt(linkeditSize), linkedit.commandOffset + 48);

  const execSegment: ExecSegment = {
    base: BigInt(text.fileoff),
    limit: BigInt(text.filesize),
    flags: macho.filetype === MH_EXECUTE ? BigInt(CS_EXECSEG_MAIN_BINARY) : 0n,
  };
  const codeDirectory = buildCodeDirectory(layout, output, execSegment);
  buildSuperBlob(codeDirectory, dataSize).copy(output, codeLimit);
  return output;
}

export function adhocSignFile(file: string, identifier = DEFAULT_SIGNING_IDENTIFIER): void {
  writeFileSync(file, adhocSign(readFileSync(file), identifier));
}
