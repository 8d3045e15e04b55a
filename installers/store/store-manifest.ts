/**
 * What each browser store accepts in an uploaded package, checked before anything is written so
 * that a rejected upload is found here, not on the store's form. Pure.
 */

export type Manifest = Record<string, unknown> & { version?: string; manifest_version?: number };

/**
 * The Chrome Web Store refuses a manifest with `key` ("key field is not allowed in manifest"): the
 * store assigns the id at the first upload. The unpacked build keeps `key`, which pins the id the
 * host manifests name (native-host/src/protocol/extension-ids.ts).
 */
export function chromeWebStoreManifest(manifest: Manifest): Manifest {
  const { key: _key, ...rest } = manifest;
  return rest;
}

/** Problems that would make a store refuse the package, as sentences; empty when none. */
export function storeProblems(store: 'chrome-web-store' | 'amo', manifest: Manifest, version: string): string[] {
  const problems: string[] = [];
  if (manifest.version !== version)
    problems.push(`manifest.json has version ${String(manifest.version)}, not ${version} from package.json`);
  if (store === 'chrome-web-store') {
    if (manifest.manifest_version !== 3) problems.push('the Chrome Web Store takes Manifest V3 only');
    if ('key' in manifest) problems.push('the Chrome Web Store refuses a manifest with "key"');
  } else {
    const gecko = (manifest.browser_specific_settings as { gecko?: { id?: unknown; data_collection_permissions?: unknown } } | undefined)
      ?.gecko;
    if (typeof gecko?.id !== 'string') problems.push('addons.mozilla.org needs browser_specific_settings.gecko.id');
    if (gecko?.data_collection_permissions === undefined)
      problems.push('addons.mozilla.org needs browser_specific_settings.gecko.data_collection_permissions for new add-ons');
  }
  return problems;
}

/** Folders that must never be in the sources archive: installed or built, not written by us. */
export const NOT_SOURCES = ['node_modules/', '.output/', 'dist/', '.wxt/', '.git/'];

/** Files the sources archive must hold for a reviewer to rebuild the Firefox package. */
export const REQUIRED_SOURCES = ['package.json', 'package-lock.json', 'wxt.config.ts', 'tsconfig.json', 'README.md'];

export function sourcesProblems(entries: readonly string[]): string[] {
  const problems = REQUIRED_SOURCES.filter((file) => !entries.includes(file)).map((file) => `the sources archive lacks ${file}`);
  for (const folder of NOT_SOURCES) {
    const found = entries.find((entry) => entry.startsWith(folder) || entry.includes(`/${folder}`));
    if (found !== undefined) problems.push(`the sources archive holds ${found}, from ${folder}, which is built or installed, not source`);
  }
  return problems;
}
