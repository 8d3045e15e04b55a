/**
 * The /ready fallback, end to end with a real process: a cloudflared stand-in that never prints
 * "Registered tunnel connection" (as some releases and log levels do not) but whose metrics
 * server says 200 after a while. The tunnel must still report `registered`, through the backed-off
 * poll over a bare socket (ready-check.ts).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linux } from '../../platform/linux.js';
import { Tunnel } from '../tunnel.js';

const SCRIPT = `#!/usr/bin/env node
const { createServer } = require('node:http');
const started = Date.now();
const now = () => new Date().toISOString().replace(/\\.\\d+Z$/, 'Z');
const server = createServer((req, res) => res.writeHead(req.url === '/ready' && Date.now() - started > 600 ? 200 : 503).end());
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(now() + ' INF |  https://quiet-ready-check.trycloudflare.com  |\\n');
  process.stderr.write(now() + ' INF Starting metrics server on 127.0.0.1:' + server.address().port + '/metrics\\n');
});
`;

describe('Tunnel /ready fallback', () => {
  it('reports registered from /ready when the log line never comes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-ready-'));
    const binary = join(dir, 'cloudflared-quiet.cjs');
    writeFileSync(binary, SCRIPT);
    chmodSync(binary, 0o755);
    const tunnel = new Tunnel({
      binary,
      originUrl: 'http://127.0.0.1:1',
      configPath: join(dir, 'cf.yml'),
      env: process.env,
      platform: linux,
      readyPollMs: 100,
    });
    try {
      const url = new Promise<string>((resolve) => tunnel.once('url', resolve));
      const registered = new Promise<void>((resolve) => tunnel.once('registered', resolve));
      expect(await url).toBe('https://quiet-ready-check.trycloudflare.com');
      await registered;
    } finally {
      await tunnel.stop();
    }
  });
});
