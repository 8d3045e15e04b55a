/**
 * The SEA blob for every target, made by the pinned Node of the build machine's own target (the
 * only pinned binary that can run here). Returns that binary too: building this machine's own
 * executable reuses it instead of extracting it a second time.
 */
import { join } from 'node:path';
import { type Target, targetFor } from '../targets.js';
import { extractNodeBinary, type NodeBinarySource } from './node-binary.js';
import { makeSeaBlob } from './sea-blob.js';

export interface HostBlob {
  blob: string;
  /** The build machine's target and its pinned Node binary (unmodified, in workDir). */
  builder: Target;
  builderNode: string;
}

export async function makeHostBlob(bundle: string, workDir: string, source: NodeBinarySource = {}): Promise<HostBlob> {
  const builder = targetFor();
  const builderNode = await extractNodeBinary(builder, join(workDir, `node${builder.exeSuffix}`), source);
  const blob = await makeSeaBlob({ node: builderNode, main: bundle, workDir });
  return { blob, builder, builderNode };
}
