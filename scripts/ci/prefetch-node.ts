/**
 * Fills the cache of verified Node tarballs (node_modules/.cache/porthole/node) for every target,
 * from the npm registry. .ci/run calls it before the tests, which then run in a network namespace
 * with loopback only: the single-executable builds and the installer tests find every Node there.
 */
import { ensureNodeTarball } from '../../installers/sea/node-binary.js';
import { TARGETS } from '../../installers/targets.js';

for (const target of TARGETS) console.log(`${target.id}: ${await ensureNodeTarball(target)}`);
