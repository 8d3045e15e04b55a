/**
 * Run once: `npx tsx extension/scripts/generate-extension-key.ts`.
 *
 * Makes the RSA-2048 key pair that pins Porthole's Chromium extension id. The public half goes into
 * native-host/src/protocol/extension-ids.ts (the manifest `key`); the private half is written to extension/.keys/,
 * which is git-ignored. The private key is only needed to pack a self-signed .crx with the same id;
 * the id itself depends on the public key alone, so losing the private key never changes it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumIdFromPublicKey } from './chromium-id';

const keyDir = join(dirname(fileURLToPath(import.meta.url)), '..', '.keys');
const privateKeyPath = join(keyDir, 'porthole-extension.pem');

if (existsSync(privateKeyPath)) {
  console.error(`${privateKeyPath} already exists; remove it first to make a new key (this changes the Chromium id).`);
  process.exit(1);
}

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const der = publicKey.export({ type: 'spki', format: 'der' });
mkdirSync(keyDir, { recursive: true });
writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

console.log(`private key: ${privateKeyPath} (git-ignored; keep it safe)`);
console.log(`CHROMIUM_PUBLIC_KEY = '${der.toString('base64')}'`);
console.log(`CHROMIUM_EXTENSION_ID = '${chromiumIdFromPublicKey(der)}'`);
