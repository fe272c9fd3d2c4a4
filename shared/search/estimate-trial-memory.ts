/**
 * A conservative estimate of the memory one trial's training process needs, from the data's shape, the
 * model and its params. Used at submit to refuse trials that cannot fit their memory limit (a poison
 * trial would otherwise kill worker after worker), so it errs on the high side for the terms that
 * explode — the dense Newton Hessian of a many-class logistic regression, forests of deep trees — and
 * stays coarse elsewhere.
 */

/** Rows, features and classes of a sweep's training data. */
export interface DataShape {
  rows: number;
  features: number;
  classes: number;
}

const MB = 1024 * 1024;
/** The training process itself: node, the learners' code, buffers (measured: ~60 MB resident). */
const PROCESS_BASE_BYTES = 96 * MB;
/** Bytes per tree node (split, threshold, children, value slots). */
const NODE_BYTES = 48;
/**
 * Bytes per node of a regression tree, its artefact included. Regression trees do not stop at pure
 * nodes: grown to single-row leaves they reach the worst-case node count, and the node arrays as JSON
 * (7 number arrays, then their text) outweigh the typed arrays. Measured: a 50-tree forest on 4,000 ×
 * 40 rows (253k nodes) peaks at 141 MiB against 89 MiB for one tree, ~200 bytes per node including the
 * CV folds' forests not yet collected; the node count here is an upper bound (2·rows per tree), so 150.
 */
const REGRESSION_NODE_BYTES = 150;

function numberParam(params: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = params[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Nodes of one tree grown to `depth` (null: until leaves are pure) on `rows` rows. */
function treeNodes(rows: number, depth: number | null, minSamplesLeaf: number): number {
  const byRows = (2 * rows) / Math.max(1, minSamplesLeaf);
  if (depth === null) return byRows;
  return Math.min(byRows, 2 ** (Math.min(depth, 40) + 1));
}

function maxDepthOf(params: Readonly<Record<string, unknown>>, fallback: number | null): number | null {
  const value = params.max_depth;
  if (value === null) return null;
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Estimated peak bytes of a trial's training process on data of `shape` for the sweep's `task`. */
export function estimateTrialMemoryBytes(
  model: string,
  params: Readonly<Record<string, unknown>>,
  shape: DataShape,
  task: 'classification' | 'regression' = 'classification',
): number {
  const { rows, features, classes } = shape;
  // The parsed table, the pipeline's transformed copy, per-fold views and bins.
  const data = rows * features * (8 * 3 + 2) + rows * 16;
  const regression = task === 'regression';
  // A regressor has one output (and one value per tree node), whatever `classes` says.
  const outputs = !regression && classes > 2 ? classes : 1;
  const nodeBytes = regression ? REGRESSION_NODE_BYTES : NODE_BYTES + classes * 8;
  let model_: number;
  switch (model) {
    case 'logistic_regression': {
      // Newton on all classes at once: a dense Hessian of (features + 1) × classes parameters, its
      // factor, and per-row probabilities and gradients.
      const p = (features + 1) * outputs;
      model_ = p * p * 8 * 2 + rows * outputs * 8 * 3;
      break;
    }
    case 'linear_regression':
    case 'ridge':
      // Normal equations: the (features + 1)² Gram matrix, its factor, and per-row residuals.
      model_ = (features + 1) * (features + 1) * 8 * 2 + rows * 8 * 2;
      break;
    case 'decision_tree':
      model_ = treeNodes(rows, maxDepthOf(params, null), numberParam(params, 'min_samples_leaf', 1)) * nodeBytes;
      break;
    case 'random_forest': {
      const trees = numberParam(params, 'n_estimators', 100);
      // Bootstrap weights and positions; a regressor also its targets.
      model_ = trees * treeNodes(rows, maxDepthOf(params, null), numberParam(params, 'min_samples_leaf', 1)) * nodeBytes + rows * (regression ? 20 : 12);
      break;
    }
    case 'gradient_boosting': {
      const stages = numberParam(params, 'n_estimators', 100);
      // Scores, gradients, targets and the Huber percentile scratch per output; in-bag positions.
      model_ =
        stages *
          outputs *
          treeNodes(rows, maxDepthOf(params, 3), numberParam(params, 'min_samples_leaf', 1)) *
          (regression ? REGRESSION_NODE_BYTES : NODE_BYTES) +
        rows * outputs * 8 * 4 +
        rows * 12;
      break;
    }
    default:
      model_ = 0;
  }
  return PROCESS_BASE_BYTES + data + model_;
}
