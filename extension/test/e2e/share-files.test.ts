import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID } from '../../../native-host/src/protocol/index';
import { fetchThroughEdge, waitForFakeState } from '../../../native-host/test/fake-cloudflared/state';
import { makeZip } from '../../../native-host/test/zip-writer';
import { ensureBuilt, isAlive, launch, POPUP_URL, type Session, waitUntil } from './chromium-harness';
import { useFakeTunnels } from './fake-tunnels';

/**
 * End to end: the Share files page in Chromium. Files picked through its input and a .zip
 * dropped on it (a DataTransfer built in the page, as a real drop hands it over) are sent through
 * the background to the real host, shared, and fetched by a visitor through the (fake) Cloudflare
 * edge with their CSS; the popup's list says what each share is; Stop deletes the host's copy.
 */
const tunnels = useFakeTunnels();
const SHARE_FILES_URL = `chrome-extension://${CHROMIUM_EXTENSION_ID}/share-files.html`;
const INDEX = '<!doctype html><link rel="stylesheet" href="site.css"><h1 id="t">Dropped site</h1>\n';
const CSS = 'h1 { color: rgb(7, 8, 9); }\n';

beforeAll(() => ensureBuilt());

describe('the Share files page in Chromium', () => {
  let session: Session;
  let fakeDir: string;
  let uploads: string;
  beforeAll(async () => {
    fakeDir = tunnels.fakeDir();
    const env = tunnels.hostEnv(fakeDir);
    uploads = join(env.PORTHOLE_STATE_DIR as string, 'uploads');
    session = await launch({ registerHost: true, env });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('picked files: planned, sent with progress, live, served with its CSS, listed, and deleted on Stop', async () => {
    const site = tunnels.temp('porthole-e2e-drop-');
    writeFileSync(join(site, 'index.html'), INDEX);
    writeFileSync(join(site, 'site.css'), CSS);
    // Three chunks' worth, so that progress has steps to show.
    writeFileSync(join(site, 'data.bin'), Buffer.alloc(1_300_000, 7));
    writeFileSync(join(site, '.env'), 'SECRET=1\n');
    const page = await session.context.newPage();
    await page.goto(SHARE_FILES_URL);
    await page.getByText('Drop a folder, some files or a .zip here').waitFor();

    // Files, not a folder: Playwright's folder upload to an extension page fails in about half of
    // fresh Chromium profiles here (the input never receives the files), while files always arrive.
    // Reading a dropped folder is covered by dropped-files.test.ts, its plan by upload-sender.test.ts.
    await page.getByLabel('Pick files').setInputFiles(['index.html', 'site.css', 'data.bin', '.env'].map((name) => join(site, name)));
    // What becomes public, before anything is sent: the files and their size; the dotfile left out.
    await page.getByText('3 files', { exact: true }).waitFor();
    await page.getByText('(1.2 MB)').waitFor();
    await page.getByText('1 starting with a dot left out').waitFor();
    await page.getByLabel('Single-page app').check();

    // Every value the progress bar shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar !== null && !seen.includes(bar.value)) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByRole('button', { name: 'Share these files' }).click();
    const link = page.getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/ });
    await link.waitFor({ timeout: 20_000 });
    const progress = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(INDEX.length + CSS.length + 1_300_000);

    const url = (await link.getAttribute('href'))!;
    const fake = await waitForFakeState(fakeDir, (state) => state.url === url && state.registered);
    expect(await fetchThroughEdge(fake, '/')).toMatchObject({ status: 200, body: INDEX });
    const css = await fetchThroughEdge(fake, '/site.css');
    expect(css).toMatchObject({ status: 200, body: CSS });
    expect(css.headers['content-type']).toBe('text/css');
    expect((await fetchThroughEdge(fake, '/.env')).status).toBe(404);
    expect((await fetchThroughEdge(fake, '/some/route')).body).toBe(INDEX);
    expect(readdirSync(uploads)).toHaveLength(1);

    // The popup's list names it by what was dropped.
    const popup = await session.context.newPage();
    await popup.goto(POPUP_URL);
    await popup.getByText('dropped files: 3 files').waitFor();
    await popup.close();

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByText(/The share stopped\. Porthole deleted its copy/).waitFor();
    await waitUntil(() => !isAlive(fake.pid), 5000, 'cloudflared stopped');
    await waitUntil(() => readdirSync(uploads).length === 0, 5000, 'the host deleted the dropped files');
  });

  it('a dropped .zip: unpacked, served from its top folder, deleted on Stop', async () => {
    const zip = makeZip([
      { name: 'site/index.html', data: INDEX, deflate: true },
      { name: 'site/css/site.css', data: CSS },
    ]);
    const page = await session.context.newPage();
    await page.goto(SHARE_FILES_URL);
    await page.evaluate(
      (bytes: number[]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'site.zip', { type: 'application/zip' }));
        document
          .querySelector('.drop-zone')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      [...zip],
    );
    await page.getByText('site.zip', { exact: true }).waitFor();
    await page.getByText(/a \.zip, unpacked by Porthole/).waitFor();
    await page.getByRole('button', { name: 'Share these files' }).click();
    const link = page.getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/ });
    await link.waitFor({ timeout: 20_000 });
    const url = (await link.getAttribute('href'))!;
    const fake = await waitForFakeState(fakeDir, (state) => state.url === url && state.registered);
    expect(await fetchThroughEdge(fake, '/')).toMatchObject({ status: 200, body: INDEX });
    expect((await fetchThroughEdge(fake, '/css/site.css')).body).toBe(CSS);
    expect(readdirSync(uploads)).toHaveLength(1);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByText(/The share stopped/).waitFor();
    await waitUntil(() => readdirSync(uploads).length === 0, 5000, 'the host deleted the unpacked files');
  });
});
