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

/** Estimated peak bytes of a trial's training process. */
export function estimateTrialMemoryBytes(model: string, params: Readonly<Record<string, unknown>>, shape: DataShape): number {
  const { rows, features, classes } = shape;
  // The parsed table, the pipeline's transformed copy, per-fold views and bins.
  const data = rows * features * (8 * 3 + 2) + rows * 16;
  const outputs = classes > 2 ? classes : 1;
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
      model_ = treeNodes(rows, maxDepthOf(params, null), numberParam(params, 'min_samples_leaf', 1)) * (NODE_BYTES + classes * 8);
      break;
    case 'random_forest': {
      const trees = numberParam(params, 'n_estimators', 100);
      model_ = trees * treeNodes(rows, maxDepthOf(params, null), numberParam(params, 'min_samples_leaf', 1)) * (NODE_BYTES + classes * 8) + rows * 12;
      break;
    }
    case 'gradient_boosting': {
      const stages = numberParam(params, 'n_estimators', 100);
      model_ = stages * outputs * treeNodes(rows, maxDepthOf(params, 3), numberParam(params, 'min_samples_leaf', 1)) * NODE_BYTES + rows * outputs * 8 * 4;
      break;
    }
    default:
      model_ = 0;
  }
  return PROCESS_BASE_BYTES + data + model_;
}
