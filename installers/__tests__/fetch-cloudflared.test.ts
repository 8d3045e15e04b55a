/**
 * The cloudflared fetcher against a local HTTP server standing in for the release download
 * (PORTHOLE_CLOUDFLARED_BASE_URL), since these machines cannot reach GitHub.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchCloudflared } from '../cloudflared/fetch-cloudflared.js';
import {
  CLOUDFLARED_RELEASE,
  type CloudflaredAsset,
  type CloudflaredRelease,
  cloudflaredAssetUrl,
  DEFAULT_CLOUDFLARED_BASE_URL,
} from '../cloudflared/release.js';
import { findTarget, TARGETS, type TargetId } from '../targets.js';
import { makeTgz } from './helpers/tgz.js';

const VERSION = '2099.1.0';
const linuxBinary = Buffer.from('#!/bin/sh\necho cloudflared version 2099.1.0\n');
const macBinary = Buffer.from('a Mach-O cloudflared');
const macArchive = makeTgz([{ name: 'cloudflared', data: macBinary }]);
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The same cloudflared packed again with another file beside it: same binary, another archive. */
const repackedArchive = makeTgz([
  { name: 'cloudflared', data: macBinary },
  { name: 'README', data: Buffer.from('repacked') },
]);
/** An archive with another program under the expected name. */
const tamperedArchive = makeTgz([{ name: 'cloudflared', data: Buffer.from('not cloudflared') }]);

const files: Record<string, Buffer> = {
  [`/${VERSION}/cloudflared-linux-amd64`]: linuxBinary,
  [`/${VERSION}/cloudflared-darwin-arm64.tgz`]: macArchive,
  [`/${VERSION}/cloudflared-darwin-amd64.tgz`]: repackedArchive,
  [`/${VERSION}/tampered.tgz`]: tamperedArchive,
  [`/${VERSION}/cloudflared-windows-amd64.exe`]: Buffer.from('MZ cloudflared'),
};

function releaseWith(overrides: Partial<Record<TargetId, CloudflaredAsset>>): CloudflaredRelease {
  const assets = { ...CLOUDFLARED_RELEASE.assets, ...overrides };
  return { version: VERSION, assets };
}

const pinned = releaseWith({
  'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: sha256(linuxBinary) },
  'darwin-arm64': {
    file: 'cloudflared-darwin-arm64.tgz',
    archive: 'tgz',
    entry: 'cloudflared',
    sha256: sha256(macArchive),
    binarySha256: sha256(macBinary),
  },
});

let server: Server;
let baseUrl: string;
/** A loopback address where nothing listens: connections to it are refused at once. */
let deadUrl: string;
let requests: string[];

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === `/${VERSION}/hang`) return; // accepts, then never answers
    const body = files[request.url ?? ''];
    if (body === undefined) return void response.writeHead(404).end('Not Found');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let work: string;
