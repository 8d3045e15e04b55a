import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_DIAGNOSIS, failureOnExit, observeLine, type TunnelDiagnosis } from '../diagnosis.js';
import { type CloudflaredLine, parseCloudflaredLine, parseCloudflaredVersion, parseFields } from '../parse.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/cloudflared');
const fixtureLines = (name: string): string[] => readFileSync(join(FIXTURES, name), 'utf8').split('\n');

/** Every non-empty line of a fixture, parsed; plain log lines folded to their level for brevity. */
function summarise(name: string): string[] {
  return fixtureLines(name)
    .map(parseCloudflaredLine)
    .filter((line): line is CloudflaredLine => line !== null)
    .map((line) => {
      switch (line.kind) {
        case 'url':
          return `url ${line.url}`;
        case 'metrics':
          return `metrics ${line.address}`;
        case 'problem':
          return `${line.fatal ? 'fatal' : 'problem'} ${line.code}`;
        case 'log':
          return line.level ?? 'bare';
        default:
          return line.kind;
      }
    });
}

function replay(name: string): TunnelDiagnosis {
  return fixtureLines(name)
    .map(parseCloudflaredLine)
    .reduce((diagnosis, line) => (line === null ? diagnosis : observeLine(diagnosis, line)), EMPTY_DIAGNOSIS);
}

const URL = 'url https://sunny-otter-quality-lamps.trycloudflare.com';
const EDGE_HELP = ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'];

describe('parseCloudflaredLine on real cloudflared output', () => {
  it('ok.stderr.log: the address, the metrics server, then the edge failures', () => {
    expect(summarise('ok.stderr.log')).toEqual([
      'INF',
      'INF',
      'INF',
      'INF',
      URL,
      'INF',
      'INF',
      'INF',
      'INF',
      'INF',
      'INF',
      'WRN',
      'INF',
      'ERR',
      'INF',
      'INF',
      'WRN',
      'WRN',
      'problem edge-unreachable',
      ...EDGE_HELP,
      'metrics 127.0.0.1:39391',
      'problem edge-unreachable',
      ...EDGE_HELP,
      'INF',
      'problem edge-unreachable',
      'INF',
      'fatal edge-unreachable',
    ]);
  });

  it('edge-retry.stderr.log: the address, then retries until the graceful shutdown', () => {
    const summary = summarise('edge-retry.stderr.log');
    expect(summary.slice(0, 5)).toEqual(['INF', 'INF', 'INF', 'INF', URL]);
    expect(summary).toContain('metrics 127.0.0.1:45678');
    expect(summary.slice(-3)).toEqual(['shutdown', 'INF', 'INF']);
    expect(summary.filter((s) => s.startsWith('fatal'))).toEqual([]);
  });

  it.each([
    ['offline.stderr.log', 'fatal offline'],
    ['rate429.stderr.log', 'fatal rate-limited'],
    ['err500.stderr.log', 'fatal tunnel-service-error'],
    ['badjson.stderr.log', 'fatal tunnel-service-error'],
  ])('%s ends with %s', (name, last) => {
    expect(summarise(name)).toEqual(['INF', 'INF', last]);
  });

  it('config-yml.stderr.log: notices the named-tunnel settings leaking in', () => {
    const summary = summarise('config-yml.stderr.log');
    expect(summary).toContain('config-leak');
    expect(summary.at(-1)).toBe('fatal edge-unreachable');
  });

  it('reads the 2024+ rate-limit wording, which logs status and body first', () => {
    const line = parseCloudflaredLine(
      `2026-11-25T02:48:31Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character 'e' looking for beginning of value" status_code="429 Too Many Requests"`,
    );
    expect(line).toMatchObject({ kind: 'problem', code: 'rate-limited', fatal: false });
    const server = parseCloudflaredLine(
      `2026-11-25T02:48:31Z ERR Error unmarshaling QuickTunnel response: <html> error="invalid character '<' looking for beginning of value" status_code="502 Bad Gateway"`,
    );
    expect(server).toMatchObject({ kind: 'problem', code: 'tunnel-service-error' });
  });

  it('reads a registered edge connection (format from connection/observer.go)', () => {
    expect(
      parseCloudflaredLine(
        '2026-11-25T02:50:00Z INF Registered tunnel connection connIndex=0 connection=0b7c5e2a-2f4e-4f0e-9a57-2d0f1f7f0d6b event=0 ip=198.41.200.13 location=lhr01 protocol=quic',
      ),
    ).toEqual({ kind: 'registered', connIndex: 0, location: 'lhr01' });
  });

  it('ignores blank lines and survives carriage returns and odd input', () => {
    expect(parseCloudflaredLine('')).toBeNull();
    expect(parseCloudflaredLine('   \r')).toBeNull();
    expect(parseCloudflaredLine('2026-11-25T02:48:29Z INF |  https://a-b.trycloudflare.com  |\r')).toEqual({
      kind: 'url',
      url: 'https://a-b.trycloudflare.com',
    });
    expect(parseCloudflaredLine('\u0000\uffff garbage')).toEqual({ kind: 'log', level: null, text: '\u0000\uffff garbage' });
  });

  it('does not take the box header or other https links for the address', () => {
    const lines = fixtureLines('ok.stderr.log').map(parseCloudflaredLine);
    expect(lines.filter((line) => line?.kind === 'url')).toHaveLength(1);
  });
});

