/**
 * The last step of `npm run build`: records that the host and both extension builds now match
 * their sources, so that the next npm start (after `npm test`, say) does not build them again.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashInputs, writeStamp } from './build-stamp.js';
import { CHROMIUM_EXTENSION_STEP, FIREFOX_EXTENSION_STEP, HOST_STEP } from './build-steps.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const step of [HOST_STEP, CHROMIUM_EXTENSION_STEP, FIREFOX_EXTENSION_STEP])
  writeStamp(root, step.name, hashInputs(root, step.inputs), step.outputs);
