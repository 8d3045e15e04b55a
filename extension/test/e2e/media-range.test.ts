/**
 * A visitor seeks in a long recording on a folder share (issue 13): real Chromium on the public
 * https name asks for the part it needs with a Range request and plays from there, rather than
 * downloading everything before the seek point. The recording is a two-minute WAV, which Chromium
 * seeks by byte offset and which a test can write without an encoder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { shareForBrowserVisitor } from './tls-edge.js';

const fakeCloudflared = inject('fakeCloudflared');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RATE = 44_100;
const CHANNELS = 2;
const SECONDS = 120;

/** A 16-bit PCM WAV of a quiet 440 Hz tone: about 21 MB for two minutes. */
function toneWav(): Buffer {
  const samples = RATE * SECONDS;
  const data = Buffer.alloc(samples * CHANNELS * 2);
  for (let i = 0; i < samples; i++) {
    const value = Math.round(Math.sin((2 * Math.PI * 440 * i) / RATE) * 3000);
    for (let c = 0; c < CHANNELS; c++) data.writeInt16LE(value, (i * CHANNELS + c) * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(CHANNELS, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * CHANNELS * 2, 28);
  header.writeUInt16LE(CHANNELS * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('a recording on a folder share', () => {
  it('a visitor seeks to 1:40 and Chromium fetches from there with a Range request, answered 206', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'porthole-media-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const wav = toneWav();
    writeFileSync(join(folder, 'talk.wav'), wav);
    writeFileSync(
      join(folder, 'index.html'),
      '<!doctype html><title>talk</title><video id="clip" src="talk.wav" preload="metadata" controls></video>\n',
    );

    let sent = '';
    const { publicUrl, browser } = await shareForBrowserVisitor(fakeCloudflared, { folder }, cleanups, (bytes) => {
      sent += bytes.toString('latin1');
    });
    const page = await browser.newPage();
    await page.goto(`${publicUrl}/`);
    const duration = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const clip = document.getElementById('clip') as HTMLVideoElement;
          if (clip.readyState >= 1) resolve(clip.duration);
          clip.addEventListener('loadedmetadata', () => resolve(clip.duration));
          clip.addEventListener('error', () => reject(new Error(`media error ${clip.error?.code}`)));
        }),
    );
    expect(Math.round(duration)).toBe(SECONDS);

    const at = await page.evaluate(
      () =>
        new Promise<{ time: number; readyState: number }>((resolve) => {
          const clip = document.getElementById('clip') as HTMLVideoElement;
          clip.addEventListener('seeked', () => resolve({ time: clip.currentTime, readyState: clip.readyState }), { once: true });
          clip.currentTime = 100;
        }),
    );
    expect(at.time).toBeCloseTo(100, 0);
    expect(at.readyState).toBeGreaterThanOrEqual(2); // HAVE_CURRENT_DATA: the bytes at 1:40 arrived

    // What the browser asked for: the seek started a request at the bytes for 1:40, not at 0.
    const seekOffset = 44 + 100 * RATE * CHANNELS * 2;
    const starts = [...sent.matchAll(/GET \/talk\.wav HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*?range: bytes=(\d+)-/gi)].map((m) => Number(m[1]));
    expect(starts.some((start) => start > wav.length / 2 && start <= seekOffset)).toBe(true);

    // And the share answered it with the part asked for.
    const last = Math.max(...starts);
    const partial = await page.evaluate(async (start) => {
      const response = await fetch('/talk.wav', { headers: { range: `bytes=${start}-${start + 9}` } });
      return { status: response.status, range: response.headers.get('content-range'), length: (await response.arrayBuffer()).byteLength };
    }, last);
    expect(partial).toEqual({ status: 206, range: `bytes ${last}-${last + 9}/${wav.length}`, length: 10 });
  });
});
