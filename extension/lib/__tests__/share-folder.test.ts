/**
 * The background's shareFolder command against the real host logic (session, share manager, folder
 * shares and their static server), with only the tunnel scripted: what a file:// tab's "Share this
 * folder" does.
 */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { filePageOf, publicPageLink } from '../file-page';
import { fetchText, scriptedController, stopScriptedControllers } from './scripted-controller';
import { settle } from './scripted-host';

const setup = () => scriptedController({ now: () => 5_000_000 });

beforeEach(() => fakeBrowser.reset());
afterEach(stopScriptedControllers);

describe('sharing the folder of a file:// tab', () => {
  it('shares the folder through the host, serves its files, and links to the same page', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'porthole-file-tab-'));
    writeFileSync(join(folder, 'index.html'), '<h1>from disk</h1>');
    const page = filePageOf(`file://${folder}/index.html`)!;
    const { host, controller } = setup();
    const tracked = await controller.shareFolder(page.folder, 4);
    expect(host.requests('share-folder')).toEqual([expect.objectContaining({ path: folder })]);
    expect(tracked?.share).toMatchObject({ kind: 'folder', folder: realpathSync(folder), state: 'starting' });
    expect(tracked?.tabId).toBe(4);
    // The share's origin is the host's static server for that folder.
    expect(await fetchText(`${tracked!.share.origin}/index.html`)).toEqual({ status: 200, body: '<h1>from disk</h1>' });

    host.giveUrl(tracked!.share.id, 'https://plum-tree.trycloudflare.com');
    await settle();
    const live = controller.getState().shares[tracked!.share.id]!.share;
    expect(publicPageLink(live.url!, live.folder!, page)).toBe('https://plum-tree.trycloudflare.com/index.html');

    await controller.stop(live.id);
    await settle();
    await expect(fetchText(`${live.origin}/index.html`)).rejects.toThrow();
  });

  it("refuses the home folder with the host's sentence, and starts nothing", async () => {
    const { host, controller } = setup();
    expect(await controller.shareFolder(homedir(), 1)).toBeNull();
    expect(controller.getState().lastError?.message).toMatch(/is your home folder/);
    expect(host.shares()).toEqual([]);
  });
});
