/**
 * Whether a split trial's final fit is itself split into tree ranges (issue 13 item 5), and where. The
 * final fit is a split trial's largest part: a forest on every training row (~1.3 folds of training) plus
 * the test evaluation, the diagnostics' permutation importance and the artefact (~0.8 of a fold more).
 * With 5 folds on 2 workers it left one worker a fold short of the other. A random forest's trees are
 * independent, so its fit runs as {@link FIT_TREE_PARTS} tree ranges (each grows its trees exactly as
 * the whole fit does: tree t keeps the t-th seed fork) and the `fit` part then only merges them and
 * evaluates the merged forest — the same model, byte for byte, as the unsplit fit, wherever the ranges
 * are cut.
 *
 * Two ranges, not more: each range bins the training rows again and is one more job, and the merge
 * waits for the last range.
 *
 * Where they are cut: on 2 workers both ranges start together; the worker whose range ends first takes
 * a fold (the merge is not ready yet) and the one whose range ends last takes the merge. So one worker
 * runs {range, merge, k/2 folds} and the other {range, the other folds}, and with equal halves they
 * differ by a fold minus the merge (16k × 40, 5 folds: 0.93 − 0.73 s of CPU; one worker idled ~0.25 s at
 * the end of every quiet run). The first range is made longer by that difference, estimated from the
 * data's shape ({@link mergeRangeShare}), so the worker that merges has grown fewer of the other trees.
 */
import { RandomForestParamsSchema, RandomForestRegressorParamsSchema } from '../schemas/model-params.schema.js';
import { PERMUTATION_FEATURES, PERMUTATION_ROWS } from '../ml/diagnostics/trial-diagnostics.js';
import { resolveMaxFeatures } from '../ml/models/tree/tree-limits.js';

export const FIT_TREE_PARTS = 2;

/**
 * Growing one tree costs about this many test-row predictions per training row and candidate feature
 * per split (both walk ~depth levels, so the depth cancels). Measured on the bench's 16k × 40 forest
 * (fold parts, warm code): a 50-tree range 0.56 s of CPU, the merge (4,000 test rows and 41 × 1,000
 * permutation rows through 100 trees) 0.73 s, a fold 0.93 s — 0.7 with sqrt(40) = 6 features per split.
 */
const FIT_COST_PER_ROW_AND_FEATURE = 0.7;
/** The longer range's share of the trees at most: past it the merge waits for one range alone. */
const MAX_MERGE_RANGE_SHARE = 0.75;

/** What the cut needs to know of the trial's data: the sweep context's shape and split. */
export interface TreeRangeShape {
  /** Training rows (the sweep context's `fold_split.rows`). */
  trainRows: number;
  /** Test rows, estimated from the split's test size. */
  testRows: number;
  features: number;
  folds: number;
  task: 'classification' | 'regression';
}

/** The final fit's tree ranges [start, end) in tree order, or undefined when the fit stays one part. */
export function fitTreeRangesOf(model: string, modelParams: Readonly<Record<string, unknown>>, shape?: TreeRangeShape): Array<[number, number]> | undefined {
  if (model !== 'random_forest') return undefined;
  const schema = shape?.task === 'regression' ? RandomForestRegressorParamsSchema : RandomForestParamsSchema;
  const params = schema.safeParse(modelParams);
  // Params the learner would refuse: the trial fails in its first part; an even cut is as good as any.
  const trees = params.success ? params.data.n_estimators : RandomForestParamsSchema.shape.n_estimators.safeParse(modelParams.n_estimators).data;
  if (trees === undefined || trees < FIT_TREE_PARTS) return undefined;
  const share = shape === undefined || !params.success ? 0.5 : mergeRangeShare(shape, resolveMaxFeatures(params.data.max_features, shape.features));
  const cut = Math.min(trees - 1, Math.max(1, Math.floor(trees * share)));
  return [
    [0, cut],
    [cut, trees],
  ];
}

/**
 * The first range's share of the trees, so that {that range, the merge} costs what {the other range,
 * one fold} does: with r the cost of growing every tree on every training row, f a fold's and m the
 * merge's, share · r + m = (1 − share) · r + f, i.e. share = (1 + (f − m) / r) / 2 — in units of one
 * tree's prediction of one row, per tree: r = n · c, f = (k − 1)/k · n · c + n/k (its held-out rows),
 * m = test rows + permutation rows × (features + 1), where c = cost of growing a tree per training row.
 * Never below one half (a merge dearer than a fold would want the merging worker's range shorter, but
 * that worker is the one whose range ends last) nor above {@link MAX_MERGE_RANGE_SHARE}.
 */
export function mergeRangeShare(shape: TreeRangeShape, featuresPerSplit: number): number {
  const n = shape.trainRows;
  const k = shape.folds;
  if (n <= 0 || k < 2) return 0.5;
  const growPerRow = FIT_COST_PER_ROW_AND_FEATURE * Math.max(1, featuresPerSplit);
  const permutationRows = shape.features > PERMUTATION_FEATURES ? 0 : Math.min(shape.testRows, PERMUTATION_ROWS) * (shape.features + 1);
  const grow = n * growPerRow;
  const fold = ((k - 1) / k) * grow + n / k;
  const merge = shape.testRows + permutationRows;
  const share = (1 + (fold - merge) / grow) / 2;
  return Math.min(MAX_MERGE_RANGE_SHARE, Math.max(0.5, share));
}
