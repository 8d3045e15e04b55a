import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirFacts, ensurePosixPrivateDir, judgePrivateDir } from '../private-dir.js';

const dir = (over: Partial<DirFacts> = {}): DirFacts => ({ isSymbolicLink: false, isDirectory: true, uid: 1000, mode: 0o700, ...over });

describe('judgePrivateDir', () => {
  it.each<[string, DirFacts, ReturnType<typeof judgePrivateDir>]>([
    ['a private folder of ours', dir(), 'ok'],
    ['one an older Porthole made under umask 022', dir({ mode: 0o755 }), 'tighten'],
    ['one writable by its group', dir({ mode: 0o770 }), 'tighten'],
    ['one writable by everybody', dir({ mode: 0o777 }), 'tighten'],
    ['a symbolic link', dir({ isSymbolicLink: true, isDirectory: false }), 'symlink'],
    ['a file', dir({ isDirectory: false }), 'not-a-directory'],
    ['another user’s folder', dir({ uid: 1001 }), 'foreign-owner'],
    ['another user’s private folder', dir({ uid: 0 }), 'foreign-owner'],
  ])('%s', (_, facts, verdict) => {
    expect(judgePrivateDir(facts, 1000)).toBe(verdict);
  });
});

const uid = process.getuid?.() ?? 0;

describe('ensurePosixPrivateDir', () => {
  it('creates a missing folder, and its parents, 0700 under umask 022', () => {
    const previous = process.umask(0o022);
    try {
      const path = join(mkdtempSync(join(tmpdir(), 'porthole-dir-')), 'a', 'porthole');
      expect(ensurePosixPrivateDir(path, uid)).toEqual({ ok: true, tightenedFrom: null });
      expect(statSync(path).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('makes a folder of ours that is open to others 0700', () => {
    const path = mkdtempSync(join(tmpdir(), 'porthole-dir-'));
    chmodSync(path, 0o775);
    expect(ensurePosixPrivateDir(path, uid)).toEqual({ ok: true, tightenedFrom: 0o775 });
    expect(statSync(path).mode & 0o777).toBe(0o700);
  });

  it('refuses a link to a folder, and leaves the folder it points to as it was', () => {
    const target = mkdtempSync(join(tmpdir(), 'porthole-dir-'));
    chmodSync(target, 0o755);
    const link = join(mkdtempSync(join(tmpdir(), 'porthole-dir-')), 'porthole');
    symlinkSync(target, link);
    expect(ensurePosixPrivateDir(link, uid)).toMatchObject({ ok: false, problem: 'symlink' });
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });

  it('refuses a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'porthole-dir-')), 'porthole');
    writeFileSync(path, '');
    expect(ensurePosixPrivateDir(path, uid)).toMatchObject({ ok: false, problem: 'not-a-directory' });
  });

  it('refuses another user’s folder', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'porthole-dir-')), 'porthole');
    mkdirSync(path, { mode: 0o700 });
    // As root, the folder is given away; as anybody else, it is judged as if we were someone else.
    if (uid === 0) chownSync(path, 65534, 65534);
    expect(ensurePosixPrivateDir(path, uid === 0 ? 0 : uid + 1)).toMatchObject({ ok: false, problem: 'foreign-owner' });
  });
});
