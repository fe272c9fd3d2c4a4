/**
 * A forest's split rules packed 16 bytes a node for prediction walks (issue 13: the forest's
 * predictions of the CV folds and the test set are ~14% of a full-depth forest trial).
 *
 * A walk reads, per level, the node's feature, threshold and children: four separate node arrays are
 * four cache misses a level once a forest outgrows the caches (a 100-tree full-depth forest on 80k
 * rows has ~4.5M nodes), where one 16-byte record is one. The left child is not stored: the builders
 * number a split node's left child right after it (depth-first, left first, as scikit-learn does), so
 * it is node + 1 and usually in the same cache line; trees where that does not hold are not packed.
 *
 * Trees are packed a few at a time into one reused buffer of at most {@link PACKED_CHUNK_NODES} nodes
 * (larger trees get a larger buffer), so packing adds a few MB at predict time, not a copy of the
 * forest. Node i of a chunk (store node `first + i`): `threshold[2i]` its threshold; `link[4i + 2]` =
 * feature · 2 + missingLeft, or negative for a leaf; `link[4i + 3]` its right child, chunk-relative.
 *
 * A leaf's record also says what the walk adds, so the leaf's value (one more cache miss per row and
 * tree, ~a third of the walk's time in the profile) is read only when it must be: one output
 * (regression) has its value in `threshold[2i]`; a leaf with one class of value exactly 1 and the others
 * exactly 0 (a pure leaf, most of a full-depth forest's) has `link[4i + 2]` = {@link PURE_LEAF} − class;
 * other leaves have {@link MIXED_LEAF} and the caller reads the store's values.
 */
import type { NodeStore } from './node-store.js';

/**
 * Nodes per packed chunk: 8 MB of records. Each chunk copies every block of rows again, so a chunk
 * should hold many trees (a full-depth 100-tree forest on 80k rows is ~9 chunks: the copies are ~1–2% of
 * the walks), while staying small beside the forest itself (~37 bytes a node) and the trial's memory.
 */
const PACKED_CHUNK_NODES = 1 << 19;
/** Leaf code of a leaf whose values the caller reads from the store (see the file comment). */
export const MIXED_LEAF = -1;
/** Leaf code of a pure leaf of class 0; class c is PURE_LEAF − c. */
const PURE_LEAF = -2;

/** Packed split rules of some consecutive trees of a {@link NodeStore}; see the file comment. */
export class PackedNodes {
  threshold = new Float64Array(0);
  link = new Int32Array(0);
  /** Store index of the chunk's node 0. */
  first = 0;

  /**
   * Packs trees `fromTree`, `fromTree + 1`, … of `store` while they fit in a chunk (at least one).
   * @returns the end of the packed trees, or −1 (nothing usable) when a split node's left child is
   *   not the next node.
   */
  pack(store: NodeStore, fromTree: number): number {
    const roots = store.roots;
    const first = roots[fromTree]!;
    const endNode = (tree: number): number => (tree < roots.length ? roots[tree]! : store.size);
    let toTree = fromTree + 1;
    while (toTree < roots.length && endNode(toTree + 1) - first <= PACKED_CHUNK_NODES) toTree++;
    const n = endNode(toTree) - first;
    if (this.threshold.length < 2 * n) {
      const buffer = new ArrayBuffer(Math.max(n, PACKED_CHUNK_NODES) * 16);
      this.threshold = new Float64Array(buffer);
      this.link = new Int32Array(buffer);
    }
    const { threshold, link } = this;
    const { feature, left, right, missingLeft, value } = store;
    const k = store.nOutputs;
    for (let i = 0; i < n; i++) {
      const node = first + i;
      const l = left[node]!;
      if (l === -1) {
        if (k === 1) threshold[2 * i] = value[node]!;
        link[4 * i + 2] = k === 1 ? MIXED_LEAF : leafCode(value, node * k, k);
        continue;
      }
      if (l !== node + 1) return -1;
      threshold[2 * i] = store.threshold[node]!;
      link[4 * i + 2] = feature[node]! * 2 + missingLeft[node]!;
      link[4 * i + 3] = right[node]! - first;
    }
    this.first = first;
    return toTree;
  }

  /**
   * The store index of the leaf that the row at `block[base…]` (its features by index) reaches from
   * store node `root` of a packed tree: NodeStore.findLeaf's walk — left when x <= threshold, right
   * when x > threshold, NaN as missingLeft says.
   */
  findLeaf(root: number, block: Float64Array, base: number): number {
    const threshold = this.threshold;
    const link = this.link;
    let node = root - this.first;
    let code = link[4 * node + 2]!;
    while (code >= 0) {
      const x = block[base + (code >> 1)]!;
      const cut = threshold[2 * node]!;
      if (x <= cut) node = node + 1;
      else if (x > cut) node = link[4 * node + 3]!;
      else node = (code & 1) === 1 ? node + 1 : link[4 * node + 3]!;
      code = link[4 * node + 2]!;
    }
    return node + this.first;
  }

  /**
   * What a leaf found by {@link findLeaf} adds: the class of a pure leaf (≥ 0), or {@link MIXED_LEAF}
   * when its values are read from the store; for one output, {@link leafValue} holds its value.
   */
  leafClass(leaf: number): number {
    return PURE_LEAF - this.link[4 * (leaf - this.first) + 2]!;
  }

  /** The value of a one-output leaf found by {@link findLeaf}. */
  leafValue(leaf: number): number {
    return this.threshold[2 * (leaf - this.first)]!;
  }
}

/** {@link PackedNodes} leaf code of the k values at `value[base…]`: pure (one exact 1, the rest exact 0) or mixed. */
function leafCode(value: Float64Array, base: number, k: number): number {
  let pureClass = -1;
  for (let c = 0; c < k; c++) {
    const v = value[base + c]!;
    if (v === 1 && pureClass < 0) pureClass = c;
    else if (v !== 0) return MIXED_LEAF;
  }
  return pureClass < 0 ? MIXED_LEAF : PURE_LEAF - pureClass;
}
