import { join } from 'node:path';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { chromiumFirstShare } from './chromium-first-share.js';

const fake = await buildFakeCloudflared(join('/work/main', 'dist', 'test', 'fake-cloudflared.mjs'));
console.log(JSON.stringify(await chromiumFirstShare(fake, 3)));
