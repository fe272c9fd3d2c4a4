/**
 * Tree ensembles over sweepq's shared node arrays (node-store.ts) as ONNX, exactly:
 *
 * 1. Routing. One ai.onnx.ml `TreeEnsembleRegressor` (opset 3) walks every tree with thresholds as a
 *    double tensor (`nodes_values_as_tensor`): `BRANCH_LEQ` is sweepq's `x <= threshold` on the double
 *    input, and `nodes_missing_value_tracks_true` is its `missingLeft` (NaN goes left). Its output is
 *    not a prediction but, per tree (one target per tree), the tree-local index of the leaf reached: the
 *    op's output is float32, which holds these integers exactly (trees are capped at 2^24 nodes), while
 *    leaf *values* would be rounded.
 * 2. Values. The leaf indices (plus each tree's root offset) pick the double leaf values with Gather.
 * 3. Sum. Stage by stage with Add, in tree order, starting from `init` (or the first tree): the same
 *    additions in the same order as sweepq's predict, so sums are bit-identical, not just close. Then
 *    an optional division by the number of trees (forest mean).
 *
 * Classifiers and regressors share it: a forest classifier sums K class fractions per tree, gradient
 * boosting sums one score per tree with K trees per stage, a tree regressor sums one value per tree.
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { SerializedNodes } from '../../models/tree/node-store.js';
import { ML_DOMAIN, type GraphBuilder } from './graph-builder.js';

/** Largest tree whose leaf indices float32 holds exactly. */
const MAX_TREE_NODES = 2 ** 24;

export interface TreeSumOptions {
  /** Values per node in `nodes.value`: K class fractions, or 1 score. */
  valuesPerNode: number;
  /** Consecutive trees forming one stage, tree t adding to output t mod treesPerStage (default 1). */
  treesPerStage?: number;
  /** Starting value of each output (gradient boosting's init); without it the sum starts at the first stage. */
  init?: ArrayLike<number>;
  /** Divide the sum by the number of stages when there is more than one (a forest's mean). */
  mean?: boolean;
}

/**
 * Adds the ensemble to `g`: [N, F] double features → [N, W] double, W = treesPerStage × valuesPerNode.
 * @throws InvalidInputError INVALID_ARTIFACT when the node arrays do not fit the features or options.
 */
export function treeEnsembleGraph(g: GraphBuilder, features: string, nFeatures: number, nodes: SerializedNodes, options: TreeSumOptions): string {
  const { valuesPerNode } = options;
  const perStage = options.treesPerStage ?? 1;
  const nTrees = nodes.roots.length;
  const nNodes = nodes.feature.length;
  if (nTrees === 0 || nTrees % perStage !== 0)
    throw new InvalidInputError('INVALID_ARTIFACT', `tree ensemble has ${nTrees} trees, not a positive multiple of ${perStage}`);
  if (nodes.nFeatures > nFeatures)
    throw new InvalidInputError('INVALID_ARTIFACT', `trees were fitted on ${nodes.nFeatures} features, the pipeline makes ${nFeatures}`);
  if (nodes.value.length !== nNodes * valuesPerNode)
    throw new InvalidInputError('INVALID_ARTIFACT', `tree ensemble has ${nodes.value.length} leaf values for ${nNodes} nodes × ${valuesPerNode}`);
  const width = perStage * valuesPerNode;
  if (options.init !== undefined && options.init.length !== width)
    throw new InvalidInputError('INVALID_ARTIFACT', `tree ensemble has ${options.init.length} init values, expected ${width}`);

  const leaves = leafIndices(g, features, nodes);
  // 1-D values when there is one per node, so a stage's Gather yields [N, perStage] directly.
  const table = valuesPerNode === 1 ? g.doubles('leaf_values', nodes.value) : g.doubles('leaf_values', nodes.value, [nNodes, valuesPerNode]);
  const nStages = nTrees / perStage;
  let sum: string | null = options.init === undefined ? null : g.doubles('init', options.init);
  for (let s = 0; s < nStages; s++) {
    // One tree: a scalar column index gives [N] leaves → [N, valuesPerNode] (or [N] for one value).
    const columns =
      perStage === 1
        ? g.constant('tree', [], { type: 'int64', values: BigInt64Array.of(BigInt(s)) })
        : g.int64s(
            'stage_trees',
            Array.from({ length: perStage }, (_, k) => s * perStage + k),
          );
    const stageLeaves = g.node('Gather', [leaves, columns], 'stage_leaves', { axis: 1 });
    let values = g.node('Gather', [table, stageLeaves], 'stage_values', { axis: 0 });
    if (perStage > 1 && valuesPerNode > 1) values = g.reshape(values, [-1, width], 'stage_values');
    else if (width === 1) values = g.reshape(values, [-1, 1], 'stage_values');
    sum = sum === null ? values : g.add(sum, values, 'tree_sum');
  }
  if (sum === null) throw new Error('unreachable: an ensemble has at least one stage');
  return options.mean === true && nStages > 1 ? g.div(sum, g.scalar(nStages), 'tree_mean') : sum;
}

