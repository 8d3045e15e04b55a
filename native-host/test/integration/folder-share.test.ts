/**
 * Folder shares with the built host and the fake cloudflared: the browser's `share-folder` request
 * and `porthole-host share <folder | file>`. Visitors are played through the fake edge, and the refused
 * paths are sent as raw bytes, so what the static server and the gateway do with `..`, `%2e%2e`,
 * backslashes and symlinks is what a visitor would see.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ErrorReply, OkReply } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { type FakeCloudflaredState, fetchThroughEdge, splitHostPort, waitForFakeState } from '../fake-cloudflared/state.js';
import { DOT_SECRET, type FilesFixture, INDEX_HTML, makeFilesFixture, REFUSED_PATHS, SECRET, VIDEO } from '../files-fixture.js';
import { exchange, type RawResponse } from '../gateway-harness/raw-http.js';
import { HOST_BINARY, HostDriver, isAlive, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
let router: EdgeRouter;
let fixture: FilesFixture;
/** The host's HOME: a folder that holds the shared site, so that sharing HOME or above is refused. */
let home: string;

type FolderReply = Extract<OkReply, { type: 'share-folder' }>;

function startHost(): HostDriver {
  const host = new HostDriver({ fakeCloudflared, router, env: { PORTHOLE_READY_POLL_MS: '100', HOME: home } });
  hosts.push(host);
  return host;
}

beforeAll(async () => {
  fixture = makeFilesFixture();
  home = join(fixture.base, 'home');
  mkdirSync(home);
  router = await EdgeRouter.start();
});
afterAll(() => router.close());
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
});

