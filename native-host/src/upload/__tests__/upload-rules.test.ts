/** The pure rules of dropped files: which names are taken, the order and totals of chunks, which zip entries are unpacked. */
import { describe, expect, it } from 'vitest';
import { checkUploadPath, MAX_UPLOAD_FILES, validateRequest } from '../../protocol/index.js';
import { UploadTally } from '../upload-tally.js';
import { planEntry, singleTopFolder } from '../zip-entry.js';

describe('checkUploadPath', () => {
  it.each(['index.html', 'css/site.css', 'a/b/c/d.js', 'été/naïve.txt', '.well-known/security.txt', 'a..b', '..a', 'a. b'])(
    'takes %s',
    (path) => {
      expect(checkUploadPath(path)).toEqual({ ok: true, segments: path.split('/') });
    },
  );
  it.each([
    ['', /empty name/],
    ['../etc/passwd', /"\.\."/],
    ['a/../../b', /"\.\."/],
    ['./a', /"\."/],
    ['a/.../b', /"\.\."/],
    ['.. /x', /"\.\."/],
    ['a//b', /empty/],
    ['a/', /empty/],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x', /absolute/],
    ['c:evil', /absolute/],
    ['a\\..\\..\\b', /backslash/],
    ['\\\\server\\share', /backslash/],
    ['a\u0000b', /control/],
    ['line\nbreak', /control/],
    ['x'.repeat(1025), /over 1024/],
    [`${'é'.repeat(128)}/a`, /over 255 bytes/],
  ])('refuses %j', (path, reason) => {
    const checked = checkUploadPath(path);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });
});

describe('validateRequest for uploads', () => {
  const base = { id: 'r1' };
  it('reads a well-formed upload-begin, chunk, end and cancel', () => {
    expect(validateRequest({ ...base, type: 'upload-begin', label: 'dist', totalBytes: 10, fileCount: 2 })).toMatchObject({
      ok: true,
      request: { type: 'upload-begin', label: 'dist', totalBytes: 10, fileCount: 2, archive: false },
    });
    expect(validateRequest({ ...base, type: 'upload-chunk', uploadId: 'u', path: 'a/b.css', offset: 0, data: 'aGk=' })).toMatchObject({
      ok: true,
    });
    expect(
      validateRequest({ ...base, type: 'upload-end', uploadId: 'u', options: { spa: true }, settings: { password: 'long enough pw' } }),
    ).toMatchObject({
      ok: true,
      request: { options: { spa: true }, settings: { password: 'long enough pw' } },
    });
    expect(validateRequest({ ...base, type: 'upload-cancel', uploadId: 'u' })).toMatchObject({ ok: true });
  });
  it.each([
    [{ type: 'upload-begin', label: 'x', totalBytes: 2 ** 30 + 1, fileCount: 1 }, 'upload-refused', /at most 1 GiB/],
    [{ type: 'upload-begin', label: 'x', totalBytes: 1, fileCount: MAX_UPLOAD_FILES + 1 }, 'upload-refused', /at most 10000/],
    [{ type: 'upload-begin', label: 'x', totalBytes: 1, fileCount: 2, archive: true }, 'upload-refused', /exactly one file/],
    [{ type: 'upload-begin', label: 'x', totalBytes: -1, fileCount: 1 }, 'bad-request', /whole numbers/],
    [{ type: 'upload-begin', label: 'x', totalBytes: 1.5, fileCount: 1 }, 'bad-request', /whole numbers/],
    [{ type: 'upload-begin', label: '', totalBytes: 1, fileCount: 1 }, 'bad-request', /label/],
    [{ type: 'upload-begin', label: 'a\u0007', totalBytes: 1, fileCount: 1 }, 'bad-request', /label/],
    [{ type: 'upload-chunk', uploadId: 'u', path: '../x', offset: 0, data: '' }, 'upload-refused', /outside the upload/],
    [{ type: 'upload-chunk', uploadId: 'u', path: '/abs', offset: 0, data: '' }, 'upload-refused', /absolute/],
    [{ type: 'upload-chunk', uploadId: 'u', path: 'a', offset: -1, data: '' }, 'bad-request', /offset/],
    [{ type: 'upload-chunk', uploadId: 'u', path: 'a', offset: 0, data: 'not base64!' }, 'bad-request', /base64/],
    [{ type: 'upload-chunk', uploadId: 'u', path: 'a', offset: 0, data: 12 }, 'bad-request', /base64/],
    [{ type: 'upload-chunk', uploadId: 'u', path: 'a', offset: 0, data: 'A'.repeat(699_056) }, 'bad-request', /base64/],
    [{ type: 'upload-chunk', path: 'a', offset: 0, data: '' }, 'bad-request', /uploadId/],
    [{ type: 'upload-end', uploadId: 'u', options: { spa: 'yes' } }, 'bad-request', /"spa"/],
  ])('refuses %j with %s', (request, code, message) => {
    const validated = validateRequest({ ...base, ...request });
    expect(validated.ok).toBe(false);
    if (!validated.ok) {
      expect(validated.error.code).toBe(code);
      expect(validated.error.message).toMatch(message);
      expect(validated.id).toBe('r1');
    }
  });
});

