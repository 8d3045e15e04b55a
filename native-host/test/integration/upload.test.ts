/**
 * Dropped files with the built host over real native messaging frames and the fake cloudflared: a
 * folder's files and a .zip become a share whose pages visitors fetch through the fake edge; its
 * private folder is gone once the share stops, the upload is cancelled or refused, or the host ends.
 * Hostile input (zip-slip, a zip bomb, chunks out of order) is refused with `upload-refused` and
 * nothing is written outside the upload's folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ErrorReply, type OkReply, UPLOAD_CHUNK_BYTES } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { type FakeCloudflaredState, fetchThroughEdge, splitHostPort, waitForFakeState } from '../fake-cloudflared/state.js';
import { exchange, type RawResponse } from '../gateway-harness/raw-http.js';
import { HostDriver, waitUntil } from '../host-driver.js';
import { makeZip } from '../zip-writer.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
let router: EdgeRouter;

type Reply<T extends OkReply['type']> = Extract<OkReply, { type: T }>;

function startHost(stateDir?: string): HostDriver {
  const host = new HostDriver({ fakeCloudflared, router, stateDir, env: { PORTHOLE_READY_POLL_MS: '100' } });
  hosts.push(host);
  return host;
}

beforeAll(async () => {
  router = await EdgeRouter.start();
});
afterAll(() => router.close());
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
});

const uploadsOf = (host: HostDriver) => join(host.stateDir, 'uploads');
const leftIn = (host: HostDriver) => (existsSync(uploadsOf(host)) ? readdirSync(uploadsOf(host)) : []);

const SITE: { path: string; data: Buffer }[] = [
  { path: 'index.html', data: Buffer.from('<!doctype html><link rel="stylesheet" href="css/site.css"><h1>Dropped</h1>\n') },
  { path: 'css/site.css', data: Buffer.from('h1 { color: rgb(4, 5, 6); }\n') },
  // Over one chunk, so that a file arrives in pieces.
  { path: 'media/big.bin', data: Buffer.from(Array.from({ length: UPLOAD_CHUNK_BYTES * 2 + 1234 }, (_, i) => i % 251)) },
];

async function begin(host: HostDriver, label: string, files: { data: Buffer }[], archive = false): Promise<string> {
  const reply = await host.request<Reply<'upload-begin'>>({
    type: 'upload-begin',
    label,
    totalBytes: files.reduce((sum, file) => sum + file.data.length, 0),
    fileCount: files.length,
    archive,
  });
  expect(reply).toMatchObject({ ok: true, type: 'upload-begin' });
  return reply.uploadId;
}

/** Sends each file in UPLOAD_CHUNK_BYTES pieces, one reply awaited at a time, as the extension does. */
async function sendFiles(host: HostDriver, uploadId: string, files: { path: string; data: Buffer }[]): Promise<number[]> {
  const progress: number[] = [];
  for (const file of files) {
    for (let offset = 0; offset === 0 || offset < file.data.length; offset += UPLOAD_CHUNK_BYTES) {
      const data = file.data.subarray(offset, offset + UPLOAD_CHUNK_BYTES).toString('base64');
      const reply = await host.request<Reply<'upload-chunk'>>({ type: 'upload-chunk', uploadId, path: file.path, offset, data });
      expect(reply).toMatchObject({ ok: true, type: 'upload-chunk' });
      progress.push(reply.receivedBytes);
    }
  }
  return progress;
}

async function liveUpload(host: HostDriver, label: string, files: { path: string; data: Buffer }[], extra: Record<string, unknown> = {}) {
  const uploadId = await begin(host, label, files, extra.archive === true);
  const progress = await sendFiles(host, uploadId, files);
  const { archive: _archive, ...endFields } = extra;
  const reply = await host.request<Reply<'upload-end'>>({ type: 'upload-end', uploadId, ...endFields });
  expect(reply).toMatchObject({ ok: true, type: 'upload-end', existing: false });
  const url = await host.waitForChange(reply.share.id, 'url');
  await host.waitForChange(reply.share.id, 'live');
  const fake = await waitForFakeState(host.fakeDir, (s) => s.url === url.share.url);
  return { reply, fake, progress };
}

