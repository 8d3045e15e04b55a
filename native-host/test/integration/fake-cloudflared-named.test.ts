/**
 * The fake cloudflared's named-tunnel commands against the real 2023.7.3 output
 * (test/fixtures/cloudflared/named): run against the API stand-in, each prints what the real one
 * printed, on the same stream, with the same exit status, once the run's own ids, paths, ports and
 * timestamps are put back to the capture's placeholders.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { StandinApi } from '../cloudflare-standin/standin-api.js';

const fakeCloudflared = inject('fakeCloudflared');
const FIXTURES = join(import.meta.dirname, '../fixtures/cloudflared/named');
const fixture = (scenario: string, file: string): string => readFileSync(join(FIXTURES, scenario, file), 'utf8');
const T1 = '11111111-2222-4333-8444-555555555555';

let api: StandinApi;
let state: string;
beforeEach(async () => {
  api = await StandinApi.start();
  state = mkdtempSync(join(tmpdir(), 'porthole-named-'));
  copyFileSync(join(FIXTURES, '_inputs/cert.pem'), join(state, 'cert.pem'));
});
afterEach(() => api.close());

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cloudflared(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(fakeCloudflared, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The run's own values back to the capture's placeholders and values. */
function normalise(text: string, tunnelId?: string): string {
  let out = text.replaceAll(state, '<state>').replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /gm, '<ts> ');
  if (tunnelId !== undefined) out = out.replaceAll(tunnelId, T1);
  return out.replaceAll(`127.0.0.1:${api.port}`, '127.0.0.1:45111');
}

const fixtureText = (scenario: string, file: string): string =>
  fixture(scenario, file).replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /gm, '<ts> ');

describe('the fake cloudflared prints what cloudflared 2023.7.3 printed', () => {
  const A = (): string[] => ['tunnel', '--api-url', api.apiUrl, '--origincert', join(state, 'cert.pem')];

  it('create-ok, then route-dns-ok, route-dns-unchanged and route-dns-record-exists', async () => {
    const created = await cloudflared([...A(), 'create', 'porthole-test']);
    const id = api.tunnels[0]?.id ?? '';
    expect(created.code).toBe(Number(fixture('create-ok', 'exit_code')));
    expect(normalise(created.stdout, id)).toBe(fixture('create-ok', 'stdout.txt'));
    expect(created.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(state, `${id}.json`), 'utf8'))).toMatchObject({
      AccountTag: '0000aaaa1111bbbb2222cccc3333dddd',
      TunnelID: id,
    });

    for (const scenario of ['route-dns-ok', 'route-dns-unchanged']) {
      const routed = await cloudflared([...A(), 'route', 'dns', 'porthole-test', 'app.example.com']);
      expect(routed.code, scenario).toBe(Number(fixture(scenario, 'exit_code')));
      expect(normalise(routed.stderr, id), scenario).toBe(fixtureText(scenario, 'stderr.txt'));
    }
    const refused = await cloudflared([...A(), 'route', 'dns', 'porthole-test', 'www.example.com']);
    expect(refused.code).toBe(Number(fixture('route-dns-record-exists', 'exit_code')));
    expect(refused.stderr).toBe(fixture('route-dns-record-exists', 'stderr.txt'));

    const taken = await cloudflared([...A(), 'create', 'porthole-test']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(fixture('create-name-exists', 'stderr.txt'));
  });

  it('create-401 (a token the API refuses), create-503-json, route-dns-500-html, create-api-unreachable', async () => {
    copyFileSync(join(FIXTURES, '_inputs/cert-revoked-token.pem'), join(state, 'revoked.pem'));
    const refused = await cloudflared([
      'tunnel',
      '--api-url',
      api.apiUrl,
      '--origincert',
      join(state, 'revoked.pem'),
      'create',
      'porthole-test2',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(fixture('create-401', 'stderr.txt'));

    api.fail = 'all_503_json';
    const unavailable = await cloudflared([...A(), 'create', 'porthole-test2']);
    expect(unavailable.stderr).toBe(fixture('create-503-json', 'stderr.txt'));
    api.fail = 'all_500_html';
    const html = await cloudflared([...A(), 'route', 'dns', T1, 'app.example.com']);
    expect(html.stderr).toBe(fixture('route-dns-500-html', 'stderr.txt'));
    api.fail = null;

    const unreachable = await cloudflared([
      'tunnel',
      '--api-url',
      'http://127.0.0.1:45199/client/v4',
      '--origincert',
      join(state, 'cert.pem'),
      'create',
      'porthole-test2',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(fixture('create-api-unreachable', 'stderr.txt'));
  });

  it('create-no-cert, run-token-invalid, login-no-browser', async () => {
    const noCert = await cloudflared([...A().slice(0, 3), '--origincert', join(state, 'missing.pem'), 'create', 'porthole-test2']);
    expect(noCert.code).toBe(1);
    expect(normalise(noCert.stderr)).toBe(fixtureText('create-no-cert', 'stderr.txt'));

    const token = await cloudflared(['tunnel', 'run', '--token', 'not-a-valid-token']);
    expect(token.code).toBe(Number(fixture('run-token-invalid', 'exit_code')));
    expect(token.stderr).toBe(fixture('run-token-invalid', 'stderr.txt'));

    // No callback service listening: the poll fails at once, as offline in the capture.
    const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
    const login = await cloudflared(['tunnel', 'login', '--callbackURL', 'http://127.0.0.1:9/'], { HOME: home, PATH: home });
    expect(login.code).toBe(1);
    const lines = login.stderr.split('\n');
    const captured = fixture('login-no-browser', 'stderr.txt').split('\n');
    expect(lines.slice(0, 6).map((line, i) => (i === 2 ? line.replace(/callback=.*$/, '') : line))).toEqual(
      captured.slice(0, 6).map((line, i) => (i === 2 ? line.replace(/callback=.*$/, '') : line)),
    );
    expect(lines[2]).toMatch(
      /^https:\/\/dash\.cloudflare\.com\/argotunnel\?aud=&callback=http%3A%2F%2F127\.0\.0\.1%3A9%2F[A-Za-z0-9_-]{43}%3D$/,
    );
    expect(login.stderr).toContain(`copy it to the following path:\n\n${home}/.cloudflared/cert.pem\n`);
  });
});
