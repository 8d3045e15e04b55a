/**
 * `npm run zip`: the extension as the browser stores take it, named with the version:
 *
 *   .output/porthole-<version>-chrome-web-store.zip    Chrome Web Store (also Edge Add-ons, Opera): the MV3
 *                                                      build, without the manifest `key` the store refuses
 *   .output/porthole-<version>-firefox-amo.zip         addons.mozilla.org: the Firefox (MV2) build, from `wxt zip -b firefox`
 *   .output/porthole-<version>-firefox-amo-sources.zip the sources AMO asks for with bundled code: the tree
 *                                                      that rebuilds it, without node_modules, .output, dist
 *
 *   tsx installers/store/build-store-packages.ts [--out-dir <folder>]   (default: .output)
 *
 * Each package is checked against what its store refuses before it is written (store-manifest.ts).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { InstallerError } from '../installer-error.js';
import { chromeWebStoreManifest, type Manifest, sourcesProblems, storeProblems } from './store-manifest.js';
import { writeZip, type ZipEntry } from './zip-writer.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class StorePackageError extends InstallerError<'store-package-invalid'> {}

export interface StorePackages {
  chromeWebStore: string;
  firefox: string;
  firefoxSources: string;
}

function filesUnder(dir: string): ZipEntry[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: relative(dir, path).split(sep).join('/'), data: readFileSync(path) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The names in a zip's central directory (PKWARE APPNOTE 4.3.12), to check what WXT wrote. */
export function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1) throw new StorePackageError('store-package-invalid', 'not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

/** One entry's content, for the manifest inside WXT's Firefox zip (stored or deflated entries). */
export function readZipEntry(zip: Buffer, wanted: string): Buffer | null {
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extra;
    if (name === wanted) {
      const body = zip.subarray(start, start + size);
      return method === 8 ? inflateRawSync(body) : Buffer.from(body);
    }
    at = start + size;
  }
  return null;
}

function failIfAny(what: string, problems: string[]): void {
  if (problems.length > 0) throw new StorePackageError('store-package-invalid', `${what} would be refused: ${problems.join('; ')}.`);
}

export async function buildStorePackages(outDir: string = join(repoRoot, '.output')): Promise<StorePackages> {
  // A store package is a production build whatever the calling shell says: with NODE_ENV=test or
  // development, Preact's JSX compiles to jsxDEV calls that carry this machine's absolute paths.
  process.env.NODE_ENV = 'production';
  const { build, zip } = await import('wxt');
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const name = `porthole-${version}`;
  mkdirSync(outDir, { recursive: true });

  // Chrome Web Store: WXT's zip would carry `key`, so the package is made from the build here.
  await build({ root: repoRoot, browser: 'chrome', outDir });
  const chromeFiles = filesUnder(join(outDir, 'chrome-mv3'));
  const manifestEntry = chromeFiles.find((file) => file.name === 'manifest.json');
  if (manifestEntry === undefined)
    throw new StorePackageError('store-package-invalid', `WXT built no manifest.json in ${join(outDir, 'chrome-mv3')}.`);
  const storeManifest = chromeWebStoreManifest(JSON.parse(manifestEntry.data.toString('utf8')) as Manifest);
  failIfAny('The Chrome Web Store package', storeProblems('chrome-web-store', storeManifest, version));
  manifestEntry.data = Buffer.from(`${JSON.stringify(storeManifest, null, 2)}\n`);
  const chromeWebStore = join(outDir, `${name}-chrome-web-store.zip`);
  writeFileSync(chromeWebStore, writeZip(chromeFiles));

  // addons.mozilla.org: WXT's zip, with its sources archive (on by default for Firefox).
  const [firefox, firefoxSources] = await zip({
    root: repoRoot,
    browser: 'firefox',
    outDir,
    zip: {
      artifactTemplate: `${name}-firefox-amo.zip`,
      sourcesTemplate: `${name}-firefox-amo-sources.zip`,
      zipSources: true,
      // dist/ holds the built host (about 100 MB); WXT already leaves out node_modules, its output and dotfiles.
      excludeSources: ['dist/**'],
    },
  });
  if (firefox === undefined || firefoxSources === undefined)
    throw new StorePackageError('store-package-invalid', 'wxt zip -b firefox made no package or no sources archive.');
  const firefoxManifest = readZipEntry(readFileSync(firefox), 'manifest.json');
  if (firefoxManifest === null) throw new StorePackageError('store-package-invalid', `${firefox} has no manifest.json at its root.`);
  failIfAny('The addons.mozilla.org package', storeProblems('amo', JSON.parse(firefoxManifest.toString('utf8')) as Manifest, version));
  failIfAny('The addons.mozilla.org sources archive', sourcesProblems(zipEntryNames(readFileSync(firefoxSources))));
  return { chromeWebStore, firefox, firefoxSources };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } }, strict: true });
  const outDir = values['out-dir'] !== undefined ? resolve(values['out-dir']) : undefined;
  const packages = await buildStorePackages(outDir);
  process.stdout.write('\nStore packages:\n');
  for (const path of Object.values(packages))
    process.stdout.write(`  ${relative(process.cwd(), path)}  (${(statSync(path).size / 1024).toFixed(0)} KiB)\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`✗ ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
