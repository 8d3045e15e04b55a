/** How long a share takes, as the popup waits for it: request → `url` event. */
import { spawn } from 'node:child_process';
import type { OkReply } from '../src/protocol/index.js';
import { HostDriver } from '../test/host-driver.js';
import { elapsedMs, median, sleep } from './stats.js';

/** Between the popup opening and the click on Share: far less than any person takes. */
const HUMAN_PAUSE_MS = 300;

type ShareReply = Extract<OkReply, { type: 'share' }>;

/** Baseline: the fake cloudflared alone, from spawn to the line that carries the URL. */
export async function fakeAloneToUrl(fake: string, originUrl: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(fake, ['tunnel', '--no-autoupdate', '--url', originUrl], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FAKE_CLOUDFLARED_MODE: 'ok' },
  });
  const elapsed = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/\|\s+https:\/\/\S+\.trycloudflare\.com\s+\|/.test(seen)) resolve(elapsedMs(started));
    });
    child.on('exit', () => reject(new Error(`fake exited before printing a URL:\n${seen}`)));
  });
  child.kill('SIGKILL');
  return elapsed;
}

/** From writing the share request to the reply (gateway listening) and to the `url` event. */
export async function shareTimes(host: HostDriver, originUrl: string): Promise<{ reply: number; url: number; shareId: string }> {
  const started = process.hrtime.bigint();
  const answer = await host.request<ShareReply>({ type: 'share', origin: originUrl });
  const reply = elapsedMs(started);
  await host.waitForChange(answer.share.id, 'url');
  return { reply, url: elapsedMs(started), shareId: answer.share.id };
}

export interface FirstShare {
  cold: { reply: number; url: number };
  warm: { reply: number; url: number };
}

/**
 * The first share of a host that has just said hello (what a user meets: the background closes an
 * idle host after a minute) against a later share in the same host. Each run starts a new host.
 */
export async function firstShareTimes(fake: string, originPorts: [number, number], runs: number): Promise<FirstShare> {
  const cold: { reply: number; url: number }[] = [];
  const warm: { reply: number; url: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const host = new HostDriver({ fakeCloudflared: fake, env: { PORTHOLE_PROBE: 'off' } });
    try {
      await host.request({ type: 'hello' });
      // A person clicks Share some time after the popup (and its hello) opened; both series wait alike.
      await sleep(HUMAN_PAUSE_MS);
      cold.push(await shareTimes(host, `http://localhost:${originPorts[0]}`));
      await sleep(HUMAN_PAUSE_MS);
      warm.push(await shareTimes(host, `http://localhost:${originPorts[1]}`));
    } finally {
      await host.dispose();
    }
  }
  const pick = (list: { reply: number; url: number }[]) => ({
    reply: median(list.map((t) => t.reply)),
    url: median(list.map((t) => t.url)),
  });
  return { cold: pick(cold), warm: pick(warm) };
}
