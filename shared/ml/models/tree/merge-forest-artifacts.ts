/**
 * Merges the artefacts of a forest fitted in tree ranges (tree-range.ts) back into the artefact of
 * the whole fit: the parts' node arrays one after another, their node indices (roots, children)
 * shifted by the nodes before them. Works on the public artefact shape of the forest classifier and
 * regressor (`{ name, version, params, ..., nFeatures, roots, feature, threshold, left, right,
 * missingLeft, value }`, node-store.ts), so it never depends on how the trees are grown. Parts fitted
 * with the same data, params and seed over consecutive ranges merge into exactly the object
 * `toJSON()` of the whole fit returns — same keys in the same order, same numbers.
 */
import { InvalidInputError } from '../../../errors/index.js';
import { SerializedNodesSchema, type SerializedNodes } from './node-store.js';

const LEAF = -1;

/** A forest artefact: the node arrays plus the model's own fields (name, version, params, ...). */
type ForestArtifact = SerializedNodes & Record<string, unknown>;

/**
 * The artefact of the whole forest from its parts' artefacts, in tree order.
 * @throws InvalidInputError INVALID_ARTIFACT when a part is not a forest artefact or the parts are not
 *   of one model (name, params, class and feature counts differ).
 */
export function mergeForestArtifacts(parts: readonly unknown[]): Record<string, unknown> {
  if (parts.length === 0) throw new InvalidInputError('INVALID_ARTIFACT', 'no forest parts to merge');
  const forests = parts.map(asForestArtifact);
  const first = forests[0]!;
  // Everything but the node arrays must be the same model (small fields: compared as JSON).
  const header = modelHeader(first);
  let nodes = 0;
  let trees = 0;
  for (let p = 0; p < forests.length; p++) {
    const forest = forests[p]!;
    if (modelHeader(forest) !== header) throw new InvalidInputError('INVALID_ARTIFACT', `forest part ${p} is of another model than part 0`);
    nodes += forest.feature.length;
    trees += forest.roots.length;
  }
  const nOutputs = first.feature.length === 0 ? 0 : first.value.length / first.feature.length;
  const roots = new Array<number>(trees);
  const feature = new Array<number>(nodes);
  const threshold = new Array<number>(nodes);
  const left = new Array<number>(nodes);
  const right = new Array<number>(nodes);
  const missingLeft = new Array<0 | 1>(nodes);
  const value = new Array<number>(nodes * nOutputs);
  let offset = 0;
  let tree = 0;
  for (let p = 0; p < forests.length; p++) {
    const forest = forests[p]!;
    const n = forest.feature.length;
    if (forest.value.length !== n * nOutputs) throw new InvalidInputError('INVALID_ARTIFACT', `forest part ${p} has ${forest.value.length} values for ${n} nodes`);
    for (let t = 0; t < forest.roots.length; t++) roots[tree++] = forest.roots[t]! + offset;
    for (let i = 0; i < n; i++) {
      const at = offset + i;
      feature[at] = forest.feature[i]!;
      threshold[at] = forest.threshold[i]!;
      const l = forest.left[i]!;
      const r = forest.right[i]!;
      left[at] = l === LEAF ? LEAF : l + offset;
      right[at] = r === LEAF ? LEAF : r + offset;
      missingLeft[at] = forest.missingLeft[i]!;
    }
    const base = offset * nOutputs;
    for (let i = 0; i < forest.value.length; i++) value[base + i] = forest.value[i]!;
    offset += n;
  }
  // Spread first: the merged artefact keeps the parts' key order (and so their JSON text's).
  return { ...first, roots, feature, threshold, left, right, missingLeft, value };
}

function asForestArtifact(part: unknown, index: number): ForestArtifact {
  const parsed = SerializedNodesSchema.pick({ nFeatures: true }).safeParse(part);
  const nodes = part as Partial<SerializedNodes> | null;
  if (!parsed.success || nodes === null || !Array.isArray(nodes.roots) || !Array.isArray(nodes.feature) || !Array.isArray(nodes.value)) {
    throw new InvalidInputError('INVALID_ARTIFACT', `forest part ${index} is not a forest artefact (no node arrays)`);
  }
  return part as ForestArtifact;
}

/** The model's fields other than its node arrays, as JSON. */
function modelHeader(forest: ForestArtifact): string {
  const { roots: _r, feature: _f, threshold: _t, left: _l, right: _ri, missingLeft: _m, value: _v, ...rest } = forest;
  return JSON.stringify(rest);
}