/** A visitor's raw request through the fake Cloudflare edge, bytes as written. */
async function rawThroughEdge(fake: FakeCloudflaredState, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const [host, port] = splitHostPort(fake.edge ?? '');
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const head = Object.entries({ Host: fake.hostname ?? '', Connection: 'close', ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const { response } = await exchange(socket, `GET ${target} HTTP/1.1\r\n${head}\r\n`);
  socket.destroy();
  if (response === null) throw new Error(`no response to ${target}`);
  return response;
}

async function liveFolderShare(
  host: HostDriver,
  path: string,
  extra: Record<string, unknown> = {},
): Promise<{ reply: FolderReply; fake: FakeCloudflaredState }> {
  const reply = await host.request<FolderReply>({ type: 'share-folder', path, ...extra });
  expect(reply.ok).toBe(true);
  const url = await host.waitForChange(reply.share.id, 'url');
  await host.waitForChange(reply.share.id, 'live');
  const fake = await waitForFakeState(host.fakeDir, (s) => s.url === url.share.url);
  return { reply, fake };
}

describe('share-folder, from the browser', () => {
  it('serves the folder through the public address: page, CSS, image, ranges, 304; says which folder', async () => {
    const host = startHost();
    const { reply, fake } = await liveFolderShare(host, fixture.site);
    expect(reply.share).toMatchObject({
      kind: 'folder',
      folder: realpathSync(fixture.site),
      origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    // Its `starting` event follows the reply, as for any share.
    expect(host.messages.some((m) => 'change' in m && m.change === 'starting' && m.share.id === reply.share.id)).toBe(true);

    const page = await fetchThroughEdge(fake, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    expect((await fetchThroughEdge(fake, '/style.css')).headers['content-type']).toBe('text/css');
    expect((await fetchThroughEdge(fake, '/img/logo.png')).headers['content-type']).toBe('image/png');
    const range = await rawThroughEdge(fake, '/video.mp4', { Range: 'bytes=150000-150099' });
    expect(range.status).toBe(206);
    expect(Buffer.from(range.body, 'latin1')).toEqual(VIDEO.subarray(150000, 150100));
    const etag = String((await fetchThroughEdge(fake, '/app.js')).headers.etag);
    expect((await fetchThroughEdge(fake, '/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  describe('one share, every refused path', () => {
    let fake: FakeCloudflaredState;
    let host: HostDriver;
    beforeAll(async () => {
      // Not in `hosts`: it outlives each test of this block.
      host = new HostDriver({ fakeCloudflared, router, env: { PORTHOLE_READY_POLL_MS: '100', HOME: home } });
      fake = (await liveFolderShare(host, fixture.site)).fake;
    });
    afterAll(() => host.dispose());
    it.each(REFUSED_PATHS)('a visitor asking for %s gets 404, never the file', async (target) => {
      const response = await rawThroughEdge(fake, target);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain(SECRET);
      expect(response.body).not.toContain(DOT_SECRET);
    });
  });

  it('applies the share password to folder shares too', async () => {
    const host = startHost();
    const { fake } = await liveFolderShare(host, fixture.site, { settings: { password: 'correct horse battery' } });
    expect((await fetchThroughEdge(fake, '/style.css')).status).toBe(401);
    const auth = `Basic ${Buffer.from('any:correct horse battery').toString('base64')}`;
    expect((await fetchThroughEdge(fake, '/style.css', { headers: { authorization: auth } })).status).toBe(200);
  });

  it('returns the running share for the same folder, and closes the static server on stop', async () => {
    const host = startHost();
    const { reply } = await liveFolderShare(host, fixture.site);
    const again = await host.request<FolderReply>({ type: 'share-folder', path: join(fixture.site, 'sub', '..') });
    expect(again).toMatchObject({ ok: true, existing: true, share: { id: reply.share.id } });
    const port = Number(new URL(reply.share.origin).port);
    await host.request({ type: 'stop', shareId: reply.share.id });
    await waitUntil(
      () =>
        new Promise<boolean>((resolve) =>
          connect(port, '127.0.0.1')
            .once('connect', function (this: ReturnType<typeof connect>) {
              this.destroy();
              resolve(false);
            })
            .once('error', () => resolve(true)),
        ),
      5000,
      'the static server is closed',
    );
  });

  it.each([
    ['site/index.html', 'folder-refused', /is a file, not a folder/],
    ['nowhere', 'folder-refused', /There is no folder at/],
    ['home', 'folder-refused', /is your home folder/],
    ['.', 'folder-refused', /holds your home folder/],
    ['/', 'folder-refused', /whole file system/],
    ['relative/path', 'bad-request', /absolute path/],
  ])('refuses %s with %s', async (path, code, message) => {
    const host = startHost();
    const absolute = path === '/' ? '/' : path.startsWith('relative') ? path : join(fixture.base, path);
    const reply = (await host.request({ type: 'share-folder', path: absolute })) as ErrorReply;
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe(code);
    expect(reply.error.message).toMatch(message);
    expect(host.messages.some((m) => 'change' in m)).toBe(false);
  });
});

describe('porthole-host share <folder | file>, in a terminal', () => {
  function runCli(args: string[]) {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-cli-'));
    const fakeDir = join(stateDir, 'fake');
    const cli = spawn(HOST_BINARY, ['share', ...args], {
      cwd: fixture.base,
      env: {
        ...process.env,
        HOME: home,
        PORTHOLE_CLOUDFLARED: fakeCloudflared,
        PORTHOLE_STATE_DIR: stateDir,
        FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
        FAKE_CLOUDFLARED_MODE: 'ok',
        ...router.probeEnv,
      },
    });
    router.watch(fakeDir);
    const output = { stdout: '', stderr: '' };
    cli.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
    return { cli, output, exited, fakeDir };
  }

  it('share ./site serves the folder; Range works and a traversal gets 404', async () => {
    const { cli, output, exited, fakeDir } = runCli(['./site']);
    await waitUntil(() => output.stderr.includes('✓ live'), 10_000, 'the CLI says live');
    expect(output.stdout).toMatch(/^https:\/\/[a-z-]+\.trycloudflare\.com\n$/);
    expect(output.stderr).toContain(`serving the folder ${join(fixture.base, 'site')}`);
    const fake = await waitForFakeState(fakeDir, () => true);
    expect((await fetchThroughEdge(fake, '/')).body).toBe(INDEX_HTML);
    const range = await rawThroughEdge(fake, '/video.mp4', { Range: 'bytes=10-19' });
    expect(range.status).toBe(206);
    expect(Buffer.from(range.body, 'latin1')).toEqual(VIDEO.subarray(10, 20));
    const traversal = await rawThroughEdge(fake, '/%2e%2e/outside/secret.txt');
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain(SECRET);
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(isAlive(fake.pid)).toBe(false);
  });

  it('share site/docs/page.html prints the link to the file', async () => {
    const { cli, output, exited, fakeDir } = runCli(['site/docs/page.html']);
    await waitUntil(() => output.stderr.includes('✓ live'), 10_000, 'the CLI says live');
    expect(output.stdout).toMatch(/^https:\/\/[a-z-]+\.trycloudflare\.com\/page\.html\n$/);
    const fake = await waitForFakeState(fakeDir, () => true);
    expect((await fetchThroughEdge(fake, new URL(output.stdout.trim()).pathname)).body).toBe('<p>docs page</p>\n');
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses the home folder, and a path that does not exist, before starting anything', async () => {
    const missing = runCli(['./no-such-folder']);
    expect(await missing.exited).toBe(2);
    expect(missing.output.stderr).toMatch(/There is no file or folder at \.\/no-such-folder/);
    const whole = runCli(['.']);
    expect(await whole.exited).toBe(1);
    expect(whole.output.stderr).toMatch(/holds your home folder/);
    expect(whole.output.stdout).toBe('');
  });
});
