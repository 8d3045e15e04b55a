/**
 * Porthole's stable extension ids, part of the contract: the host names them in the native
 * messaging host manifests it writes and accepts no other caller, the extension's manifest pins
 * them. Plain constants: no browser or Node APIs, safe to import from the extension, the host,
 * the installers and tests.
 *
 * The public key was made once by extension/scripts/generate-extension-key.ts; its private half
 * is not in the repository. extension/__tests__/extension-ids.test.ts checks that the id below is
 * the one Chromium derives from the key.
 */

/** Base64 of the DER (SubjectPublicKeyInfo) RSA-2048 public key: the manifest `key` for Chromium builds. */
export const CHROMIUM_PUBLIC_KEY = [
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA+m8Pxoe8FP1Cu2uNkTOwbG3aKBmeXEr8uGxz9QSHQ8OT9xkTm64Lg0MMTYVabbJRc7T+Dc2WV0AW',
  'tFlPSMVDEDaVLO5hNEVqK6xVwZwq95tCVtnDmjiIwwVqohvjAwcsneVug6HrInISryLyoFoAjXGRpqUgTV4KgnRZgus63ciTcv0j8uVbVyeEqg6LIg+MLK5n',
  'hP2NKY5ZrHDOwEiVg/rKIwza4FdLusmenYG9V51DZrV+U1ZY0RwJ2qEUcMbu6W/1GBgB6IpeGbLfxCBMawg66DgjRGLsTG20yJeVOg5Vn44m0jqtfwyGGOVM',
  'hiRFp/HD7SBckXSs6Oc6LAlQOwIDAQAB',
].join('');

/** Chromium, Chrome, Edge, Brave: first 32 hex digits of sha256(DER key), 0-f → a-p. */
export const CHROMIUM_EXTENSION_ID = 'pgghdkifhncjilkjconflkbflfchehjd';

/** The caller Chromium names in a host manifest's `allowed_origins` (and passes as the host's first argument). */
export const CHROMIUM_EXTENSION_ORIGIN = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;

/** Firefox: `browser_specific_settings.gecko.id`, named in a host manifest's `allowed_extensions`. */
export const FIREFOX_EXTENSION_ID = 'porthole@porthole.dev';