let destDir: string;
let cacheDir: string;
beforeEach(() => {
  requests = [];
  work = mkdtempSync(join(tmpdir(), 'porthole-cloudflared-'));
  destDir = join(work, 'host');
  cacheDir = join(work, 'cache');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  return { PORTHOLE_CLOUDFLARED_BASE_URL: baseUrl };
}

describe('fetchCloudflared', () => {
  it('places a download whose checksum matches beside the host, executable', async () => {
    const placed = await fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: pinned, env: env(), cacheDir });
    expect(placed).toBe(join(destDir, 'cloudflared'));
    expect(readFileSync(placed).equals(linuxBinary)).toBe(true);
    expect(statSync(placed).mode & 0o111).toBe(0o111);
    expect(requests).toEqual([`/${VERSION}/cloudflared-linux-amd64`]);
  });

  it('does not download again what is cached and verified', async () => {
    await fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: pinned, env: env(), cacheDir });
    rmSync(destDir, { recursive: true });
    await fetchCloudflared({
      target: findTarget('linux-x64'),
      destDir,
      release: pinned,
      env: { PORTHOLE_CLOUDFLARED_BASE_URL: deadUrl },
      cacheDir,
    });
    expect(requests).toHaveLength(1);
    expect(existsSync(join(destDir, 'cloudflared'))).toBe(true);
  });

  it('refuses a download whose checksum does not match, and places nothing', async () => {
    const wrong = releaseWith({
      'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: sha256(Buffer.from('another build')) },
    });
    await expect(
      fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: wrong, env: env(), cacheDir }),
    ).rejects.toMatchObject({
      code: 'cloudflared-checksum-mismatch',
      message: expect.stringMatching(
        new RegExp(`has SHA-256 ${sha256(linuxBinary)}, not the ${sha256(Buffer.from('another build'))} pinned .*refusing to bundle it`),
      ),
    });
    expect(existsSync(join(destDir, 'cloudflared'))).toBe(false);
    expect(readdirSync(join(cacheDir, VERSION))).toEqual([]);
  });

  it('fails fast with a clear message when the server cannot be reached', async () => {
    const started = performance.now();
    const failure = fetchCloudflared({
      target: findTarget('linux-x64'),
      destDir,
      release: pinned,
      env: { PORTHOLE_CLOUDFLARED_BASE_URL: deadUrl },
      cacheDir,
    });
    await expect(failure).rejects.toMatchObject({ code: 'cloudflared-download-failed' });
    const message = (await failure.catch((error: Error) => error)) as Error;
    expect(message.message).toContain(
      `Could not download cloudflared from ${deadUrl}/${VERSION}/cloudflared-linux-amd64 (connect ECONNREFUSED`,
    );
    expect(message.message).toContain('needs internet access');
    expect(message.message).toContain('PORTHOLE_CLOUDFLARED');
    expect(message.message).toContain('install cloudflared');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(existsSync(join(destDir, 'cloudflared'))).toBe(false);
  });

  it('gives up on a server that accepts but never answers', async () => {
    const stalled = releaseWith({ 'linux-x64': { file: 'hang', archive: 'raw', sha256: sha256(linuxBinary) } });
    await expect(
      fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: stalled, env: env(), cacheDir, stallTimeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'cloudflared-download-failed', message: expect.stringContaining('no data for 300 ms') });
  });

  it('reports an HTTP error status', async () => {
    const missing = releaseWith({ 'linux-x64': { file: 'cloudflared-linux-sparc', archive: 'raw', sha256: sha256(linuxBinary) } });
    await expect(
      fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: missing, env: env(), cacheDir }),
    ).rejects.toMatchObject({
      code: 'cloudflared-download-failed',
      message: expect.stringContaining('HTTP 404'),
    });
  });

  it('extracts cloudflared from a .tgz release file (macOS)', async () => {
    const placed = await fetchCloudflared({ target: findTarget('darwin-arm64'), destDir, release: pinned, env: env(), cacheDir });
    expect(placed).toBe(join(destDir, 'cloudflared'));
    expect(readFileSync(placed).equals(macBinary)).toBe(true);
    expect(statSync(placed).mode & 0o111).toBe(0o111);
  });

  it('refuses an archive whose digest matches but whose cloudflared inside does not, and places nothing', async () => {
    const release = releaseWith({
      'darwin-arm64': {
        file: 'tampered.tgz',
        archive: 'tgz',
        entry: 'cloudflared',
        sha256: sha256(tamperedArchive),
        binarySha256: sha256(macBinary),
      },
    });
    await expect(fetchCloudflared({ target: findTarget('darwin-arm64'), destDir, release, env: env(), cacheDir })).rejects.toMatchObject({
      code: 'cloudflared-checksum-mismatch',
      message: `cloudflared inside tampered.tgz has SHA-256 ${sha256(Buffer.from('not cloudflared'))}, not the ${sha256(macBinary)} pinned as binarySha256 in installers/cloudflared/release.ts; refusing to bundle it.`,
    });
    expect(readdirSync(destDir)).toEqual([]);
  });

  it('refuses an archive whose cloudflared inside matches but whose own digest does not, and places nothing', async () => {
    const release = releaseWith({
      'darwin-x64': {
        file: 'cloudflared-darwin-amd64.tgz',
        archive: 'tgz',
        entry: 'cloudflared',
        sha256: sha256(macArchive),
        binarySha256: sha256(macBinary),
      },
    });
    await expect(fetchCloudflared({ target: findTarget('darwin-x64'), destDir, release, env: env(), cacheDir })).rejects.toMatchObject({
      code: 'cloudflared-checksum-mismatch',
      message: expect.stringContaining(`has SHA-256 ${sha256(repackedArchive)}, not the ${sha256(macArchive)} pinned`),
    });
    expect(existsSync(join(destDir, 'cloudflared'))).toBe(false);
    expect(readdirSync(join(cacheDir, VERSION))).toEqual([]);
  });

  it('never downloads an archive whose binary digest is not pinned', async () => {
    const release = releaseWith({
      'darwin-arm64': {
        file: 'cloudflared-darwin-arm64.tgz',
        archive: 'tgz',
        entry: 'cloudflared',
        sha256: sha256(macArchive),
        binarySha256: null,
      },
    });
    await expect(fetchCloudflared({ target: findTarget('darwin-arm64'), destDir, release, env: env(), cacheDir })).rejects.toMatchObject({
      code: 'cloudflared-unpinned',
      message: expect.stringContaining('no pinned binarySha256 (the SHA-256 of cloudflared inside cloudflared-darwin-arm64.tgz)'),
    });
    expect(requests).toEqual([]);
  });

  it('names the file cloudflared.exe for Windows targets', async () => {
    const exe = Buffer.from('MZ cloudflared');
    const windows = releaseWith({ 'win-x64': { file: 'cloudflared-windows-amd64.exe', archive: 'raw', sha256: sha256(exe) } });
    await expect(fetchCloudflared({ target: findTarget('win-x64'), destDir, release: windows, env: env(), cacheDir })).resolves.toBe(
      join(destDir, 'cloudflared.exe'),
    );
  });

  it('never downloads an asset without a pinned SHA-256', async () => {
    const unpinned = releaseWith({ 'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: null } });
    await expect(
      fetchCloudflared({ target: findTarget('linux-x64'), destDir, release: unpinned, env: env(), cacheDir }),
    ).rejects.toMatchObject({
      code: 'cloudflared-unpinned',
      message: expect.stringContaining("copy it from the release's published checksums"),
    });
    expect(requests).toEqual([]);
  });
});

