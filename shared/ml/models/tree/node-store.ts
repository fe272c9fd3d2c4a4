/**
 * Flat, growable storage for the nodes of one tree or of a whole ensemble (sklearn's `Tree` arrays).
 * Trees of an ensemble are appended one after another; each is identified by its root index. Parallel
 * typed arrays instead of node objects keep prediction a tight loop over numbers and serialize as a
 * handful of plain number arrays.
 *
 * Split rule of an internal node: go left when `x <= threshold`, right when `x > threshold`, and
 * follow `missingLeft` when x is NaN. Leaves have `left = right = -1` and `feature = -1`.
 * Children always have larger indices than their parent, which `fromJSON` checks so a loaded tree can
 * never loop.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';

const LEAF = -1;
const INITIAL_CAPACITY = 256;

/** Serialized node arrays (all of one length, except `value`: nodes × nOutputs). */
export const SerializedNodesSchema = z.object({
  nFeatures: z.number().int().min(0),
  roots: z.array(z.number().int().min(0)),
  feature: z.array(z.number().int().min(LEAF)),
  threshold: z.array(z.number()),
  left: z.array(z.number().int().min(LEAF)),
  right: z.array(z.number().int().min(LEAF)),
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  value: z.array(z.number()),
});
export type SerializedNodes = z.infer<typeof SerializedNodesSchema>;

/** Node arrays of a tree ensemble; `nOutputs` values per node (class fractions, or one score). */
export class NodeStore {
  readonly nOutputs: number;
  /** Number of features the trees were fitted on (inputs must have at least this many columns). */
  nFeatures: number;
  /** Number of nodes in use. */
  size = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  /** Root node index of each tree, in fit order. */
  roots: number[] = [];

  constructor(nOutputs: number, nFeatures: number, capacity: number = INITIAL_CAPACITY) {
    this.nOutputs = nOutputs;
    this.nFeatures = nFeatures;
    const c = Math.max(1, capacity);
    this.feature = new Int32Array(c);
    this.threshold = new Float64Array(c);
    this.left = new Int32Array(c);
    this.right = new Int32Array(c);
    this.missingLeft = new Uint8Array(c);
    this.value = new Float64Array(c * nOutputs);
  }

  /** Appends a leaf (values zero) and returns its index; grows the arrays geometrically. */
  addNode(): number {
    if (this.size === this.feature.length) this.grow(this.size * 2);
    const id = this.size++;
    this.feature[id] = LEAF;
    this.threshold[id] = 0;
    this.left[id] = LEAF;
    this.right[id] = LEAF;
    this.missingLeft[id] = 0;
    return id;
  }

  /**
   * Makes room for `capacity` nodes in one step. Ensembles call it between trees with a projection of
   * the nodes still to come (see {@link reserveForTrees}), so the store ends near its final size
   * instead of doubling past it: a 100-tree full-depth regression forest has ~2M nodes, and a late
   * doubling left ~60 MB unused and briefly held both copies (~180 MB).
   */
  reserve(capacity: number): void {
    if (capacity > this.feature.length) this.grow(capacity);
  }

  /**
   * Before growing tree `treesDone` of `nTrees`: when the trees so far, averaged, project past the
   * capacity, reserve the projected total plus an eighth (trees of one forest are alike in size).
   */
  reserveForTrees(treesDone: number, nTrees: number): void {
    if (treesDone === 0) return;
    const projected = Math.ceil((this.size / treesDone) * nTrees * 1.125);
    if (projected > this.feature.length) this.reserve(projected);
  }