describe('dropped files become a share', () => {
  it('a folder of files: served through the public address, labelled, then deleted from disk on stop', async () => {
    const host = startHost();
    const hello = await host.request<Reply<'hello'>>({ type: 'hello' });
    expect(hello.features).toContain('upload');
    const { reply, fake, progress } = await liveUpload(host, 'dist', SITE);
    expect(progress.at(-1)).toBe(SITE.reduce((sum, file) => sum + file.data.length, 0));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(reply.share).toMatchObject({ kind: 'files', label: 'dist', origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(reply.share.folder).toContain(uploadsOf(host));
    // The `starting` event follows the reply, as for any new share.
    expect(host.messages.some((m) => 'change' in m && m.change === 'starting' && m.share.id === reply.share.id)).toBe(true);

    const page = await fetchThroughEdge(fake, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(SITE[0]?.data.toString());
    const css = await fetchThroughEdge(fake, '/css/site.css');
    expect(css.headers['content-type']).toBe('text/css');
    expect(css.body).toContain('rgb(4, 5, 6)');
    const big = await fetchThroughEdge(fake, '/media/big.bin');
    expect(Number(big.headers['content-length'])).toBe(SITE[2]?.data.length);

    expect(leftIn(host)).toHaveLength(1);
    await host.request({ type: 'stop', shareId: reply.share.id });
    await waitUntil(() => leftIn(host).length === 0, 5000, 'the upload folder is deleted after stop');
  });

  it('a .zip of a site folder: unpacked, served from its top folder with the folder options, deleted when the share expires', async () => {
    const host = startHost();
    const zip = makeZip([
      { name: 'site/index.html', data: '<h1>zipped site</h1>', deflate: true },
      { name: 'site/app/', mode: 0o040755 },
      { name: 'site/app/app.js', data: 'console.log(1)' },
    ]);
    const { reply, fake } = await liveUpload(host, 'site.zip', [{ path: 'site.zip', data: zip }], {
      archive: true,
      options: { spa: true },
      settings: { expiresInMinutes: 0.05 },
    });
    expect(reply.share).toMatchObject({ kind: 'files', label: 'site.zip' });
    expect((await fetchThroughEdge(fake, '/')).body).toBe('<h1>zipped site</h1>');
    expect((await fetchThroughEdge(fake, '/app/app.js')).body).toBe('console.log(1)');
    // spa: an unknown route gets index.html.
    expect((await fetchThroughEdge(fake, '/dashboard/settings')).body).toBe('<h1>zipped site</h1>');
    await host.waitForChange(reply.share.id, 'stopped', 10_000);
    await waitUntil(() => leftIn(host).length === 0, 5000, 'the upload folder is deleted after expiry');
  });

  it('a share that fails (cloudflared cannot reach the edge) deletes its folder too', async () => {
    const host = new HostDriver({ fakeCloudflared, mode: 'edge-unreachable' });
    hosts.push(host);
    const uploadId = await begin(host, 'dist', SITE.slice(0, 2));
    await sendFiles(host, uploadId, SITE.slice(0, 2));
    const reply = await host.request<Reply<'upload-end'>>({ type: 'upload-end', uploadId });
    expect(reply.ok).toBe(true);
    await host.waitForChange(reply.share.id, 'failed', 20_000);
    await waitUntil(() => leftIn(host).length === 0, 5000, 'the upload folder is deleted after the failure');
  });

  it('applies the share password to dropped files too', async () => {
    const host = startHost();
    const { fake } = await liveUpload(host, '1 file', [SITE[0] as { path: string; data: Buffer }], {
      settings: { password: 'correct horse battery' },
    });
    expect((await fetchThroughEdge(fake, '/')).status).toBe(401);
    const auth = `Basic ${Buffer.from('any:correct horse battery').toString('base64')}`;
    expect((await fetchThroughEdge(fake, '/', { headers: { authorization: auth } })).status).toBe(200);
  });
});

/** A visitor's raw request through the fake Cloudflare edge, bytes as written. */
async function rawThroughEdge(fake: FakeCloudflaredState, target: string): Promise<RawResponse> {
  const [host, port] = splitHostPort(fake.edge ?? '');
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const { response } = await exchange(socket, `GET ${target} HTTP/1.1\r\nHost: ${fake.hostname ?? ''}\r\nConnection: close\r\n\r\n`);
  socket.destroy();
  if (response === null) throw new Error(`no response to ${target}`);
  return response;
}

describe('a visitor of dropped files', () => {
  it('never reaches another upload beside them, nor the upload folder above the served one', async () => {
    const host = startHost();
    const secret = 'OTHER-UPLOAD-SECRET';
    // A second upload, in progress, beside the shared one.
    const other = await begin(host, 'other', [{ data: Buffer.from(secret) }]);
    await host.request({
      type: 'upload-chunk',
      uploadId: other,
      path: 'secret.txt',
      offset: 0,
      data: Buffer.from(secret).toString('base64'),
    });
    const zip = makeZip([{ name: 'site/index.html', data: '<p>site</p>' }]);
    const { fake } = await liveUpload(host, 'site.zip', [{ path: 'site.zip', data: zip }], { archive: true });
    const [otherFolder] = leftIn(host).filter((name) => existsSync(join(uploadsOf(host), name, 'files', 'secret.txt')));
    expect(otherFolder).toBeDefined();
    for (const target of [
      '/../secret.txt',
      `/%2e%2e/%2e%2e/%2e%2e/${otherFolder}/files/secret.txt`,
      `/..%2f..%2f..%2f${otherFolder}%2ffiles%2fsecret.txt`,
      '/%2e%2e/',
      '/..\\..\\secret.txt',
    ]) {
      const response = await rawThroughEdge(fake, target);
      expect([400, 404]).toContain(response.status);
      expect(response.body).not.toContain(secret);
    }
    expect((await rawThroughEdge(fake, '/')).body).toBe('<p>site</p>');
  });
});

describe('refused uploads leave nothing behind', () => {
  async function refusedEnd(host: HostDriver, zip: Buffer): Promise<ErrorReply> {
    const uploadId = await begin(host, 'evil.zip', [{ data: zip }], true);
    await sendFiles(host, uploadId, [{ path: 'evil.zip', data: zip }]);
    return host.request<ErrorReply>({ type: 'upload-end', uploadId }) as Promise<ErrorReply>;
  }

  it('a zip-slip archive', async () => {
    const host = startHost();
    const reply = await refusedEnd(
      host,
      makeZip([
        { name: 'index.html', data: 'ok' },
        { name: '../../escaped.txt', data: 'owned' },
      ]),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'upload-refused', message: expect.stringMatching(/points outside it/) } });
    expect(leftIn(host)).toEqual([]);
    expect(readdirSync(host.stateDir)).not.toContain('escaped.txt');
    expect(existsSync(join(host.stateDir, '..', 'escaped.txt'))).toBe(false);
    expect(host.messages.some((m) => 'change' in m)).toBe(false);
  });

  it('a zip bomb that declares 100 bytes and inflates to 256 MiB', async () => {
    const host = startHost();
    const bomb = makeZip([{ name: 'bomb.bin', data: Buffer.alloc(256 * 1024 * 1024), deflate: true, declaredSize: 100 }]);
    // Deflate packs zeros about 1000:1: a quarter of a megabyte on the wire.
    expect(bomb.length).toBeLessThan(400_000);
    const reply = await refusedEnd(host, bomb);
    expect(reply).toMatchObject({ ok: false, error: { code: 'upload-refused', message: expect.stringMatching(/zip bomb/) } });
    expect(leftIn(host)).toEqual([]);
  });

  it('a chunk out of order, and every request for that upload after it', async () => {
    const host = startHost();
    const uploadId = await begin(host, 'x', [{ data: Buffer.alloc(10) }]);
    await host.request({ type: 'upload-chunk', uploadId, path: 'a.txt', offset: 0, data: Buffer.alloc(4).toString('base64') });
    const skipped = await host.request<ErrorReply>({ type: 'upload-chunk', uploadId, path: 'a.txt', offset: 8, data: 'AAAA' });
    expect(skipped).toMatchObject({ ok: false, error: { code: 'upload-refused', message: expect.stringMatching(/out of order/) } });
    expect(leftIn(host)).toEqual([]);
    const after = await host.request<ErrorReply>({ type: 'upload-end', uploadId });
    expect(after.error).toMatchObject({ code: 'upload-refused', message: expect.stringMatching(/does not know that upload/) });
  });

  it('a path outside the upload', async () => {
    const host = startHost();
    const uploadId = await begin(host, 'x', [{ data: Buffer.alloc(3) }]);
    const reply = await host.request<ErrorReply>({ type: 'upload-chunk', uploadId, path: '../../x.txt', offset: 0, data: 'AAAA' });
    expect(reply.error.code).toBe('upload-refused');
    expect(existsSync(join(host.stateDir, 'x.txt'))).toBe(false);
  });

  it('upload-cancel deletes the folder at once', async () => {
    const host = startHost();
    const uploadId = await begin(host, 'x', SITE);
    await host.request({ type: 'upload-chunk', uploadId, path: 'index.html', offset: 0, data: SITE[0]?.data.toString('base64') });
    expect(leftIn(host)).toHaveLength(1);
    expect(await host.request({ type: 'upload-cancel', uploadId })).toMatchObject({ ok: true, type: 'upload-cancel', uploadId });
    expect(leftIn(host)).toEqual([]);
  });

  it('an upload left idle is dropped with its folder', async () => {
    const host = new HostDriver({ fakeCloudflared, router, env: { PORTHOLE_UPLOAD_IDLE_MS: '300' } });
    hosts.push(host);
    await begin(host, 'x', SITE);
    expect(leftIn(host)).toHaveLength(1);
    await waitUntil(() => leftIn(host).length === 0, 5000, 'the idle upload is dropped');
  });
});

describe('the host ends: nothing is left', () => {
  it('SIGTERM in the middle of an upload, with a files share live', async () => {
    const host = startHost();
    await liveUpload(host, 'dist', SITE.slice(0, 2));
    const uploadId = await begin(host, 'half', SITE);
    await host.request({ type: 'upload-chunk', uploadId, path: 'index.html', offset: 0, data: SITE[0]?.data.toString('base64') });
    expect(leftIn(host)).toHaveLength(2);
    host.kill('SIGTERM');
    expect((await host.exited).code).toBe(0);
    expect(leftIn(host)).toEqual([]);
  });

  it('the browser closes the port', async () => {
    const host = startHost();
    await liveUpload(host, 'dist', SITE.slice(0, 2));
    host.closeStdin();
    await host.exited;
    expect(leftIn(host)).toEqual([]);
  });

  it('a host killed outright: the next host deletes what it left', async () => {
    const first = startHost();
    const uploadId = await begin(first, 'half', SITE);
    await first.request({ type: 'upload-chunk', uploadId, path: 'index.html', offset: 0, data: SITE[0]?.data.toString('base64') });
    first.kill('SIGKILL');
    await first.exited;
    expect(leftIn(first)).toHaveLength(1);
    const second = startHost(first.stateDir);
    await second.request({ type: 'hello' });
    expect(leftIn(second)).toEqual([]);
  });
});
