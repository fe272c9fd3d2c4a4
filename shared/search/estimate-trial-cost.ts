/**
 * Random forest regressors split on every feature by default (scikit-learn's max_features=1.0), the
 * classifiers on √p: measured 3.7× the classifier's CPU per tree (20 trees, 20 features, runTrial with
 * 5-fold CV). Boosting and single trees use every feature for both tasks and cost the same (Huber too).
 */
const REGRESSION_FOREST_FACTOR = 4;

/**
 * A rough relative cost of training a trial, from its model, params and the sweep's task. Only the
 * order matters: the feeder enqueues the costliest trials of each window first
 * (longest-processing-time-first), so the last trials to finish are short ones and workers do not idle
 * while one long trial runs alone.
 */
export function estimateTrialCost(model: string, params: Readonly<Record<string, unknown>>, task: 'classification' | 'regression' = 'classification'): number {
  const number = (key: string, fallback: number): number => {
    const value = params[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  };
  // A depth-limited tree costs about its depth in passes over the data; unlimited trees grow ~12 deep
  // on typical tabular data.
  const depth = (fallback: number | null): number => {
    const value = params.max_depth;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return fallback ?? 12;
  };
  switch (model) {
    case 'logistic_regression':
    case 'linear_regression':
    case 'ridge':
      return 1;
    case 'decision_tree':
      return depth(null);
    case 'random_forest': {
      // max_features 1 is one feature (not scikit-learn's 1.0): only the default means every feature.
      const everyFeature = task === 'regression' && (params.max_features === undefined || params.max_features === null);
      return number('n_estimators', 100) * depth(null) * (everyFeature ? REGRESSION_FOREST_FACTOR : 1);
    }
    case 'gradient_boosting':
      return number('n_estimators', 100) * depth(3) * 1.5 * number('subsample', 1);
    default:
      return 1;
  }
}