  /** Turns a node into an internal node (children are linked by {@link setChild}). */
  setSplit(node: number, feature: number, threshold: number, missingLeft: boolean): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.missingLeft[node] = missingLeft ? 1 : 0;
  }

  setChild(parent: number, isLeft: boolean, child: number): void {
    if (isLeft) this.left[parent] = child;
    else this.right[parent] = child;
  }

  /** Index of the leaf that row `row` of `columns` reaches from `root`. */
  findLeaf(root: number, columns: readonly Float64Array[], row: number): number {
    const left = this.left;
    let node = root;
    let next = left[node]!;
    while (next !== LEAF) {
      const x = columns[this.feature[node]!]![row]!;
      const t = this.threshold[node]!;
      if (x <= t) node = next;
      else if (x > t) node = this.right[node]!;
      else node = this.missingLeft[node] === 1 ? next : this.right[node]!;
      next = left[node]!;
    }
    return node;
  }

  /** Number of nodes of the tree rooted at `roots[tree]`. */
  treeSize(tree: number): number {
    const start = this.roots[tree]!;
    const end = tree + 1 < this.roots.length ? this.roots[tree + 1]! : this.size;
    return end - start;
  }

  /** Plain arrays of the used part (typed arrays would serialize as index-keyed objects). */
  toJSON(): SerializedNodes {
    const n = this.size;
    return {
      nFeatures: this.nFeatures,
      roots: this.roots.slice(),
      feature: plainArray(this.feature, n),
      threshold: plainArray(this.threshold, n),
      left: plainArray(this.left, n),
      right: plainArray(this.right, n),
      missingLeft: plainArray(this.missingLeft, n) as (0 | 1)[],
      value: plainArray(this.value, n * this.nOutputs),
    };
  }

  /**
   * Rebuilds a store from parsed JSON, checking every index so prediction cannot read out of range
   * or loop. @throws InvalidInputError INVALID_ARTIFACT when the arrays are inconsistent.
   */
  static fromJSON(nodes: SerializedNodes, nOutputs: number, expectedTrees?: number): NodeStore {
    const n = nodes.feature.length;
    const bad = (why: string): never => {
      throw new InvalidInputError('INVALID_ARTIFACT', `tree model artefact is inconsistent: ${why}`);
    };
    if (nodes.threshold.length !== n || nodes.left.length !== n || nodes.right.length !== n || nodes.missingLeft.length !== n) {
      bad('node arrays differ in length');
    }
    if (nodes.value.length !== n * nOutputs) bad(`value has ${nodes.value.length} entries, expected ${n * nOutputs}`);
    if (expectedTrees !== undefined && nodes.roots.length !== expectedTrees) bad(`${nodes.roots.length} trees, expected ${expectedTrees}`);
    for (let t = 0; t < nodes.roots.length; t++) {
      const root = nodes.roots[t]!;
      const next = t + 1 < nodes.roots.length ? nodes.roots[t + 1]! : n;
      if (root >= next) bad(`tree ${t} has no nodes`);
      if (t === 0 && root !== 0) bad('first tree does not start at node 0');
    }
    const store = new NodeStore(nOutputs, nodes.nFeatures, n);
    for (let i = 0; i < n; i++) {
      const feature = nodes.feature[i]!;
      const left = nodes.left[i]!;
      const right = nodes.right[i]!;
      const isLeaf = left === LEAF;
      if (isLeaf !== (right === LEAF) || isLeaf !== (feature === LEAF)) bad(`node ${i} is half leaf, half split`);
      if (!isLeaf && (left <= i || right <= i || left >= n || right >= n)) bad(`node ${i} has out-of-order children`);
      if (feature >= nodes.nFeatures) bad(`node ${i} splits on feature ${feature} of ${nodes.nFeatures}`);
      store.feature[i] = feature;
      store.threshold[i] = nodes.threshold[i]!;
      store.left[i] = left;
      store.right[i] = right;
      store.missingLeft[i] = nodes.missingLeft[i]!;
    }
    store.value.set(nodes.value);
    store.size = n;
    store.roots = nodes.roots.slice();
    return store;
  }

  /** Reallocates every array at `capacity` (≥ size), keeping the used part. */
  private grow(capacity: number): void {
    const n = this.size;
    this.feature = resized(this.feature, n, capacity);
    this.left = resized(this.left, n, capacity);
    this.right = resized(this.right, n, capacity);
    this.threshold = resized(this.threshold, n, capacity);
    this.missingLeft = resized(this.missingLeft, n, capacity);
    this.value = resized(this.value, n * this.nOutputs, capacity * this.nOutputs);
  }
}

/**
 * The first n values as a plain array allocated at its final size. Array.from grows its result as it
 * goes: for the 1.6M nodes of a 100-tree full-depth forest that was ~1.4× the memory and 3× the time,
 * and the transient garbage set the peak RSS of a regression forest trial.
 */
function plainArray(values: Int32Array | Float64Array | Uint8Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return out;
}

/** A new array of `capacity` entries holding the first `used` entries of `source`. */
function resized<T extends Int32Array | Float64Array | Uint8Array>(source: T, used: number, capacity: number): T {
  const target = new (source.constructor as new (length: number) => T)(capacity);
  target.set(source.subarray(0, used));
  return target;
}
