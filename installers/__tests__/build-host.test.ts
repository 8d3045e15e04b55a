/** `npm run build` must work offline: cloudflared is bundled when it can be, skipped in one line when not. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleCloudflaredIfPossible } from '../build-host.js';
import { CLOUDFLARED_RELEASE, type CloudflaredRelease } from '../cloudflared/release.js';
import { findTarget } from '../targets.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-build-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pinnedRelease: CloudflaredRelease = {
  ...CLOUDFLARED_RELEASE,
  assets: {
    ...CLOUDFLARED_RELEASE.assets,
    'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: createHash('sha256').update('x').digest('hex') },
  },
};

async function deadBaseUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('bundleCloudflaredIfPossible', () => {
  it('says in one line that cloudflared is not bundled and where the host will look, when the download fails', async () => {
    const lines: string[] = [];
    const stale = join(dir, 'cloudflared');
    writeFileSync(stale, 'from an older build');
    const placed = await bundleCloudflaredIfPossible(findTarget('linux-x64'), dir, {
      log: (line) => lines.push(line),
      release: pinnedRelease,
      env: { PORTHOLE_CLOUDFLARED_BASE_URL: await deadBaseUrl() },
      cacheDir: join(dir, 'cache'),
    });
    expect(placed).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cloudflared not bundled \(Could not download cloudflared from http:\/\/127\.0\.0\.1:\d+\/.* \(connect ECONNREFUSED .*\)\); the host will use \$PORTHOLE_CLOUDFLARED or cloudflared on PATH\.$/,
    );
    expect(lines[0]).not.toContain('\n');
    // A copy from an earlier build may be another release: the host must not pick it up.
    expect(existsSync(stale)).toBe(false);
  });

  it('skips an unpinned release the same way, without a download', async () => {
    const lines: string[] = [];
    const unpinned: CloudflaredRelease = {
      ...CLOUDFLARED_RELEASE,
      assets: { ...CLOUDFLARED_RELEASE.assets, 'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: null } },
    };
    await bundleCloudflaredIfPossible(findTarget('linux-x64'), dir, {
      log: (line) => lines.push(line),
      release: unpinned,
      env: { PORTHOLE_CLOUDFLARED_BASE_URL: await deadBaseUrl() },
    });
    expect(lines).toEqual([expect.stringMatching(/^cloudflared not bundled \(.*has no pinned SHA-256.*\); the host will use/)]);
  });
});