describe('UploadTally', () => {
  it('takes chunks in order within the announced totals, then says complete', () => {
    const tally = new UploadTally({ totalBytes: 10, fileCount: 2 });
    expect(tally.checkChunk('a', 0, 4)).toEqual({ ok: true });
    tally.record('a', 4);
    expect(tally.checkChunk('a', 4, 2)).toEqual({ ok: true });
    tally.record('a', 2);
    expect(tally.checkComplete().ok).toBe(false);
    tally.record('b', 4);
    expect(tally.receivedBytes).toBe(10);
    expect(tally.checkComplete()).toEqual({ ok: true });
  });
  it('refuses a chunk out of order, a file too many, and bytes beyond the announced total', () => {
    const tally = new UploadTally({ totalBytes: 10, fileCount: 1 });
    expect(tally.checkChunk('a', 3, 1)).toMatchObject({ ok: false, reason: /out of order \(at 3, expected 0\)/ });
    tally.record('a', 4);
    expect(tally.checkChunk('a', 0, 4)).toMatchObject({ ok: false, reason: /out of order/ });
    expect(tally.checkChunk('b', 0, 1)).toMatchObject({ ok: false, reason: /More files arrived than the 1 announced/ });
    expect(tally.checkChunk('a', 4, 7)).toMatchObject({ ok: false, reason: /More bytes arrived than the 10 announced/ });
    expect(tally.checkComplete()).toMatchObject({ ok: false, reason: /1 of 1 files \(4 of 10 bytes\)/ });
  });
});

describe('zip entries', () => {
  const FILE = 0o100644 << 16;
  it('unpacks plain files and folders, skips __MACOSX', () => {
    expect(planEntry('site/index.html', FILE)).toEqual({ kind: 'file', segments: ['site', 'index.html'] });
    expect(planEntry('site/css/', 0)).toEqual({ kind: 'folder', segments: ['site', 'css'] });
    expect(planEntry('made-on-windows.txt', 0x20)).toEqual({ kind: 'file', segments: ['made-on-windows.txt'] });
    expect(planEntry('__MACOSX/site/._index.html', FILE)).toEqual({ kind: 'skip' });
  });
  it.each([
    ['../evil.sh', FILE, /outside the upload/],
    ['site/../../evil.sh', FILE, /outside the upload/],
    ['/etc/cron.d/evil', FILE, /absolute/],
    ['C:/evil', FILE, /absolute/],
    ['site\\..\\evil', FILE, /backslash/],
    ['link', (0o120777 << 16) >>> 0, /symbolic link/],
    ['fifo', 0o010644 << 16, /not a plain file/],
  ])('refuses %s', (name, attributes, reason) => {
    const plan = planEntry(name, attributes);
    expect(plan.kind).toBe('refuse');
    if (plan.kind === 'refuse') expect(plan.reason).toMatch(reason);
  });
  it('serves a single top folder from itself', () => {
    expect(
      singleTopFolder([
        ['site', 'index.html'],
        ['site', 'css', 'a.css'],
      ]),
    ).toBe('site');
    expect(singleTopFolder([['site', 'index.html'], ['index.html']])).toBeNull();
    expect(
      singleTopFolder([
        ['a', 'index.html'],
        ['b', 'x'],
      ]),
    ).toBeNull();
    expect(singleTopFolder([['index.html']])).toBeNull();
  });
});
