/**
 * `npm run bench`: every performance figure, printed beside the baseline it is judged against,
 * both measured in this same run. Needs `npm run build` first (npm run bench does it).
 *
 * Baselines are chosen to be fair: start-up and memory against the very Node version inside the
 * host, relaying against nginx, and NODE_EXTRA_CA_CERTS unset for every process (Node 20 loads that
 * file eagerly, which would flatter or penalise whichever side had it).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { popupScriptSize } from '../../extension/scripts/popup-size.js';
import { CHROMIUM } from '../../extension/test/e2e/chromium-harness.js';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { HostDriver, startOrigin } from '../test/host-driver.js';
import { chromiumFirstShare } from './chromium-first-share.js';
import { filesBench, printFilesTable } from './files.js';
import { gatewayBench, printGatewayTable } from './gateway.js';
import { idleSharesCpu, idleSharesLine } from './idle-shares.js';
import { fakeAloneToUrl, firstShareTimes, shareTimes } from './share-timing.js';
import { idleMemory, startupMedians } from './startup.js';
import { median, row } from './stats.js';
import { uploadBench } from './upload.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Seconds per autocannon run; each case runs twice per target, interleaved. */
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 3);
const root = resolve(import.meta.dirname, '../..');

/**
 * What every Preact popup using webextension-polyfill ships whatever it does: the baseline the
 * popup's own weight is judged against.
 */
function librariesGzip(): number {
  const files = ['preact/dist/preact.module.js', 'preact/hooks/dist/hooks.module.js', 'webextension-polyfill/dist/browser-polyfill.min.js'];
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(root, 'node_modules', file))).length, 0);
}

async function shareToUrl(fake: string, originUrl: string): Promise<{ host: number; alone: number }> {
  const alone: number[] = [];
  const viaHost: number[] = [];
  const host = new HostDriver({
    fakeCloudflared: fake,
    stateDir: mkdtempSync(join(tmpdir(), 'porthole-bench-')),
    env: { PORTHOLE_PROBE: 'off' },
  });
  try {
    await host.request({ type: 'hello' });
    // Interleaved, so that machine noise hits both series alike.
    for (let i = 0; i < RUNS; i++) {
      alone.push(await fakeAloneToUrl(fake, originUrl));
      const { url, shareId } = await shareTimes(host, originUrl);
      viaHost.push(url);
      await host.request({ type: 'stop', shareId });
    }
  } finally {
    await host.dispose();
  }
  return { host: median(viaHost), alone: median(alone) };
}

async function main(): Promise<void> {
  delete process.env.NODE_EXTRA_CA_CERTS;
  const startup = startupMedians(RUNS);
  const popup = popupScriptSize();
  const libraries = librariesGzip();
  const fake = await buildFakeCloudflared(join(root, 'dist', 'test', 'fake-cloudflared.mjs'));
  const origin = await startOrigin();
  const second = await startOrigin();
  try {
    const share = await shareToUrl(fake, `http://localhost:${origin.port}`);
    const first = await firstShareTimes(fake, [origin.port, second.port], Math.max(5, Math.round(RUNS / 2)));
    const clicks = existsSync(CHROMIUM) ? await chromiumFirstShare(fake, Math.max(2, Math.round(RUNS / 10))) : null;
    const memory = await idleMemory(fake);
    const gatewayRows = await gatewayBench(fake, root, LOAD_SECONDS);
    const fileRows = await filesBench(fake, root, LOAD_SECONDS);
    const drop = await uploadBench(fake);

    const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
    console.log(
      `Porthole benchmarks (${RUNS} runs each, medians; benchmark on node ${process.version}, host on Node ${startup.nodeVersion}, ${process.platform}-${process.arch})\n`,
    );
    console.log('| figure | value | baseline | baseline value | ratio |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      row(
        'share request → url event (host + fake cloudflared)',
        `${share.host.toFixed(1)} ms`,
        'fake cloudflared alone, spawn → URL line',
        `${share.alone.toFixed(1)} ms`,
        share.host / share.alone,
      ),
    );
    console.log(
      row(
        'first share of a new host: request → reply (gateway listening)',
        `${first.cold.reply.toFixed(1)} ms`,
        'a later share in the same host',
        `${first.warm.reply.toFixed(1)} ms`,
        first.cold.reply / first.warm.reply,
      ),
    );
    console.log(
      row(
        'first share of a new host: request → url event',
        `${first.cold.url.toFixed(1)} ms`,
        'a later share in the same host',
        `${first.warm.url.toFixed(1)} ms`,
        first.cold.url / first.warm.url,
      ),
    );
    if (clicks !== null)
      console.log(
        row(
          'Chromium, click → link in the popup, the host closed for idleness (as most people meet it)',
          `${clicks.cold.toFixed(0)} ms`,
          'the next click, host warm',
          `${clicks.warm.toFixed(0)} ms`,
          clicks.cold / clicks.warm,
        ),
      );
    console.log(
      row(
        'host start-up (`porthole-host --version`)',
        `${startup.host.toFixed(1)} ms`,
        `\`node -e 0\`, Node ${startup.nodeVersion}`,
        `${startup.node.toFixed(1)} ms`,
        startup.host / startup.node,
      ),
    );
    console.log(
      row(
        'popup JS, gzipped (loaded at open)',
        `${(popup.gzip / 1024).toFixed(1)} KiB`,
        'Preact + hooks + webextension-polyfill alone',
        `${(libraries / 1024).toFixed(1)} KiB`,
        popup.gzip / libraries,
      ),
    );
    if (memory.host !== null && memory.node !== null) {
      console.log(
        row(
          'host idle private (anonymous) memory',
          mib(memory.host.anonymousKiB),
          `idle Node ${startup.nodeVersion}`,
          mib(memory.node.anonymousKiB),
          memory.host.anonymousKiB / memory.node.anonymousKiB,
        ),
      );
      console.log(
        row(
          'host idle RSS (mostly the mapped executable; varies with the page cache)',
          mib(memory.host.rssKiB),
          `idle Node ${startup.nodeVersion}`,
          mib(memory.node.rssKiB),
          memory.host.rssKiB / memory.node.rssKiB,
        ),
      );
    }
    console.log(
      row(
        'receive a 100 MB drop: 200 upload-chunk frames of 512 KiB, each reply awaited',
        `${drop.hostMs.toFixed(0)} ms`,
        '`cp` of the same 100 MB',
        `${drop.cpMs.toFixed(0)} ms`,
        drop.hostMs / drop.cpMs,
      ),
    );
    if (drop.hostPeakKiB !== null && drop.nodeWritePeakKiB !== null) {
      console.log(
        row(
          `host private (anonymous) memory peak while receiving it (idle: ${mib(drop.hostIdleKiB ?? undefined)})`,
          mib(drop.hostPeakKiB),
          `Node ${startup.nodeVersion} writing 100 MB in 512 KiB pieces`,
          mib(drop.nodeWritePeakKiB),
          drop.hostPeakKiB / drop.nodeWritePeakKiB,
        ),
      );
    }
    console.log(
      `\nhost overhead on share → url: ${(share.host - share.alone).toFixed(1)} ms; first share costs ${(first.cold.url - first.warm.url).toFixed(1)} ms more than a later one`,
    );
    printGatewayTable(gatewayRows, LOAD_SECONDS);
    printFilesTable(fileRows, LOAD_SECONDS);
    if (process.platform === 'linux') console.log(`\n${idleSharesLine(await idleSharesCpu(fake, 20, 6))}`);
  } finally {
    origin.server.close();
    second.server.close();
  }
}

await main();
