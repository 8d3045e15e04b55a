/**
 * The upload registry and the unzipper on the real file system: chunks land in a private folder,
 * refusals and cancels delete it, an archive is unpacked with zip-slip entries and zip bombs refused
 * and nothing written outside, and the shared folder is deleted once its share ends.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZip } from '../../../test/zip-writer.js';
import type { PortholeError } from '../../errors.js';
import type { FolderShareRequest } from '../../files/folder-shares.js';
import type { Share } from '../../protocol/index.js';
import { removeLeftoverUploads } from '../leftovers.js';
import { unpackZip } from '../unzip.js';
import { temporaryRoot, UploadRegistry } from '../upload-registry.js';

let base: string;
let root: string;
let shared: FolderShareRequest[];

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'porthole-upload-test-'));
  root = join(base, 'uploads');
  shared = [];
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function registry(extra: Partial<ConstructorParameters<typeof UploadRegistry>[0]> = {}): UploadRegistry {
  return new UploadRegistry({
    root: () => root,
    shareFolder: async (request) => {
      shared.push(request);
      return { share: { id: 's1', kind: 'files', label: request.label, folder: request.path } as Share, existing: false };
    },
    ...extra,
  });
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const folders = () => (existsSync(root) ? readdirSync(root) : []);

async function refusal(promise: Promise<unknown>): Promise<PortholeError> {
  try {
    await promise;
  } catch (error) {
    return error as PortholeError;
  }
  throw new Error('expected a refusal');
}

describe('UploadRegistry', () => {
  it('writes each file in its private folder (0700, files 0600), then shares that folder as kind files with its label', async () => {
    const uploads = registry();
    const { uploadId } = await uploads.begin({ label: 'dist', totalBytes: 11, fileCount: 2 });
    expect(await uploads.chunk(uploadId, 'index.html', 0, b64('<h1>'))).toEqual({ uploadId, receivedBytes: 4 });
    expect(await uploads.chunk(uploadId, 'index.html', 4, b64('hi'))).toEqual({ uploadId, receivedBytes: 6 });
    expect(await uploads.chunk(uploadId, 'css/a.css', 0, b64('p{}\n\n'))).toEqual({ uploadId, receivedBytes: 11 });
    const [name] = folders();
    expect(name).toMatch(new RegExp(`^${process.pid}-`));
    const folder = join(root, name as string);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'files', 'css')).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'files', 'index.html')).mode & 0o777).toBe(0o600);
    await uploads.end(uploadId, { spa: true }, { password: 'long enough pw' });
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ path: join(folder, 'files'), kind: 'files', label: 'dist', options: { spa: true } });
    expect(readFileSync(join(folder, 'files', 'index.html'), 'utf8')).toBe('<h1>hi');
    // The share ends: its folder goes.
    shared[0]?.onEnded?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(folders()).toEqual([]);
  });

  it('refuses an out-of-order chunk and deletes the upload; later requests name an unknown upload', async () => {
    const uploads = registry();
    const { uploadId } = await uploads.begin({ label: 'x', totalBytes: 8, fileCount: 1 });
    await uploads.chunk(uploadId, 'a.txt', 0, b64('abcd'));
    const error = await refusal(uploads.chunk(uploadId, 'a.txt', 6, b64('ef')));
    expect(error.hostError).toMatchObject({ code: 'upload-refused', message: expect.stringMatching(/out of order \(at 6, expected 4\)/) });
    expect(folders()).toEqual([]);
    expect((await refusal(uploads.chunk(uploadId, 'a.txt', 4, b64('ef')))).hostError.message).toMatch(/does not know that upload/);
  });

  it('refuses data that is not base64 (the validator checks only its shape)', async () => {
    const uploads = registry();
    const { uploadId } = await uploads.begin({ label: 'x', totalBytes: 8, fileCount: 1 });
    expect((await refusal(uploads.chunk(uploadId, 'a.txt', 0, 'ab!*'))).hostError.message).toMatch(/not base64/);
    expect(folders()).toEqual([]);
  });

  it('refuses an end before every file arrived, and two names that are one file', async () => {
    const uploads = registry();
    const first = await uploads.begin({ label: 'x', totalBytes: 4, fileCount: 2 });
    await uploads.chunk(first.uploadId, 'a', 0, b64('ab'));
    expect((await refusal(uploads.end(first.uploadId))).hostError.message).toMatch(/Only 1 of 2 files \(2 of 4 bytes\)/);
    const second = await uploads.begin({ label: 'y', totalBytes: 2, fileCount: 2 });
    await uploads.chunk(second.uploadId, 'a', 0, b64('a'));
    expect((await refusal(uploads.chunk(second.uploadId, 'a/b', 0, b64('b')))).hostError.message).toMatch(/both a file and a folder/);
    expect(folders()).toEqual([]);
  });

  it('cancel and idle timeout delete the folder; removeAllNow deletes shared ones too', async () => {
    const uploads = registry({ idleMs: 100 });
    const cancelled = await uploads.begin({ label: 'x', totalBytes: 2, fileCount: 1 });
    await uploads.chunk(cancelled.uploadId, 'a', 0, b64('a'));
    await uploads.cancel(cancelled.uploadId);
    expect(folders()).toEqual([]);
    await uploads.begin({ label: 'idle', totalBytes: 1, fileCount: 1 });
    expect(folders()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(folders()).toEqual([]);
    expect(uploads.pending).toBe(0);
    const done = await uploads.begin({ label: 'done', totalBytes: 1, fileCount: 1 });
    await uploads.chunk(done.uploadId, 'a', 0, b64('a'));
    await uploads.end(done.uploadId);
    await uploads.begin({ label: 'half', totalBytes: 1, fileCount: 1 });
    expect(folders()).toHaveLength(2);
    uploads.removeAllNow();
    expect(folders()).toEqual([]);
  });

  it('a temporary root of its own is made at the first upload and deleted with everything at exit', async () => {
    const temporary = temporaryRoot();
    const uploads = new UploadRegistry({ ...temporary, shareFolder: async () => Promise.reject(new Error('unused')) });
    await uploads.begin({ label: 'x', totalBytes: 1, fileCount: 1 });
    const made = temporary.root();
    expect(made).toMatch(/porthole-uploads-/);
    expect(statSync(made).mode & 0o777).toBe(0o700);
    expect(readdirSync(made)).toHaveLength(1);
    uploads.removeAllNow();
    expect(existsSync(made)).toBe(false);
  });

  it('unpacks an archive upload and serves its single top folder', async () => {
    const uploads = registry();
    const zip = makeZip([
      { name: 'site/', mode: 0o040755 },
      { name: 'site/index.html', data: '<p>zipped</p>', deflate: true },
      { name: 'site/css/a.css', data: 'p{}' },
      { name: '__MACOSX/site/._index.html', data: 'junk' },
    ]);
    const { uploadId } = await uploads.begin({ label: 'site.zip', totalBytes: zip.length, fileCount: 1, archive: true });
    await uploads.chunk(uploadId, 'site.zip', 0, b64(zip));
    await uploads.end(uploadId);
    const folder = join(root, folders()[0] as string);
    expect(shared[0]?.path).toBe(join(folder, 'files', 'site'));
    expect(readFileSync(join(folder, 'files', 'site', 'index.html'), 'utf8')).toBe('<p>zipped</p>');
    expect(existsSync(join(folder, 'files', '__MACOSX'))).toBe(false);
    expect(existsSync(join(folder, 'archive'))).toBe(false);
  });

  it('a refused archive leaves nothing behind', async () => {
    const uploads = registry();
    const zip = makeZip([
      { name: 'ok.html', data: 'ok' },
      { name: '../escaped.txt', data: 'owned' },
    ]);
    const { uploadId } = await uploads.begin({ label: 'evil.zip', totalBytes: zip.length, fileCount: 1, archive: true });
    await uploads.chunk(uploadId, 'evil.zip', 0, b64(zip));
    expect((await refusal(uploads.end(uploadId))).hostError.code).toBe('upload-refused');
    expect(folders()).toEqual([]);
    expect(readdirSync(base)).toEqual(['uploads']);
  });
});

describe('unpackZip', () => {
  let into: string;
  beforeEach(() => {
    into = join(base, 'out', 'files');
  });
  function zipFile(entries: Parameters<typeof makeZip>[0]): string {
    const path = join(base, 'in.zip');
    writeFileSync(path, makeZip(entries));
    return path;
  }
  const outside = () => readdirSync(base).filter((name) => name !== 'in.zip' && name !== 'out');

  it.each([
    ['a ../ entry', [{ name: '../evil.txt', data: 'x' }], /points outside it/],
    ['a nested ../ entry', [{ name: 'a/../../evil.txt', data: 'x' }], /points outside it/],
    ['an absolute entry', [{ name: '/tmp/evil.txt', data: 'x' }], /points outside it/],
    ['a drive letter', [{ name: 'C:/evil.txt', data: 'x' }], /points outside it/],
    ['a backslash', [{ name: '..\\evil.txt', data: 'x' }], /points outside it/],
    ['a symbolic link', [{ name: 'link', data: '/etc/passwd', mode: 0o120777 }], /symbolic link/],
    ['not a zip', null, /could not be read/],
  ])('refuses %s, writing nothing outside', async (_what, entries, message) => {
    const path = entries === null ? join(base, 'in.zip') : zipFile(entries);
    if (entries === null) writeFileSync(path, 'PK\u0003\u0004 this is not really a zip');
    const error = await refusal(unpackZip(path, into));
    expect(error.hostError.code).toBe('upload-refused');
    expect(error.hostError.message).toMatch(message);
    expect(outside()).toEqual([]);
  });

  it('counts the real bytes of a zip bomb that declares 100, not what it says', async () => {
    const bomb = zipFile([{ name: 'bomb.bin', data: Buffer.alloc(50 * 1024 * 1024), deflate: true, declaredSize: 100 }]);
    const error = await refusal(unpackZip(bomb, into, { maxBytes: 1024 * 1024, maxFiles: 10 }));
    expect(error.hostError.message).toMatch(/zip bomb/);
    const written = existsSync(join(into, 'bomb.bin')) ? statSync(join(into, 'bomb.bin')).size : 0;
    expect(written).toBeLessThanOrEqual(1024 * 1024);
  });

  it('refuses an archive over the byte limit, and one with too many files', async () => {
    const big = zipFile([{ name: 'a.bin', data: Buffer.alloc(3000), deflate: true }]);
    expect((await refusal(unpackZip(big, into, { maxBytes: 2000, maxFiles: 10 }))).hostError.message).toMatch(/more than 2000 bytes/);
    rmSync(join(base, 'out'), { recursive: true, force: true });
    const many = zipFile(Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    expect((await refusal(unpackZip(many, into, { maxBytes: 2000, maxFiles: 3 }))).hostError.message).toMatch(/more than 3 files/);
  });

  it('refuses an entry that appears twice', async () => {
    const twice = zipFile([
      { name: 'a.txt', data: 'one' },
      { name: 'a.txt', data: 'two' },
    ]);
    expect((await refusal(unpackZip(twice, into))).hostError.message).toMatch(/appears twice/);
  });
});

describe('removeLeftoverUploads', () => {
  it('deletes the folders of hosts that no longer run, and keeps those of running ones', () => {
    for (const name of ['111-aaaa', '222-bbbb', `${process.pid}-cccc`, 'not-a-host']) {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, 'index.html'), 'left behind');
    }
    const removed = removeLeftoverUploads(root, (pid) => pid === 222);
    expect(removed).toEqual(['111-aaaa']);
    expect(readdirSync(root).sort()).toEqual(['222-bbbb', `${process.pid}-cccc`, 'not-a-host'].sort());
  });
});
