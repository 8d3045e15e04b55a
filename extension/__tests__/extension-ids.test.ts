import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_EXTENSION_ID,
  CHROMIUM_EXTENSION_ORIGIN,
  CHROMIUM_PUBLIC_KEY,
  FIREFOX_EXTENSION_ID,
} from '../../native-host/src/protocol/extension-ids';
import { chromiumIdFromPublicKey } from '../scripts/chromium-id';

describe('extension ids', () => {
  it('the Chromium id is the one Chromium derives from the manifest key', () => {
    expect(chromiumIdFromPublicKey(Buffer.from(CHROMIUM_PUBLIC_KEY, 'base64'))).toBe(CHROMIUM_EXTENSION_ID);
    expect(CHROMIUM_EXTENSION_ID).toMatch(/^[a-p]{32}$/);
    expect(CHROMIUM_EXTENSION_ORIGIN).toBe(`chrome-extension://${CHROMIUM_EXTENSION_ID}/`);
  });

  it('the key is a 2048-bit RSA SubjectPublicKeyInfo', async () => {
    const { createPublicKey } = await import('node:crypto');
    const key = createPublicKey({ key: Buffer.from(CHROMIUM_PUBLIC_KEY, 'base64'), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('Firefox has its fixed add-on id', () => {
    expect(FIREFOX_EXTENSION_ID).toBe('porthole@porthole.dev');
  });
});
