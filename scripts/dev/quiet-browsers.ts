/**
 * How a throwaway browser stays off the network unless a page asks: no component or safe-browsing
 * updates, no sync, no telemetry, no prefetching. npm start and the end-to-end harnesses use these
 * lists, so that tests never send a packet past this machine and a developer's session does not
 * fetch what a throwaway profile never uses.
 */

/** Chromium flags (FACTS.md: without them Chromium floods a closed network with refused connections). */
export const QUIET_CHROMIUM_ARGS: readonly string[] = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
];

/**
 * Firefox prefs for user.js. The Remote Agent adds its own recommended prefs (no app updates, no
 * telemetry upload, no first-run pages); these cover what it leaves on.
 */
export const QUIET_FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>> = {
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'browser.safebrowsing.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'extensions.getAddons.cache.enabled': false,
  'extensions.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.newtabpage.activity-stream.feeds.topsites': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.topsites.contile.enabled': false,
  'browser.region.update.enabled': false,
  'browser.search.update': false,
  'geo.provider.network.url': '',
  'media.gmp-manager.updateEnabled': false,
  'services.sync.engine.addons': false,
};

export function userJs(prefs: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
    .join('');
}
