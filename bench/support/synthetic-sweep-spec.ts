/**
 * The sweep specs the system benchmarks submit: a make_classification dataset (target column
 * `target`), a stratified split, AUC as the objective, and either an explicit trial list or a random
 * search. Only the dataset size, pipeline, CV and trials change between benchmarks, so they are the
 * parameters; the rest is fixed here so every benchmark measures the same kind of sweep.
 */

/** Arguments of the make_classification dataset generator (scikit-learn names). */
export interface SyntheticDataset {
  n_samples: number;
  n_features: number;
  n_informative: number;
  n_redundant: number;
  random_state: number;
}

/** What differs between the benchmarks' sweeps. */
export interface SyntheticSweepOptions {
  name: string;
  seed: number;
  dataset: SyntheticDataset;
  /** Fraction of rows held out as the test split. */
  testSize: number;
  pipeline: Record<string, unknown>;
  cv: Record<string, unknown>;
  /** `{ trials: [...] }` or {@link randomSearch}'s `{ search: {...} }`. */
  trials: { trials: Array<Record<string, unknown>> } | { search: Record<string, unknown> };
}

/** A sweep spec as the API accepts it (parsed by the sweep spec schema on submit). */
export function syntheticSweepSpec(options: SyntheticSweepOptions): Record<string, unknown> {
  return {
    name: options.name,
    seed: options.seed,
    dataset: { make_classification: options.dataset, target: 'target' },
    split: { test_size: options.testSize, random_state: 0, stratify: true },
    pipeline: options.pipeline,
    cv: options.cv,
    objective: { metric: 'auc_roc', goal: 'maximize' },
    ...options.trials,
  };
}

/** The `search` part of a spec: `maxTrials` random draws from `space`, seeded. */
export function randomSearch(maxTrials: number, seed: number, space: Array<Record<string, unknown>>): { search: Record<string, unknown> } {
  return { search: { method: 'random', max_trials: maxTrials, seed, space } };
}
