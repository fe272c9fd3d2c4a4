/**
 * The node arrays of a forest fitted in tree ranges (tree-range.ts), merged back into the whole
 * forest's: each part's nodes after the previous parts', its node indices (roots, children) shifted
 * by the nodes before it. Parts fitted with the same data, params and seed over consecutive ranges
 * merge into exactly the node arrays of the whole fit. Typed arrays in and out: a 100-tree forest has
 * ~0.5M nodes, and parsing or validating them as JSON cost more than a range's training.
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { SerializedNodes } from './node-store.js';

const LEAF = -1;

/** Node arrays of one part, as node-store.ts keeps them (`value`: nodes × nOutputs). */
export interface ForestNodes {
  nFeatures: number;
  roots: number[];
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
}

/** @throws InvalidInputError INVALID_ARTIFACT when the parts differ in feature or output counts. */
export function mergeForestNodes(parts: readonly ForestNodes[]): ForestNodes {
  const first = parts[0];
  if (first === undefined) throw new InvalidInputError('INVALID_ARTIFACT', 'no forest parts to merge');
  const nOutputs = first.feature.length === 0 ? 1 : first.value.length / first.feature.length;
  let nodes = 0;
  let trees = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const n = part.feature.length;
    if (part.nFeatures !== first.nFeatures)
      throw new InvalidInputError('INVALID_ARTIFACT', `forest part ${p} has ${part.nFeatures} features, part 0 ${first.nFeatures}`);
    if (part.value.length !== n * nOutputs) throw new InvalidInputError('INVALID_ARTIFACT', `forest part ${p} has ${part.value.length} values for ${n} nodes`);
    nodes += n;
    trees += part.roots.length;
  }
  const merged: ForestNodes = {
    nFeatures: first.nFeatures,
    roots: new Array<number>(trees),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    missingLeft: new Uint8Array(nodes),
    value: new Float64Array(nodes * nOutputs),
  };
  let offset = 0;
  let tree = 0;
  for (const part of parts) {
    const n = part.feature.length;
    for (let t = 0; t < part.roots.length; t++) merged.roots[tree++] = part.roots[t]! + offset;
    merged.feature.set(part.feature, offset);
    merged.threshold.set(part.threshold, offset);
    merged.missingLeft.set(part.missingLeft, offset);
    merged.value.set(part.value, offset * nOutputs);
    for (let i = 0; i < n; i++) {
      const l = part.left[i]!;
      const r = part.right[i]!;
      merged.left[offset + i] = l === LEAF ? LEAF : l + offset;
      merged.right[offset + i] = r === LEAF ? LEAF : r + offset;
    }
    offset += n;
  }
  return merged;
}

/**
 * The nodes as the artefact's node fields for NodeStore.fromJSON, which reads them by index and
 * length only: typed arrays pass without a copy into plain arrays (checked like any artefact).
 */
export function asSerializedNodes(nodes: ForestNodes): SerializedNodes {
  return nodes;
}
