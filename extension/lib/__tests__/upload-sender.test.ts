import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_FILES, UPLOAD_CHUNK_BYTES } from '../protocol';
import { planUpload } from '../upload-plan';
import { sendUpload, toBase64, UploadCancelled, type UploadCommands } from '../upload-sender';

const blob = (size: number, byte = 1) => new Blob([new Uint8Array(size).fill(byte)]);

describe('planUpload', () => {
  const picked = (paths: [string, number][]) => paths.map(([path, size]) => ({ path, size, file: blob(0) }));

  it('a dropped folder: its files under their paths inside it, labelled by its name', () => {
    const planned = planUpload(
      picked([
        ['dist/index.html', 3],
        ['dist/css/a.css', 4],
        ['dist/.git/config', 9],
      ]),
      { dotfiles: false },
    );
    expect(planned).toMatchObject({
      ok: true,
      plan: { label: 'dist', totalBytes: 7, archive: false, dotfilesLeftOut: 1, files: [{ path: 'index.html' }, { path: 'css/a.css' }] },
    });
    const withDots = planUpload(
      picked([
        ['dist/index.html', 3],
        ['dist/.well-known/x', 1],
      ]),
      { dotfiles: true },
    );
    expect(withDots.ok && withDots.plan.files.map((file) => file.path)).toEqual(['index.html', '.well-known/x']);
  });

  it('several files keep their names; one .zip is an archive', () => {
    expect(
      planUpload(
        picked([
          ['a.html', 1],
          ['b.css', 1],
          ['c.js', 1],
        ]),
        { dotfiles: false },
      ),
    ).toMatchObject({
      ok: true,
      plan: { label: '3 files', archive: false },
    });
    expect(planUpload(picked([['site.ZIP', 10]]), { dotfiles: false })).toMatchObject({
      ok: true,
      plan: { label: 'site.ZIP', archive: true },
    });
    expect(planUpload(picked([['page.html', 10]]), { dotfiles: false })).toMatchObject({ ok: true, plan: { label: 'page.html' } });
  });

  it('refuses before sending what the host would refuse', () => {
    expect(planUpload([], { dotfiles: false })).toMatchObject({ ok: false, message: /no files/ });
    expect(planUpload(picked([['.env', 1]]), { dotfiles: false })).toMatchObject({ ok: false, message: /starts with a dot/ });
    expect(
      planUpload(
        picked([
          ['a\\b.txt', 1],
          ['c', 1],
        ]),
        { dotfiles: false },
      ),
    ).toMatchObject({ ok: false, message: /backslash/ });
    expect(
      planUpload(
        picked([
          ['big.bin', 2 ** 30 + 1],
          ['x', 1],
        ]),
        { dotfiles: false },
      ),
    ).toMatchObject({ ok: false, message: /at most 1 GB/ });
    const many = picked(Array.from({ length: MAX_UPLOAD_FILES + 1 }, (_, i) => [`f${i}`, 1] as [string, number]));
    expect(planUpload(many, { dotfiles: false })).toMatchObject({ ok: false, message: /at most 10000/ });
  });
});

/** The background's upload commands, recording what the page sent. */
function recorder(options: { failAt?: number } = {}) {
  const calls: string[] = [];
  let received = 0;
  const commands: UploadCommands = {
    uploadBegin: async (request) => {
      calls.push(`begin ${request.label} ${request.totalBytes} ${request.fileCount} ${request.archive}`);
      return { uploadId: 'u1' };
    },
    uploadChunk: async (_id, path, offset, data) => {
      if (options.failAt === calls.length) throw new Error('Porthole refused those files.');
      received += atob(data).length;
      calls.push(`chunk ${path} ${offset} ${atob(data).length}`);
      return { receivedBytes: received };
    },
    uploadEnd: async () => {
      calls.push('end');
      return null;
    },
    uploadCancel: async () => {
      calls.push('cancel');
    },
  };
  return { calls, commands };
}

describe('sendUpload', () => {
  const plan = () => {
    const planned = planUpload(
      [
        { path: 'site/big.bin', size: UPLOAD_CHUNK_BYTES + 10, file: blob(UPLOAD_CHUNK_BYTES + 10) },
        { path: 'site/empty.txt', size: 0, file: blob(0) },
      ],
      { dotfiles: false },
    );
    if (!planned.ok) throw new Error(planned.message);
    return planned.plan;
  };

  it('sends each file in order, in chunks of UPLOAD_CHUNK_BYTES (an empty file as one empty chunk), then ends', async () => {
    const { calls, commands } = recorder();
    const progress: number[] = [];
    await sendUpload(plan(), commands, {
      options: {},
      settings: {},
      signal: new AbortController().signal,
      onProgress: (n) => progress.push(n),
    });
    expect(calls).toEqual([
      `begin site ${UPLOAD_CHUNK_BYTES + 10} 2 false`,
      `chunk big.bin 0 ${UPLOAD_CHUNK_BYTES}`,
      `chunk big.bin ${UPLOAD_CHUNK_BYTES} 10`,
      'chunk empty.txt 0 0',
      'end',
    ]);
    expect(progress).toEqual([UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES + 10, UPLOAD_CHUNK_BYTES + 10]);
  });

  it('Cancel stops after the chunk in flight and tells the host', async () => {
    const { calls, commands } = recorder();
    const abort = new AbortController();
    const sent = sendUpload(plan(), commands, { options: {}, settings: {}, signal: abort.signal, onProgress: () => abort.abort() });
    await expect(sent).rejects.toBeInstanceOf(UploadCancelled);
    expect(calls).toEqual([`begin site ${UPLOAD_CHUNK_BYTES + 10} 2 false`, `chunk big.bin 0 ${UPLOAD_CHUNK_BYTES}`, 'cancel']);
  });

  it('a refused chunk rejects with the host’s sentence and cancels the upload', async () => {
    const { calls, commands } = recorder({ failAt: 1 });
    const sent = sendUpload(plan(), commands, {
      options: {},
      settings: {},
      signal: new AbortController().signal,
      onProgress: () => undefined,
    });
    await expect(sent).rejects.toThrow('Porthole refused those files.');
    expect(calls.at(-1)).toBe('cancel');
  });

  it('encodes large chunks in base64 without overflowing the stack', () => {
    const bytes = new Uint8Array(UPLOAD_CHUNK_BYTES).map((_, i) => i % 256);
    expect(Buffer.from(toBase64(bytes), 'base64').equals(Buffer.from(bytes))).toBe(true);
  });
});
