import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { CHROMIUM_PUBLIC_KEY, FIREFOX_EXTENSION_ID } from './native-host/src/protocol/extension-ids';

/**
 * One source, two builds: `wxt build` (Chromium MV3, .output/chrome-mv3) and `wxt build -b firefox`
 * (Firefox MV2, .output/firefox-mv2). Entry points live in extension/entrypoints/.
 */
export default defineConfig({
  srcDir: 'extension',
  // Icons and other static files belong to the extension too.
  publicDir: 'extension/public',
  // `browser` is webextension-polyfill's, so both builds call the same promise-based API.
  modules: ['@wxt-dev/webextension-polyfill'],
  // Imports are written out in every file: a reader sees where each name comes from.
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // The offscreen page is Chromium's alone (its index.html excludes Firefox). Dropped from the list
    // here, it is left out of the Firefox build without WXT's "entrypoints have been skipped"
    // warning, so that a clean build prints none (issue 12).
    'entrypoints:resolved': (wxt, entrypoints) => {
      if (wxt.config.browser !== 'firefox') return;
      const index = entrypoints.findIndex((entrypoint) => entrypoint.name === 'offscreen');
      if (index !== -1) entrypoints.splice(index, 1);
    },
    // …and its address stays a typed path whichever browser was built last (extension/lib/quirks).
    'prepare:publicPaths': (wxt, paths) => {
      if (wxt.config.browser === 'firefox' && !paths.includes('offscreen.html')) paths.push('offscreen.html');
    },
  },
  manifest: ({ browser, manifestVersion }) => {
    const chromium = browser !== 'firefox';
    return {
      name: 'Porthole',
      description: 'Share the localhost page in your tab with anyone, in one click, through a Cloudflare quick tunnel.',
      permissions: [
        'nativeMessaging',
        'storage',
        'contextMenus',
        'notifications',
        // The popup and its pop-out view read the tab's address to tell a localhost page from others.
        'tabs',
        'clipboardWrite',
        // MV3 service workers have no DOM, so Chromium copies from an offscreen document.
        ...(chromium && manifestVersion === 3 ? ['offscreen'] : []),
      ],
      ...(chromium ? { key: CHROMIUM_PUBLIC_KEY } : {}),
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: FIREFOX_EXTENSION_ID,
                // storage.session, which holds the share state, arrived in Firefox 115 (MV2 and MV3).
                strict_min_version: manifestVersion === 3 ? '128.0' : '115.0',
                data_collection_permissions: { required: ['none'] },
              },
            },
          }
        : {}),
    };
  },
});