/** [N, nTrees] int64: the global node index of the leaf each row reaches in each tree. */
function leafIndices(g: GraphBuilder, features: string, nodes: SerializedNodes): string {
  const nTrees = nodes.roots.length;
  const nNodes = nodes.feature.length;
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const thresholds = new Float64Array(nNodes);
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTrees: number[] = [];
  const targetNodes: number[] = [];
  const targetIds: number[] = [];
  const targetWeights: number[] = [];
  for (let t = 0; t < nTrees; t++) {
    const root = nodes.roots[t]!;
    const end = t + 1 < nTrees ? nodes.roots[t + 1]! : nNodes;
    if (end - root > MAX_TREE_NODES)
      throw new InvalidInputError('INVALID_ARTIFACT', `tree ${t} has ${end - root} nodes; the ONNX export handles at most ${MAX_TREE_NODES} per tree`);
    for (let i = root; i < end; i++) {
      const local = i - root;
      const isLeaf = nodes.left[i]! < 0;
      treeIds.push(t);
      nodeIds.push(local);
      featureIds.push(isLeaf ? 0 : nodes.feature[i]!);
      modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
      thresholds[i] = isLeaf ? 0 : nodes.threshold[i]!;
      trueIds.push(isLeaf ? 0 : nodes.left[i]! - root);
      falseIds.push(isLeaf ? 0 : nodes.right[i]! - root);
      missingTrue.push(isLeaf ? 0 : nodes.missingLeft[i]!);
      if (isLeaf) {
        targetTrees.push(t);
        targetNodes.push(local);
        targetIds.push(t);
        targetWeights.push(local);
      }
    }
  }
  const local = g.node(
    'TreeEnsembleRegressor',
    [features],
    'leaf_local',
    {
      n_targets: nTrees,
      aggregate_function: 'SUM',
      post_transform: 'NONE',
      nodes_treeids: treeIds,
      nodes_nodeids: nodeIds,
      nodes_featureids: featureIds,
      nodes_modes: modes,
      nodes_values_as_tensor: { type: 'tensor', value: { name: '', dims: [nNodes], data: { type: 'double', values: thresholds } } },
      nodes_truenodeids: trueIds,
      nodes_falsenodeids: falseIds,
      nodes_missing_value_tracks_true: missingTrue,
      target_treeids: targetTrees,
      target_nodeids: targetNodes,
      target_ids: targetIds,
      target_weights: { type: 'floats', value: targetWeights },
    },
    ML_DOMAIN,
  );
  const asInt = g.node('Cast', [local], 'leaf_local_int', { to: 7 /* INT64 */ });
  return g.add(asInt, g.int64s('tree_roots', nodes.roots), 'leaf');
}
