/**
 * The Share files page's path through the background: upload-sender.ts calling the controller's
 * upload commands, answered by the real host logic (session, upload registry, folder shares and their
 * static server) with only the tunnel scripted.
 */
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHostClient } from '../host-client';
import { DEFAULT_PREFERENCES } from '../preferences';
import { createShareController, type ShareController } from '../share-controller';
import { planUpload } from '../upload-plan';
import { sendUpload } from '../upload-sender';
import { ScriptedHost, settle } from './scripted-host';

const controllers: ShareController[] = [];

function setup() {
  const host = new ScriptedHost();
  const client = createHostClient({ connect: host.connect, timeoutMs: 5000 });
  const controller = createShareController({
    client,
    area: fakeBrowser.storage.session,
    readPreferences: async () => ({ ...DEFAULT_PREFERENCES, copyWhenReady: false }),
    writeClipboard: async () => undefined,
    notify: async () => undefined,
  });
  controllers.push(controller);
  return { host, controller };
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

beforeEach(() => fakeBrowser.reset());
afterEach(async () => {
  for (const controller of controllers.splice(0)) {
    await controller.stopAll();
    await controller.flush();
  }
});

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
