import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mayCarryDevClient, rewriteClientQuery, rewriteDevClientBody, rewriteDevClientScript } from '../dev-client.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/webpack-dev-server');
/** Lines of real bundles served by webpack-dev-server (default options, port 8080, devtool eval), those naming the client entry. */
const v5 = readFileSync(join(FIXTURES, 'v5.2.7-main.snippet.js'), 'latin1');
const v6 = readFileSync(join(FIXTURES, 'v6.1.0-main.snippet.js'), 'latin1');

/** The query the client reads, as `__resourceQuery` holds it (escaped quotes inside eval). */
function resourceQuery(script: string): string {
  const found = /__resourceQuery = \\?"(\?[^"\\]+)\\?"/.exec(script);
  if (found === null) throw new Error('no __resourceQuery');
  return found[1]!;
}

describe('rewriteDevClientScript on webpack-dev-server 5', () => {
  it('gives the client port 0 and hostname 0.0.0.0, so it dials the page’s own host and port', () => {
    expect(resourceQuery(v5)).toContain('port=8080');
    const out = rewriteDevClientScript(v5)!;
    const params = new URLSearchParams(resourceQuery(out).slice(1));
    expect(params.get('port')).toBe('0');
    expect(params.get('hostname')).toBe('0.0.0.0');
    expect(params.get('pathname')).toBe('/ws');
    expect(params.get('hot')).toBe('true');
    expect(out).not.toContain('port=8080');
  });

  it('changes every copy of the query alike, so the module id still matches where it is required', () => {
    const out = rewriteDevClientScript(v5)!;
    const ids = [...out.matchAll(/webpack-dev-server-5\/client\/index\.js(\?[^"\\\s*]+)/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('a host of localhost becomes 0.0.0.0 too (a visitor’s localhost is their own computer)', () => {
    const out = rewriteClientQuery('?protocol=ws%3A&hostname=localhost&port=3000&pathname=%2Fws&hot=true')!;
    expect(Object.fromEntries(new URLSearchParams(out.slice(1)))).toMatchObject({
      protocol: 'ws:',
      hostname: '0.0.0.0',
      port: '0',
      pathname: '/ws',
    });
  });
});

describe('rewriteDevClientScript on webpack-dev-server 6', () => {
  it('gives the JSON url port 0 and hostname 0.0.0.0, keeping the rest', () => {
    const before = JSON.parse(new URLSearchParams(resourceQuery(v6).slice(1)).get('url')!);
    expect(before).toMatchObject({ port: 8080, hostname: '0.0.0.0' });
    const out = rewriteDevClientScript(v6)!;
    const params = new URLSearchParams(resourceQuery(out).slice(1));
    expect(JSON.parse(params.get('url')!)).toEqual({ ...before, port: 0, hostname: '0.0.0.0' });
    expect(params.get('transport')).toBe('ws');
    expect(params.get('pageParamPrefix')).toBe('webpack-dev-server');
    expect(out).not.toContain('%22port%22%3A8080');
    const ids = [...out.matchAll(/webpack-dev-middleware\/client\/index\.js(\?[^"\\\s*]+)/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(1);
  });
});

describe('leaves everything else alone', () => {
  it.each([
    ['an ordinary script', 'console.log("port=8080");'],
    ['another package’s client', 'require("./node_modules/some-lib/client/index.js?port=8080");'],
    [
      'a client already following the page',
      '"./node_modules/webpack-dev-server/client/index.js?protocol=auto%3A&hostname=0.0.0.0&port=0&pathname=%2Fws"',
    ],
    [
      'a client aimed at another machine on purpose',
      '"./node_modules/webpack-dev-server/client/index.js?protocol=wss%3A&hostname=dev.example.com&port=443&pathname=%2Fws"',
    ],
  ])('%s', (_name, script) => {
    expect(rewriteDevClientScript(script)).toBeNull();
  });
});

describe('rewriteDevClientBody: compressed bundles (webpack-dev-server compresses by default)', () => {
  it.each([
    ['gzip', (b: Buffer) => gzipSync(b)],
    ['br', (b: Buffer) => brotliCompressSync(b)],
    ['deflate', (b: Buffer) => deflateSync(b)],
    ['deflate', (b: Buffer) => deflateRawSync(b)],
    [undefined, (b: Buffer) => b],
  ])('%s: decompressed, rewritten, the other bytes untouched', (encoding, compress) => {
    const script = Buffer.concat([Buffer.from([0xe2, 0x9c, 0x93, 0x0a]), Buffer.from(v5, 'latin1')]);
    const out = rewriteDevClientBody(compress(script), encoding)!;
    expect(out.subarray(0, 4)).toEqual(Buffer.from([0xe2, 0x9c, 0x93, 0x0a]));
    expect(out.toString('latin1')).toBe(`${script.subarray(0, 4).toString('latin1')}${rewriteDevClientScript(v5)}`);
  });

  it('sends the original bytes for scripts without the client, unknown codings and broken bodies', () => {
    expect(rewriteDevClientBody(gzipSync('console.log(1)'), 'gzip')).toBeNull();
    expect(rewriteDevClientBody(Buffer.from(v5), 'zstd')).toBeNull();
    expect(rewriteDevClientBody(Buffer.from('not gzip at all'), 'gzip')).toBeNull();
  });

  it('looks only at successful GETs of scripts', () => {
    expect(mayCarryDevClient('GET', 200, { 'content-type': 'text/javascript; charset=utf-8', 'content-encoding': 'gzip' })).toBe(true);
    expect(mayCarryDevClient('GET', 200, { 'content-type': 'application/javascript' })).toBe(true);
    expect(mayCarryDevClient('HEAD', 200, { 'content-type': 'application/javascript' })).toBe(false);
    expect(mayCarryDevClient('GET', 304, { 'content-type': 'application/javascript' })).toBe(false);
    expect(mayCarryDevClient('GET', 200, { 'content-type': 'text/html' })).toBe(false);
    expect(mayCarryDevClient('GET', 200, { 'content-type': 'text/javascript', 'content-encoding': 'zstd' })).toBe(false);
    expect(mayCarryDevClient('GET', 200, { 'content-type': 'text/javascript', 'content-length': String(64 * 1024 * 1024) })).toBe(false);
  });
});
