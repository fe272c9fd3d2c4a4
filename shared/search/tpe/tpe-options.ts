/**
 * Options of the TPE sampler, with Optuna 5.0.0's defaults (but for conditional spaces), merged and
 * validated once.
 */
import { InvalidInputError } from '../../errors/index.js';

/** Number of "good" observations out of n finished ones. */
export type GammaFunction = (n: number) => number;

export interface TpeOptions {
  /** Random proposals until this many trials have finished (completed or pruned). Default 10. */
  n_startup_trials: number;
  /** Candidates drawn from l(x) per proposal; the one maximising l(x)/g(x) wins. Default 24. */
  n_ei_candidates: number;
  /**
   * Model an entry's params jointly (one kernel per trial across all params) instead of one
   * independent estimator per param. Default true, as Optuna 5 for single-objective studies.
   */
  multivariate: boolean;
  /** Count created-but-unfinished trials as bad observations so concurrent asks spread out. Default true. */
  constant_liar: boolean;
  /**
   * Size of the good group out of n finished trials: a function, or a fraction f meaning
   * min(ceil(f·n), 25). Default Optuna's min(ceil(0.1·n), 25).
   */
  gamma: GammaFunction | number;
  /** Weight of the prior kernel relative to one observation. Default 1. */
  prior_weight: number;
  /**
   * How a space of several models (entries) is searched. 'per_model' (default): the model by
   * Thompson sampling over its share of the good group, its params from its own trials split
   * among themselves. 'optuna': Optuna's group=True (the model by a categorical TPE, one good/bad
   * split over all trials). One-model spaces are the same either way.
   */
  conditional: 'per_model' | 'optuna';
}

export type TpeOptionsInput = Partial<TpeOptions>;

/** Optuna's default_gamma. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export const DEFAULT_TPE_OPTIONS: Readonly<TpeOptions> = Object.freeze({
  n_startup_trials: 10,
  n_ei_candidates: 24,
  multivariate: true,
  constant_liar: true,
  gamma: defaultGamma,
  prior_weight: 1,
  conditional: 'per_model',
});

const KNOWN_KEYS = Object.keys(DEFAULT_TPE_OPTIONS);

function invalid(key: string, message: string): InvalidInputError {
  return new InvalidInputError('INVALID_SPEC', `tpe option ${key} ${message}`, { details: { option: key } });
}

/**
 * Fills defaults and validates.
 * @throws InvalidInputError `INVALID_SPEC` naming the option and how to fix it.
 */
export function resolveTpeOptions(input: TpeOptionsInput = {}): TpeOptions {
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.includes(key)) throw invalid(key, `is not known (allowed: ${KNOWN_KEYS.join(', ')})`);
  }
  const options: TpeOptions = { ...DEFAULT_TPE_OPTIONS };
  for (const key of KNOWN_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  const wholeAtLeast = (key: 'n_startup_trials' | 'n_ei_candidates', min: number): void => {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw invalid(key, `must be a whole number ≥ ${min}, got ${String(value)} (the default is ${DEFAULT_TPE_OPTIONS[key]})`);
    }
  };
  wholeAtLeast('n_startup_trials', 0);
  wholeAtLeast('n_ei_candidates', 1);
  if (options.n_ei_candidates > 10_000) throw invalid('n_ei_candidates', `must be ≤ 10000, got ${options.n_ei_candidates} (the default is 24)`);
  if (options.conditional !== 'per_model' && options.conditional !== 'optuna')
    throw invalid('conditional', `must be per_model or optuna, got ${String(options.conditional)} (the default is per_model)`);
  for (const key of ['multivariate', 'constant_liar'] as const) {
    if (typeof options[key] !== 'boolean') throw invalid(key, `must be true or false, got ${String(options[key])}`);
  }
  const gamma = options.gamma;
  if (typeof gamma === 'number') {
    if (!(gamma > 0 && gamma <= 1)) throw invalid('gamma', `must be a fraction in (0, 1] or a function, got ${gamma} (the default is min(ceil(0.1 n), 25))`);
    options.gamma = (n: number) => Math.min(Math.ceil(gamma * n), 25);
  } else if (typeof gamma !== 'function') {
    throw invalid('gamma', `must be a fraction in (0, 1] or a function of n, got ${typeof gamma}`);
  }
  const prior = options.prior_weight;
  if (typeof prior !== 'number' || !Number.isFinite(prior) || prior < 0) {
    throw invalid('prior_weight', `must be a finite number ≥ 0, got ${String(prior)} (the default is 1)`);
  }
  return options;
}

/** gamma(n) as a usable count: a whole number in [0, n]. */
export function goodCount(gamma: GammaFunction | number, n: number): number {
  const raw = typeof gamma === 'number' ? Math.min(Math.ceil(gamma * n), 25) : gamma(n);
  if (!Number.isFinite(raw)) throw new RangeError(`gamma(${n}) returned ${raw}`);
  const count = Math.floor(raw);
  return count < 0 ? 0 : count > n ? n : count;
}
