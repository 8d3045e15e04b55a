/** Builds the fake cloudflared once per run and hands its path to tests as `inject('fakeCloudflared')`. */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildFakeCloudflared } from './fake-cloudflared/build';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the executable fake cloudflared (see native-host/test/fake-cloudflared/main.ts). */
    fakeCloudflared: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('fakeCloudflared', await buildFakeCloudflared(join(repoRoot, 'dist', 'test', 'fake-cloudflared.mjs')));
}
