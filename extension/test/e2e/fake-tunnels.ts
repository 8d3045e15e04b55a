/**
 * What every browser test needs around the browser: temporary folders removed after the file, the
 * stand-in for Cloudflare's edge that routes to the fake cloudflared processes, and the environment
 * that points the host at them. Call once at the top of a test file; it registers its own hooks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { EdgeRouter } from '../../../native-host/test/fake-cloudflared/edge-router';
import type {} from '../../../native-host/test/global-setup';

export interface FakeTunnels {
  temp(prefix: string): string;
  /** A fresh folder for fake cloudflared state files, watched by the edge router. */
  fakeDir(): string;
  /** The host's environment for one browser: the fake cloudflared, its own state, the router as probe target. */
  hostEnv(fakeDir: string, extra?: Record<string, string>): Record<string, string>;
}

export function useFakeTunnels(): FakeTunnels {
  const tempDirs: string[] = [];
  let router: EdgeRouter | undefined;
  beforeAll(async () => {
    router = await EdgeRouter.start();
  });
  afterAll(() => {
    router?.close();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  const started = (): EdgeRouter => {
    if (router === undefined) throw new Error('useFakeTunnels() must be called at the top of the test file');
    return router;
  };
  const temp = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
  };
  return {
    temp,
    fakeDir() {
      const dir = temp('porthole-e2e-fake-');
      started().watch(dir);
      return dir;
    },
    hostEnv(fakeDir, extra = {}) {
      return {
        PORTHOLE_CLOUDFLARED: inject('fakeCloudflared'),
        PORTHOLE_STATE_DIR: temp('porthole-e2e-state-'),
        FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
        ...started().probeEnv,
        FAKE_CLOUDFLARED_MODE: 'ok',
        ...extra,
      };
    },
  };
}
