/**
 * A forest's split rules packed 16 bytes a node for prediction walks (issue 13: the forest's
 * predictions of the CV folds and the test set are ~14% of a full-depth forest trial).
 *
 * A walk reads, per level, the node's feature, threshold and children: four separate node arrays are
 * four cache misses a level once a forest outgrows the caches (a 100-tree full-depth forest on 80k
 * rows has ~4.5M nodes), where one 16-byte record is one. The left child is not stored: the builders
 * number a split node's left child right after it (depth-first, left first, as scikit-learn does), so
 * it is node + 1 and usually in the same cache line; a store where that does not hold is not packed.
 *
 * Node i: `threshold[2i]` its threshold; `link[4i + 2]` = feature · 2 + missingLeft, or −1 for a
 * leaf; `link[4i + 3]` its right child. Both arrays view one buffer.
 */
import type { NodeStore } from './node-store.js';

/** Packed split rules of a {@link NodeStore}; see the file comment. */
export interface PackedNodes {
  readonly threshold: Float64Array;
  readonly link: Int32Array;
}

/** Packs `store`'s nodes; @returns null when a split node's left child is not the next node. */
export function packNodes(store: NodeStore): PackedNodes | null {
  const n = store.size;
  const buffer = new ArrayBuffer(n * 16);
  const threshold = new Float64Array(buffer);
  const link = new Int32Array(buffer);
  const { feature, left, right, missingLeft } = store;
  for (let i = 0; i < n; i++) {
    const l = left[i]!;
    if (l === -1) {
      link[4 * i + 2] = -1;
      continue;
    }
    if (l !== i + 1) return null;
    threshold[2 * i] = store.threshold[i]!;
    link[4 * i + 2] = feature[i]! * 2 + missingLeft[i]!;
    link[4 * i + 3] = right[i]!;
  }
  return { threshold, link };
}

/**
 * The leaf that the row at `block[base…]` (its features by index) reaches from `root`: the walk of
 * NodeStore.findLeaf on packed nodes — left when x <= threshold, right when x > threshold, NaN as
 * missingLeft says.
 */
export function findPackedLeaf(packed: PackedNodes, root: number, block: Float64Array, base: number): number {
  const threshold = packed.threshold;
  const link = packed.link;
  let node = root;
  let code = link[4 * node + 2]!;
  while (code >= 0) {
    const x = block[base + (code >> 1)]!;
    const cut = threshold[2 * node]!;
    if (x <= cut) node = node + 1;
    else if (x > cut) node = link[4 * node + 3]!;
    else node = (code & 1) === 1 ? node + 1 : link[4 * node + 3]!;
    code = link[4 * node + 2]!;
  }
  return node;
}