describe('diagnosis of a whole run', () => {
  it.each([
    ['ok.stderr.log', 'edge-unreachable', /^Could not lookup srv records/],
    ['offline.stderr.log', 'offline', /^failed to request quick Tunnel/],
    ['rate429.stderr.log', 'rate-limited', /invalid character 'e'/],
    ['err500.stderr.log', 'tunnel-service-error', /invalid character '<'/],
    ['badjson.stderr.log', 'tunnel-service-error', /unexpected EOF/],
    ['config-yml.stderr.log', 'edge-unreachable', /^Could not lookup srv records/],
  ])('%s → %s, keeping the line that explains it', (name, code, detail) => {
    const failure = failureOnExit(replay(name), { code: 1, signal: null });
    expect(failure.code).toBe(code);
    expect(failure.detail).toMatch(detail);
    expect(failure.message.length).toBeGreaterThan(40);
  });

  it('tells the person about a leaking config.yml', () => {
    expect(failureOnExit(replay('config-yml.stderr.log'), { code: 1, signal: null }).message).toMatch(/config\.yml/);
    expect(failureOnExit(replay('ok.stderr.log'), { code: 1, signal: null }).message).not.toMatch(/config\.yml/);
  });

  it('an exit with nothing to explain it is tunnel-exited, naming the exit', () => {
    expect(failureOnExit(EMPTY_DIAGNOSIS, { code: null, signal: 'SIGKILL' })).toMatchObject({
      code: 'tunnel-exited',
      detail: 'cloudflared was ended by SIGKILL',
    });
  });

  it('collects the address and the metrics server of a healthy start', () => {
    const diagnosis = replay('edge-retry.stderr.log');
    expect(diagnosis.url).toBe('https://sunny-otter-quality-lamps.trycloudflare.com');
    expect(diagnosis.metricsAddress).toBe('127.0.0.1:45678');
    expect(diagnosis.registered).toBe(false);
  });
});

describe('small readers', () => {
  it('reads the version from version.txt', () => {
    expect(parseCloudflaredVersion(readFileSync(join(FIXTURES, 'version.txt'), 'utf8'))).toBe('2023.7.3');
    expect(parseCloudflaredVersion('something else')).toBeNull();
  });

  it('reads quoted and plain key=value fields', () => {
    expect(parseFields('error="lookup \\"x\\" failed" event=0 ip=1.2.3.4')).toEqual({
      error: 'lookup "x" failed',
      event: '0',
      ip: '1.2.3.4',
    });
  });
});