describe('the pinned cloudflared release', () => {
  it('pins both digests of each macOS archive: the .tgz as downloaded and the cloudflared inside (issue 12)', () => {
    expect(CLOUDFLARED_RELEASE.assets['darwin-arm64']).toMatchObject({
      file: 'cloudflared-darwin-arm64.tgz',
      sha256: '587c2cfb1c230fe36c7fa7727da78be459dae028cabe8c001291999350f07095',
      binarySha256: '5472c1a01c84bc31b3021056a73b4e5774ddddefc572124ea8fdf6c340639f32',
    });
    expect(CLOUDFLARED_RELEASE.assets['darwin-x64']).toMatchObject({
      file: 'cloudflared-darwin-amd64.tgz',
      sha256: 'd1155d0837487f261183b15c1eab6c4ebcad9dc49b94675f1524c3564cea3977',
      binarySha256: 'ab588b3b4db9cdb4476c30a3db2a72635b1d8327d44741fee6799a0f37b0ec07',
    });
  });

  it('has a file for every target, downloaded from GitHub unless PORTHOLE_CLOUDFLARED_BASE_URL says otherwise', () => {
    for (const target of TARGETS) {
      const asset = CLOUDFLARED_RELEASE.assets[target.id];
      expect(asset.file).toMatch(/^cloudflared-(linux|darwin|windows)-(amd64|arm64)(\.tgz|\.exe)?$/);
      expect(asset.archive === 'tgz').toBe(target.platform === 'darwin');
      expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/);
      if (asset.archive === 'tgz') {
        expect(asset.binarySha256).toMatch(/^[0-9a-f]{64}$/);
        expect(asset.binarySha256).not.toBe(asset.sha256);
      }
    }
    const asset = CLOUDFLARED_RELEASE.assets['linux-x64'];
    expect(cloudflaredAssetUrl(CLOUDFLARED_RELEASE, asset, {})).toBe(
      `${DEFAULT_CLOUDFLARED_BASE_URL}/${CLOUDFLARED_RELEASE.version}/cloudflared-linux-amd64`,
    );
    expect(cloudflaredAssetUrl(CLOUDFLARED_RELEASE, asset, { PORTHOLE_CLOUDFLARED_BASE_URL: 'http://mirror.test/cf/' })).toBe(
      `http://mirror.test/cf/${CLOUDFLARED_RELEASE.version}/cloudflared-linux-amd64`,
    );
  });
});
