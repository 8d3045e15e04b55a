/** The parsers of cloudflared's account commands, on the real 2023.7.3 output (test/fixtures/cloudflared/named). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOriginCert, parseTunnelToken } from '../cert.js';
import {
  classifyFailure,
  hasActiveConnections,
  isAlreadyGone,
  isNameTaken,
  lastLine,
  parseCreatedTunnel,
  parseLoginUrl,
  parseRouteResult,
} from '../named-output.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/cloudflared/named');
const read = (scenario: string, file: string): string => readFileSync(join(FIXTURES, scenario, file), 'utf8');
const T1 = '11111111-2222-4333-8444-555555555555';

describe('tunnel login', () => {
  it.each(['login-no-browser', 'login-browser-opened'])('finds the authorisation URL in %s', (scenario) => {
    const urls = read(scenario, 'stderr.txt')
      .split('\n')
      .map(parseLoginUrl)
      .filter((url) => url !== null);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(
      /^https:\/\/dash\.cloudflare\.com\/argotunnel\?aud=&callback=https%3A%2F%2Flogin\.cloudflareaccess\.org%2F[A-Za-z0-9_-]{43}%3D$/,
    );
  });

  it('takes no other line for the URL (the failure block names the callback with Get "…")', () => {
    expect(parseLoginUrl('Get "https://login.cloudflareaccess.org/IJPJS94cz83wVeNC35FczzxXA4S08c1EFVsj0arevjs=": dial tcp: …')).toBeNull();
    expect(parseLoginUrl(read('login-existing-cert', 'stdout.txt'))).toBeNull();
  });
});

describe('tunnel create', () => {
  it('reads the id and name from stdout (create-ok)', () => {
    expect(parseCreatedTunnel(read('create-ok', 'stdout.txt'))).toEqual({ id: T1, name: 'porthole-test' });
  });

  it("refuses 2023.7.3's nil-UUID success for a refused create (create-200-success-false)", () => {
    expect(read('create-200-success-false', 'exit_code').trim()).toBe('0');
    expect(parseCreatedTunnel(read('create-200-success-false', 'stdout.txt'))).toBeNull();
  });

  it('tells a taken name (create-name-exists) from other failures', () => {
    expect(isNameTaken(read('create-name-exists', 'stderr.txt'))).toBe(true);
    expect(isNameTaken(read('create-401', 'stderr.txt'))).toBe(false);
  });
});

describe('tunnel route dns', () => {
  it('reads a new route, an unchanged one and the name the API answered', () => {
    expect(parseRouteResult(read('route-dns-ok', 'stderr.txt'))).toEqual({ hostname: 'app.example.com', change: 'new' });
    expect(parseRouteResult(read('route-dns-unchanged', 'stderr.txt'))).toEqual({ hostname: 'app.example.com', change: 'unchanged' });
    expect(parseRouteResult(read('route-dns-outside-zone', 'stderr.txt'))).toEqual({
      hostname: 'app.other.org.example.com',
      change: 'new',
    });
  });

  it('finds no route in a failure', () => {
    expect(parseRouteResult(read('route-dns-record-exists', 'stderr.txt'))).toBeNull();
  });
});

describe('coded failures', () => {
  it.each([
    ['route-dns-record-exists', 'dns-record-foreign'],
    ['create-401', 'certificate-invalid'],
    ['route-dns-401', 'certificate-invalid'],
    ['list-401', 'certificate-invalid'],
    ['create-no-cert', 'not-logged-in'],
    ['create-no-origincert-flag', 'not-logged-in'],
    ['create-api-unreachable', 'account-error'],
    ['create-500-html', 'account-error'],
    ['create-503-json', 'account-error'],
    ['route-dns-500-html', 'account-error'],
    ['list-503-json', 'account-error'],
    ['run-token-invalid', 'token-invalid'],
    ['run-token-bad-json', 'token-invalid'],
  ])('%s → %s, with cloudflared’s last line as the detail', (scenario, code) => {
    const stderr = read(scenario, 'stderr.txt');
    const error = classifyFailure(stderr, 'do that');
    expect(error.code).toBe(code);
    expect(error.detail).toBe(lastLine(stderr));
    expect(error.detail).not.toMatch(/^See 'cloudflared/);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('keeps the bare last line (create-api-unreachable)', () => {
    expect(lastLine(read('create-api-unreachable', 'stderr.txt'))).toMatch(/^failed to create tunnel: .*connection refused$/);
  });

  it('knows a delete that found nothing to delete from one blocked by live connections', () => {
    expect(hasActiveConnections(read('delete-active-connections', 'stderr.txt'))).toBe(true);
    expect(isAlreadyGone(read('delete-active-connections', 'stderr.txt'))).toBe(false);
    expect(isAlreadyGone(read('delete-already-deleted', 'stderr.txt'))).toBe(true);
    expect(isAlreadyGone(read('delete-unknown-tunnel', 'stderr.txt'))).toBe(true);
    expect(read('delete-ok', 'stderr.txt')).toBe('');
  });
});

describe('cert.pem and tunnel tokens', () => {
  it('reads the zone, account and API token of the fixture cert', () => {
    expect(parseOriginCert(readFileSync(join(FIXTURES, '_inputs/cert.pem'), 'utf8'))).toEqual({
      zoneId: '9999eeee8888ffff7777aaaa6666bbbb',
      accountId: '0000aaaa1111bbbb2222cccc3333dddd',
      apiToken: 'FAKE-api-token-0123456789abcdefghijklmno',
    });
  });

  it('ignores PRIVATE KEY and CERTIFICATE blocks of older certs, refuses other blocks and a token without apiToken', () => {
    const cert = readFileSync(join(FIXTURES, '_inputs/cert.pem'), 'utf8');
    expect(parseOriginCert(`-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${cert}`)?.zoneId).toBe(
      '9999eeee8888ffff7777aaaa6666bbbb',
    );
    expect(parseOriginCert(`-----BEGIN RSA KEY-----\nAAAA\n-----END RSA KEY-----\n${cert}`)).toBeNull();
    const noToken = Buffer.from(JSON.stringify({ zoneID: 'z', accountID: 'a' })).toString('base64');
    expect(parseOriginCert(`-----BEGIN ARGO TUNNEL TOKEN-----\n${noToken}\n-----END ARGO TUNNEL TOKEN-----\n`)).toBeNull();
    expect(parseOriginCert('')).toBeNull();
  });

  it('accepts the captured token and refuses what cloudflared refuses (run-token-invalid, run-token-bad-json)', () => {
    expect(parseTunnelToken(readFileSync(join(FIXTURES, '_inputs/token.txt'), 'utf8'))).toEqual({
      accountTag: '0000aaaa1111bbbb2222cccc3333dddd',
      tunnelId: T1,
    });
    expect(parseTunnelToken('not-a-valid-token')).toBeNull();
    expect(parseTunnelToken('eyJhIjoxfQ==')).toBeNull();
  });
});
