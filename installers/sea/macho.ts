/**
 * Just enough of the Mach-O format (<mach-o/loader.h>) to sign a thin 64-bit executable: the
 * header, segment load commands with their sections, and LC_CODE_SIGNATURE.
 */
import { SeaBuildError } from './sea-build-error.js';

export const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGIC = 0xcafebabe;
export const MH_EXECUTE = 0x2;
export const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
export const CPU_TYPE_X86_64 = 0x01000007;
export const CPU_TYPE_ARM64 = 0x0100000c;
/** S_ZEROFILL and friends occupy no bytes in the file. */
const SECTION_TYPE_MASK = 0xff;
const ZEROFILL_TYPES = new Set([0x1, 0xc, 0x12]);

export const MACH_HEADER_64_SIZE = 32;
export const LINKEDIT_DATA_COMMAND_SIZE = 16;

export interface MachSection {
  name: string;
  offset: number;
  size: number;
  occupiesFile: boolean;
}

export interface MachSegment {
  name: string;
  /** File offset of the LC_SEGMENT_64 command, to rewrite its sizes in place. */
  commandOffset: number;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
  sections: MachSection[];
}

export interface LinkeditDataCommand {
  commandOffset: number;
  dataoff: number;
  datasize: number;
}

export interface MachO {
  cputype: number;
  filetype: number;
  ncmds: number;
  sizeofcmds: number;
  segments: MachSegment[];
  codeSignature: LinkeditDataCommand | undefined;
}

function fixedString(bytes: Buffer, start: number, length: number): string {
  const raw = bytes.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('latin1');
}

export function parseMachO(file: Buffer): MachO {
  const magic = file.readUInt32LE(0);
  if (file.readUInt32BE(0) === FAT_MAGIC) {
    throw new SeaBuildError('macho-unsupported', "Universal (fat) Mach-O files are not handled: sign each architecture's thin binary.");
  }
  if (magic !== MH_MAGIC_64)
    throw new SeaBuildError('macho-unsupported', `Not a 64-bit little-endian Mach-O file (magic 0x${magic.toString(16)}).`);
  const macho: MachO = {
    cputype: file.readUInt32LE(4),
    filetype: file.readUInt32LE(12),
    ncmds: file.readUInt32LE(16),
    sizeofcmds: file.readUInt32LE(20),
    segments: [],
    codeSignature: undefined,
  };
  let offset = MACH_HEADER_64_SIZE;
  for (let index = 0; index < macho.ncmds; index++) {
    const cmd = file.readUInt32LE(offset);
    const cmdsize = file.readUInt32LE(offset + 4);
    if (cmd === LC_SEGMENT_64) {
      const nsects = file.readUInt32LE(offset + 64);
      const sections: MachSection[] = [];
      for (let s = 0; s < nsects; s++) {
        const at = offset + 72 + s * 80;
        const flags = file.readUInt32LE(at + 64);
        sections.push({
          name: fixedString(file, at, 16),
          size: Number(file.readBigUInt64LE(at + 40)),
          offset: file.readUInt32LE(at + 48),
          occupiesFile: !ZEROFILL_TYPES.has(flags & SECTION_TYPE_MASK),
        });
      }
      macho.segments.push({
        name: fixedString(file, offset + 8, 16),
        commandOffset: offset,
        vmaddr: file.readBigUInt64LE(offset + 24),
        vmsize: file.readBigUInt64LE(offset + 32),
        fileoff: Number(file.readBigUInt64LE(offset + 40)),
        filesize: Number(file.readBigUInt64LE(offset + 48)),
        sections,
      });
    } else if (cmd === LC_CODE_SIGNATURE) {
      macho.codeSignature = { commandOffset: offset, dataoff: file.readUInt32LE(offset + 8), datasize: file.readUInt32LE(offset + 12) };
    }
    offset += cmdsize;
  }
  return macho;
}

export function findSegment(macho: MachO, name: string): MachSegment | undefined {
  return macho.segments.find((segment) => segment.name === name);
}

/**
 * Where the bytes after the load commands stop being free padding: the first section or segment
 * content in the file. A new load command must fit before it.
 */
export function firstContentOffset(macho: MachO): number {
  let first = Number.POSITIVE_INFINITY;
  for (const segment of macho.segments) {
    if (segment.filesize > 0 && segment.fileoff > 0) first = Math.min(first, segment.fileoff);
    for (const section of segment.sections) {
      if (section.occupiesFile && section.size > 0 && section.offset > 0) first = Math.min(first, section.offset);
    }
  }
  return first;
}
