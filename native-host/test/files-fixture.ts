/**
 * A folder to share, with everything a visitor must get (a page with CSS, JS, an image, a sub-folder,
 * a "video") and everything a visitor must never get: dotfiles, and symlinks to a secret beside the
 * folder. Also the raw request paths that try to reach those, each of which must get 404.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

export const SECRET = 'TOP-SECRET-OUTSIDE-THE-SHARED-FOLDER';
export const DOT_SECRET = 'DOTFILE-SECRET-VALUE';
export const INDEX_HTML =
  '<!doctype html><link rel="stylesheet" href="style.css"><h1 id="title">Shared folder</h1><img id="logo" src="img/logo.png"><script src="app.js"></script>\n';
/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf000000030101006e1ff2d60000000049454e44ae426082',
  'hex',
);
/** Bytes whose value is their offset mod 101 (ASCII, so a text reader keeps them), so any slice can be checked. */
export const VIDEO = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 101));

export interface FilesFixture {
  /** Holds `site/` (the shared folder) and `outside/` (the secret). */
  base: string;
  site: string;
}

export function makeFilesFixture(): FilesFixture {
  const base = mkdtempSync(join(tmpdir(), 'porthole-files-'));
  const site = join(base, 'site');
  const outside = join(base, 'outside');
  mkdirSync(site);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(site, 'index.html'), INDEX_HTML);
  writeFileSync(join(site, 'style.css'), 'h1 { color: rgb(1, 2, 3); }\n');
  writeFileSync(join(site, 'app.js'), 'document.title = "script ran";\n');
  mkdirSync(join(site, 'img'));
  writeFileSync(join(site, 'img', 'logo.png'), PNG);
  writeFileSync(join(site, 'video.mp4'), VIDEO);
  mkdirSync(join(site, 'sub'));
  writeFileSync(join(site, 'sub', 'index.html'), '<p>sub page</p>\n');
  mkdirSync(join(site, 'docs'));
  writeFileSync(join(site, 'docs', 'page.html'), '<p>docs page</p>\n');
  writeFileSync(join(site, 'docs', 'notes.txt'), 'notes\n');
  const big = `<p>${'compressible '.repeat(2000)}</p>\n`;
  writeFileSync(join(site, 'big.html'), big);
  writeFileSync(join(site, 'big.html.br'), brotliCompressSync(big));
  writeFileSync(join(site, '.env'), `TOKEN=${DOT_SECRET}\n`);
  mkdirSync(join(site, '.git'));
  writeFileSync(join(site, '.git', 'config'), `[secret] ${DOT_SECRET}\n`);
  symlinkSync(join(outside, 'secret.txt'), join(site, 'link-out.txt'));
  symlinkSync(outside, join(site, 'link-dir-out'));
  symlinkSync(join(site, '.env'), join(site, 'link-to-dotfile.txt'));
  symlinkSync(join(site, 'style.css'), join(site, 'link-in.css'));
  return { base, site };
}

/** Request targets that try to leave the folder or reach a dotfile; each must get a plain 404. */
export const REFUSED_PATHS: readonly string[] = [
  '/../outside/secret.txt',
  '/%2e%2e/outside/secret.txt',
  '/%2E%2E/outside/secret.txt',
  '/..%2foutside%2fsecret.txt',
  '/..%5coutside%5csecret.txt',
  '/..\\outside\\secret.txt',
  '/sub/../../outside/secret.txt',
  '/sub/%2e%2e/%2e%2e/outside/secret.txt',
  '/%252e%252e/outside/secret.txt',
  '/link-out.txt',
  '/link-dir-out/secret.txt',
  '/link-dir-out/',
  '/link-to-dotfile.txt',
  '/.env',
  '/%2eenv',
  '/.git/config',
  '/sub/%2e%2e/.env',
  '/index.html%00.txt',
];
