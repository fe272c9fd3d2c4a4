/**
 * Flat, growable storage for the nodes of one tree or of a whole ensemble (sklearn's `Tree` arrays).
 * Trees of an ensemble are appended one after another; each is identified by its root index. Parallel
 * typed arrays instead of node objects keep prediction a tight loop over numbers and serialize as a
 * handful of base64 byte strings (see node-array-codec.ts).
 *
 * Split rule of an internal node: go left when `x <= threshold`, right when `x > threshold`, and
 * follow `missingLeft` when x is NaN. Leaves have `left = right = -1` and `feature = -1`.
 * Children always have larger indices than their parent, which `fromJSON` checks so a loaded tree can
 * never loop.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { Float64NodeArray, Int32NodeArray, nodeArraySchema, Uint8NodeArray } from './node-array-codec.js';

const LEAF = -1;
const INITIAL_CAPACITY = 256;

const int32s = (source: ArrayBuffer | ArrayLike<number>): Int32Array => (source instanceof ArrayBuffer ? new Int32Array(source) : Int32Array.from(source));
const float64s = (source: ArrayBuffer | ArrayLike<number>): Float64Array =>
  source instanceof ArrayBuffer ? new Float64Array(source) : Float64Array.from(source);
const uint8s = (source: ArrayBuffer | ArrayLike<number>): Uint8Array => (source instanceof ArrayBuffer ? new Uint8Array(source) : Uint8Array.from(source));

/**
 * Serialized node arrays (all of one length, except `value`: nodes × nOutputs). Each array is a
 * typed array once parsed, whichever of the forms of node-array-codec.ts it was stored in.
 */
export const SerializedNodesSchema = z.object({
  nFeatures: z.number().int().min(0),
  roots: z.array(z.number().int().min(0)),
  feature: nodeArraySchema('int32', int32s, z.number().int().min(LEAF)),
  threshold: nodeArraySchema('float64', float64s, z.number()),
  left: nodeArraySchema('int32', int32s, z.number().int().min(LEAF)),
  right: nodeArraySchema('int32', int32s, z.number().int().min(LEAF)),
  missingLeft: nodeArraySchema('uint8', uint8s, z.union([z.literal(0), z.literal(1)])),
  value: nodeArraySchema('float64', float64s, z.number()),
});
export type SerializedNodes = z.output<typeof SerializedNodesSchema>;

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
    const arrays = allocateNodeArrays(Math.max(1, capacity), nOutputs);
    this.feature = arrays.feature;
    this.threshold = arrays.threshold;
    this.left = arrays.left;
    this.right = arrays.right;
    this.missingLeft = arrays.missingLeft;
    this.value = arrays.value;
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

  /**
   * Views of the used part, no copies: they index like arrays and become base64 only when
   * JSON.stringify reaches them (see node-array-codec.ts). They share the store's memory, so they
   * hold its values as long as the store is not refitted.
   */
  toJSON(): SerializedNodes {
    const n = this.size;
    const view = <T>(
      make: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
      array: Int32Array | Float64Array | Uint8Array,
      length: number,
    ): T => new make(array.buffer as ArrayBuffer, array.byteOffset, length);
    return {
      nFeatures: this.nFeatures,
      roots: this.roots.slice(),
      feature: view(Int32NodeArray, this.feature, n),
      threshold: view(Float64NodeArray, this.threshold, n),
      left: view(Int32NodeArray, this.left, n),
      right: view(Int32NodeArray, this.right, n),
      missingLeft: view(Uint8NodeArray, this.missingLeft, n),
      value: view(Float64NodeArray, this.value, n * this.nOutputs),
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
      if (feature >= nodes.nFeatures || feature < LEAF) bad(`node ${i} splits on feature ${feature} of ${nodes.nFeatures}`);
      if (nodes.missingLeft[i]! > 1) bad(`node ${i} has missingLeft ${nodes.missingLeft[i]}, expected 0 or 1`);
    }
    store.feature.set(nodes.feature);
    store.threshold.set(nodes.threshold);
    store.left.set(nodes.left);
    store.right.set(nodes.right);
    store.missingLeft.set(nodes.missingLeft);
    store.value.set(nodes.value);
    store.size = n;
    store.roots = nodes.roots.slice();
    return store;
  }

  /** Reallocates every array at `capacity` (≥ size), keeping the used part. */
  private grow(capacity: number): void {
    const n = this.size;
    const arrays = allocateNodeArrays(capacity, this.nOutputs);
    arrays.feature.set(this.feature.subarray(0, n));
    arrays.threshold.set(this.threshold.subarray(0, n));
    arrays.left.set(this.left.subarray(0, n));
    arrays.right.set(this.right.subarray(0, n));
    arrays.missingLeft.set(this.missingLeft.subarray(0, n));
    arrays.value.set(this.value.subarray(0, n * this.nOutputs));
    this.feature = arrays.feature;
    this.threshold = arrays.threshold;
    this.left = arrays.left;
    this.right = arrays.right;
    this.missingLeft = arrays.missingLeft;
    this.value = arrays.value;
  }
}

/**
 * The six node arrays of `capacity` nodes as views of one ArrayBuffer (doubles first, for alignment).
 * One allocation, not six: a 100-tree forest's arrays are ~60 MB in all but 2–18 MB each, and glibc
 * serves blocks under its (adaptive, up to 32 MB) mmap threshold from its heap, where freed forests of
 * a trial's CV folds stayed resident — a trial of six forest fits peaked ~100 MB above one fit's.
 * A single block past the threshold is mapped on its own and returned to the system when freed.
 */
function allocateNodeArrays(capacity: number, nOutputs: number) {
  const doubles = capacity * (1 + nOutputs);
  const buffer = new ArrayBuffer(doubles * 8 + capacity * 13);
  let offset = 0;
  const threshold = new Float64Array(buffer, offset, capacity);
  offset += capacity * 8;
  const value = new Float64Array(buffer, offset, capacity * nOutputs);
  offset += capacity * nOutputs * 8;
  const feature = new Int32Array(buffer, offset, capacity);
  offset += capacity * 4;
  const left = new Int32Array(buffer, offset, capacity);
  offset += capacity * 4;
  const right = new Int32Array(buffer, offset, capacity);
  offset += capacity * 4;
  const missingLeft = new Uint8Array(buffer, offset, capacity);
  return { threshold, value, feature, left, right, missingLeft };
}
