/**
 * The folder share's static server over raw sockets: what a visitor gets for each file, and a plain
 * 404 (never the secret) for every path that tries to leave the folder or reach a dotfile.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOT_SECRET, type FilesFixture, INDEX_HTML, makeFilesFixture, REFUSED_PATHS, SECRET, VIDEO } from '../../../test/files-fixture.js';
import { exchange, type RawResponse } from '../../../test/gateway-harness/raw-http.js';
import { StaticServer } from '../static-server.js';

let fixture: FilesFixture;
const servers: StaticServer[] = [];

beforeAll(() => {
  fixture = makeFilesFixture();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(options = { spa: false, listing: false, dotfiles: false }): Promise<StaticServer> {
  const server = await StaticServer.start(fixture.site, options);
  servers.push(server);
  return server;
}

async function raw(server: StaticServer, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const { port } = new URL(server.url);
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const head = Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const { response } = await exchange(socket, `${method} ${target} HTTP/1.1\r\n${head}\r\n`);
  socket.destroy();
  if (response === null) throw new Error(`no response to ${target}`);
  return response;
}

describe('the static server of a folder share', () => {
  it('serves the page, its CSS, JS and image with their MIME types', async () => {
    const server = await serve();
    const index = await raw(server, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html;charset=utf-8');
    expect(index.body).toBe(INDEX_HTML);
    expect((await raw(server, '/style.css')).headers['content-type']).toBe('text/css');
    expect((await raw(server, '/app.js')).headers['content-type']).toBe('text/javascript');
    const png = await raw(server, '/img/logo.png');
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((await raw(server, '/link-in.css')).status).toBe(200);
  });

  it('redirects a folder to its slash, serves its index.html, and page.html as /page', async () => {
    const server = await serve();
    const redirect = await raw(server, '/sub?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/sub/?x=1');
    expect((await raw(server, '/sub/')).body).toBe('<p>sub page</p>\n');
    expect((await raw(server, '/docs/page')).body).toBe('<p>docs page</p>\n');
    // No index.html and no listing: nothing to show.
    expect((await raw(server, '/docs/')).status).toBe(404);
  });

  it('answers a repeated request with 304 when the ETag matches', async () => {
    const server = await serve();
    const first = await raw(server, '/style.css');
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['last-modified']).toBeTruthy();
    const again = await raw(server, '/style.css', { 'If-None-Match': first.headers.etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves byte ranges as a video player seeks', async () => {
    const server = await serve();
    const middle = await raw(server, '/video.mp4', { Range: 'bytes=100000-100009' });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe(`bytes 100000-100009/${VIDEO.length}`);
    expect(Buffer.from(middle.body, 'latin1')).toEqual(VIDEO.subarray(100000, 100010));
    const open = await raw(server, '/video.mp4', { Range: 'bytes=199990-' });
    expect(Buffer.from(open.body, 'latin1')).toEqual(VIDEO.subarray(199990));
    const suffix = await raw(server, '/video.mp4', { Range: 'bytes=-5' });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(suffix.body, 'latin1')).toEqual(VIDEO.subarray(VIDEO.length - 5));
    const first = await raw(server, '/video.mp4', { Range: 'bytes=0-0' });
    expect(first.status).toBe(206);
    expect(first.headers['content-length']).toBe('1');
    expect((await raw(server, '/video.mp4', { Range: `bytes=${VIDEO.length}-` })).status).toBe(416);
    // Several ranges: the whole file, which RFC 9110 allows.
    const several = await raw(server, '/video.mp4', { Range: 'bytes=0-1,5-6' });
    expect(several.status).toBe(200);
    expect(several.body.length).toBe(VIDEO.length);
  });

  it('sends the precompressed .br sibling to a browser that accepts brotli', async () => {
    const server = await serve();
    const br = await raw(server, '/big.html', { 'Accept-Encoding': 'gzip, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('text/html;charset=utf-8');
    const plain = await raw(server, '/big.html');
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers only GET and HEAD', async () => {
    const server = await serve();
    const post = await raw(server, '/index.html', { 'Content-Length': '0' }, 'POST');
    expect(post.status).toBe(405);
  });

  it.each(REFUSED_PATHS)('refuses %s with a plain 404', async (target) => {
    const server = await serve();
    const response = await raw(server, target);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain(DOT_SECRET);
  });

  it('serves no unknown path as index.html unless the SPA fallback is on', async () => {
    expect((await raw(await serve(), '/app/route')).status).toBe(404);
    const spa = await serve({ spa: true, listing: false, dotfiles: false });
    const route = await raw(spa, '/app/route');
    expect(route.status).toBe(200);
    expect(route.body).toBe(INDEX_HTML);
    // A missing asset stays missing, so a broken link is not hidden behind the page.
    expect((await raw(spa, '/missing.js')).status).toBe(404);
  });

  it('lists a folder only when asked, without its dotfiles', async () => {
    const listing = await serve({ spa: false, listing: true, dotfiles: false });
    const page = await raw(listing, '/docs/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('href="notes.txt"');
    const top = await raw(listing, '/link-dir-out/');
    expect(top.status).toBe(404);
    const root = await raw(await serve({ spa: false, listing: true, dotfiles: false }), '/sub/');
    expect(root.body).toBe('<p>sub page</p>\n');
    const rootListing = await serve({ spa: false, listing: true, dotfiles: false });
    // The root has an index.html, so no listing there; list /img/ instead.
    const img = await raw(rootListing, '/img/');
    expect(img.body).toContain('logo.png');
    expect(img.body).not.toContain('.env');
  });

  it('serves dotfiles only when they are opted in, and never what lies outside', async () => {
    const server = await serve({ spa: false, listing: false, dotfiles: true });
    expect((await raw(server, '/.env')).body).toContain(DOT_SECRET);
    expect((await raw(server, '/link-out.txt')).status).toBe(404);
    expect((await raw(server, '/%2e%2e/outside/secret.txt')).status).toBe(404);
  });
});
