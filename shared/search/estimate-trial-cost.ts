/**
 * A rough relative cost of training a trial, from its model and params alone. Only the order matters:
 * the feeder enqueues the costliest trials of each window first (longest-processing-time-first), so
 * the last trials to finish are short ones and workers do not idle while one long trial runs alone.
 */
export function estimateTrialCost(model: string, params: Readonly<Record<string, unknown>>): number {
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
      return 1;
    case 'decision_tree':
      return depth(null);
    case 'random_forest':
      return number('n_estimators', 100) * depth(null);
    case 'gradient_boosting':
      return number('n_estimators', 100) * depth(3) * 1.5 * number('subsample', 1);
    default:
      return 1;
  }
}
