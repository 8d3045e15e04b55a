import { browser } from 'wxt/browser';

/**
 * The toolbar button's API: `action` in MV3, `browserAction` in MV2. WXT's Firefox build is MV2
 * (`wxt build -b firefox`), and webextension-polyfill does not alias one to the other, so we pick
 * whichever this build has.
 */
export function toolbarAction(): typeof browser.action {
  const mv2 = (browser as unknown as { browserAction?: typeof browser.action }).browserAction;
  return browser.action ?? mv2;
}
