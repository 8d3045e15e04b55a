/**
 * The ad-hoc signer, proven against Apple: the official darwin-arm64 Node binary carries Apple's own
 * signature, whose CodeDirectory lists the SHA-256 of every 4 KiB page. If our page hashing
 * reproduces those, and our special-slot layout reproduces Apple's for the blobs it covers, the
 * CodeDirectory we write for the injected binary is computed the way macOS checks it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unsign } from 'macho-unsign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CD_VERSION_EXECSEG,
  CODE_PAGE_SIZE,
  type CodeDirectory,
  CS_ADHOC,
  CS_HASHTYPE_SHA256,
  CSMAGIC_CODEDIRECTORY,
  CSSLOT_CODEDIRECTORY,
  CSSLOT_REQUIREMENTS,
  CSSLOT_SIGNATURESLOT,
  pageHashes,
  parseCodeDirectory,
  readEmbeddedSignature,
} from '../sea/code-signature.js';
import { findSegment, parseMachO } from '../sea/macho.js';
import { adhocSign } from '../sea/macho-adhoc-sign.js';
import { extractNodeBinary } from '../sea/node-binary.js';
import { findTarget } from '../targets.js';

/** Entitlements (xml) special slot: Apple's binaries have one, so slot indexing is checked beyond -2. */
const CSSLOT_ENTITLEMENTS = 5;

let dir: string;
let apple: Buffer;
let appleDirectory: CodeDirectory;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-macho-'));
  // From the verified cache; fetched from the npm registry through the build's own module when absent.
  apple = readFileSync(await extractNodeBinary(findTarget('darwin-arm64'), join(dir, 'node')));
  const directories = (readEmbeddedSignature(apple) ?? [])
    .filter((entry) => entry.magic === CSMAGIC_CODEDIRECTORY)
    .map((entry) => parseCodeDirectory(entry.blob));
  const sha256 = directories.find((directory) => directory.hashType === CS_HASHTYPE_SHA256);
  if (sha256 === undefined) throw new Error('The official darwin-arm64 Node binary has no SHA-256 CodeDirectory.');
  appleDirectory = sha256;
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Hashing 110 MB takes a while on a busy 2-core CI machine.
const SLOW = { timeout: 60_000 };

describe("Apple's signature on the official darwin-arm64 Node binary", SLOW, () => {
  it('uses the page size and hash the signer writes', () => {
    expect(1 << appleDirectory.pageSizeLog2).toBe(CODE_PAGE_SIZE);
    expect(appleDirectory.hashSize).toBe(32);
    expect(appleDirectory.codeLimit).toBe(parseMachO(apple).codeSignature?.dataoff);
  });

  it('has code slots equal to our page hashes of the same file range, every one of them', () => {
    const ours = pageHashes(apple, appleDirectory.codeLimit);
    expect(ours.length).toBe(appleDirectory.codeSlots.length);
    const differing = ours.filter((hash, index) => !hash.equals(appleDirectory.codeSlots[index]!)).length;
    expect(differing).toBe(0);
  });

  it('keeps the hash of each special blob in slot -type, as the signer does for requirements', () => {
    const blobs = readEmbeddedSignature(apple) ?? [];
    for (const type of [CSSLOT_REQUIREMENTS, CSSLOT_ENTITLEMENTS]) {
      const blob = blobs.find((entry) => entry.type === type);
      expect(blob, `blob ${type}`).toBeDefined();
      expect(
        createHash('sha256')
          .update(blob!.blob)
          .digest()
          .equals(appleDirectory.specialSlots[type - 1]!),
      ).toBe(true);
    }
  });
});

describe('adhocSign', SLOW, () => {
  let unsigned: Buffer;
  let signed: Buffer;
  let directory: CodeDirectory;

  beforeAll(() => {
    const stripped = unsign(apple);
    if (stripped === null) throw new Error('macho-unsign found no signature to remove.');
    unsigned = Buffer.from(stripped);
    signed = adhocSign(unsigned, 'porthole-host');
    const entries = readEmbeddedSignature(signed) ?? [];
    directory = parseCodeDirectory(entries.find((entry) => entry.type === CSSLOT_CODEDIRECTORY)!.blob);
  }, 60_000);

  it('adds LC_CODE_SIGNATURE pointing at a SuperBlob that ends the file and __LINKEDIT', () => {
    const before = parseMachO(unsigned);
    const after = parseMachO(signed);
    expect(before.codeSignature).toBeUndefined();
    expect(after.ncmds).toBe(before.ncmds + 1);
    expect(after.sizeofcmds).toBe(before.sizeofcmds + 16);
    const signature = after.codeSignature!;
    expect(signature.dataoff % 16).toBe(0);
    expect(signature.dataoff + signature.datasize).toBe(signed.length);
    const linkedit = findSegment(after, '__LINKEDIT')!;
    expect(linkedit.fileoff + linkedit.filesize).toBe(signed.length);
    expect(linkedit.vmsize >= BigInt(linkedit.filesize)).toBe(true);
    expect(Number(linkedit.vmsize) % 0x4000).toBe(0);
    // Everything before the signature is the unsigned file but for the header and load commands.
    const commandsEnd = 32 + after.sizeofcmds;
    expect(signed.subarray(commandsEnd, unsigned.length).equals(unsigned.subarray(commandsEnd))).toBe(true);
  });

  it('holds a CodeDirectory, an empty requirements blob and an empty CMS wrapper, like codesign -s -', () => {
    const entries = readEmbeddedSignature(signed) ?? [];
    expect(entries.map((entry) => entry.type)).toEqual([CSSLOT_CODEDIRECTORY, CSSLOT_REQUIREMENTS, CSSLOT_SIGNATURESLOT]);
    expect(entries[1]!.blob.toString('hex')).toBe('fade0c010000000c00000000');
    expect(entries[2]!.blob.toString('hex')).toBe('fade0b0100000008');
    expect(directory.specialSlots[CSSLOT_REQUIREMENTS - 1]!.equals(createHash('sha256').update(entries[1]!.blob).digest())).toBe(true);
    expect(directory.specialSlots[0]!.equals(Buffer.alloc(32))).toBe(true);
  });

  it('writes an ad-hoc SHA-256 CodeDirectory over every page up to the signature', () => {
    expect(directory).toMatchObject({
      version: CD_VERSION_EXECSEG,
      flags: CS_ADHOC,
      hashType: CS_HASHTYPE_SHA256,
      pageSizeLog2: 12,
      identifier: 'porthole-host',
      codeLimit: parseMachO(signed).codeSignature!.dataoff,
    });
    const expected = pageHashes(signed, directory.codeLimit);
    expect(directory.codeSlots.length).toBe(expected.length);
    expect(directory.codeSlots.every((hash, index) => hash.equals(expected[index]!))).toBe(true);
  });

  it("marks the same executable segment as Apple's signature does", () => {
    expect(directory.execSegBase).toBe(appleDirectory.execSegBase);
    expect(directory.execSegLimit).toBe(appleDirectory.execSegLimit);
    expect(directory.execSegFlags).toBe(appleDirectory.execSegFlags);
  });

  it('re-signs its own output to the same bytes', () => {
    expect(adhocSign(signed, 'porthole-host').equals(signed)).toBe(true);
  });

  it('refuses what it cannot sign, with a code', () => {
    expect(() => adhocSign(Buffer.from('\x7fELF not mach-o at all'))).toThrow(expect.objectContaining({ code: 'macho-unsupported' }));
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    expect(() => adhocSign(fat)).toThrow(/Universal \(fat\)/);
  });
});
