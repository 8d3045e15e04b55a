/**
 * The Share files page's path through the background: upload-sender.ts calling the controller's
 * upload commands, answered by the real host logic (session, upload registry, folder shares and their
 * static server) with only the tunnel scripted.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { planUpload } from '../upload-plan';
import { sendUpload } from '../upload-sender';
import { fetchText, scriptedController, stopScriptedControllers } from './scripted-controller';
import { settle } from './scripted-host';

const setup = () => scriptedController({ timeoutMs: 5000 });

beforeEach(() => fakeBrowser.reset());
afterEach(stopScriptedControllers);

describe('dropped files through the background', () => {
  it('a dropped folder becomes a files share, labelled, served, and its folder deleted on stop', async () => {
    const { host, controller } = setup();
    const planned = planUpload(
      [
        { path: 'dist/index.html', size: 12, file: new Blob(['<h1>hi</h1>\n']) },
        { path: 'dist/css/a.css', size: 4, file: new Blob(['p{}\n']) },
      ],
      { dotfiles: false },
    );
    if (!planned.ok) throw new Error(planned.message);
    const progress: number[] = [];
    const tracked = await sendUpload(planned.plan, controller, {
      options: {},
      settings: { password: 'long enough pw' },
      signal: new AbortController().signal,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(progress).toEqual([12, 16]);
    expect(tracked?.share).toMatchObject({ kind: 'files', label: 'dist', password: 'long enough pw', state: 'starting' });
    expect(host.requests('upload-end')).toEqual([expect.objectContaining({ settings: { password: 'long enough pw' } })]);
    expect(await fetchText(`${tracked!.share.origin}/css/a.css`)).toEqual({ status: 200, body: 'p{}\n' });
    const folder = tracked!.share.folder!;
    expect(existsSync(folder)).toBe(true);

    await controller.stop(tracked!.share.id);
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(folder)).toBe(false);
  });

  it('rejects with the host’s sentence when the host refuses', async () => {
    const { controller } = setup();
    await expect(controller.uploadChunk('no-such-upload', 'a.txt', 0, '')).rejects.toThrow(/does not know that upload/);
    await expect(controller.uploadBegin({ label: 'x', totalBytes: 2 ** 31, fileCount: 1 })).rejects.toThrow(/at most 1 GiB/);
  });
});
