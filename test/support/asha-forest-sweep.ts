/** A 9-trial ASHA grid on small forests (rungs at 3 and 9 of 27 trees): most trials stop at a rung. */
export function ashaForestSweep(name: string) {
  return {
    name,
    dataset: { make_classification: { n_samples: 240, n_features: 6, n_informative: 3, n_redundant: 1, random_state: 5 }, target: 'target' },
    pipeline: { imputer: null, scaler: null },
    cv: { folds: 3, scoring: 'auc_roc' },
    objective: { metric: 'cv_mean', goal: 'maximize' },
    search: {
      method: 'grid',
      pruner: { method: 'asha', min_resource: 3, reduction_factor: 3 },
      space: [{ model: 'random_forest', params: { n_estimators: 27, max_depth: { values: [1, 3, 6] }, min_samples_leaf: { values: [1, 30, 60] } } }],
    },
  };
}
