/**
 * How a search spends its budget, beyond the space it searches (issue 11): TPE options, an early-
 * stopping pruner and stop rules. Each block is a strict mapping with Optuna's defaults
 * documented; cross-field rules (a pruner needs models with the resource, TPE options need method
 * tpe) are checked by the search schema, which sees the space.
 */
import { z } from 'zod';
import { describeValue, strict } from './spec-messages.js';
import { ExperimentNameSchema } from './spec-scalars.schema.js';

/** `search.tpe:` — options of the TPE sampler (defaults: Optuna 5.0.0's, see shared/search/tpe/tpe-options.ts). */
export const TpeSpecSchema = strict({
  /** Uniform proposals until this many trials have finished. Default 10. */
  n_startup_trials: z.number().int().min(0).max(100_000).optional(),
  /** Candidates drawn per proposal. Default 24. */
  n_ei_candidates: z.number().int().min(1).max(10_000).optional(),
  /** One joint estimator per model instead of one per param. Default true. */
  multivariate: z.boolean().optional(),
  /** Running trials count as bad observations, so parallel workers spread out. Default true. */
  constant_liar: z.boolean().optional(),
  /** Fraction f of the finished trials that are "good": min(ceil(f·n), 25). Default 0.1. */
  gamma: z
    .number()
    .refine((g) => g > 0 && g <= 1, { error: (issue) => `gamma ${String(issue.input)} is not a fraction in (0, 1] (the default is 0.1)` })
    .optional(),
  /** Weight of the prior kernel. Default 1. */
  prior_weight: z.number().min(0).max(1e6).optional(),
  /**
   * Spaces of several models: `per_model` (default) picks the model by Thompson sampling and models
   * its params from its own best trials; `optuna` is Optuna's one good/bad split over all trials.
   */
  conditional: z.enum(['per_model', 'optuna']).optional(),
});

/**
 * Resources a pruner can grow a trial by, and the models that have them.
 * - `n_estimators`: the trial's trees grown in stages; a rung at r trees is the first r trees.
 * - `scaled_trees` (boosting): a rung at r trees is a fit of its own of r trees at
 *   min(1, learning_rate · N / r), N the trial's n_estimators — shrinkage × trees as in the full
 *   trial, so a small learning rate is not judged before it had time to learn (issue 11 (c): with
 *   `n_estimators`, boosting curves of different learning rates cross).
 */
export const PRUNER_RESOURCES = { n_estimators: ['gradient_boosting', 'random_forest'], scaled_trees: ['gradient_boosting'] } as const;
export type PrunerResource = keyof typeof PRUNER_RESOURCES;

const ResourceSchema = z.enum(Object.keys(PRUNER_RESOURCES) as [PrunerResource]);
const ResourceAmount = z.number().int().min(1).max(100_000);

/** `search.pruner:` — early stopping by successive halving (ASHA) or the median rule. */
export const PrunerSpecSchema = z.discriminatedUnion(
  'method',
  [
    strict({
      method: z.literal('asha'),
      resource: ResourceSchema.default('n_estimators'),
      /** Resource of the first rung. */
      min_resource: ResourceAmount,
      /** Keep the top 1/reduction_factor at each rung. Default 3. */
      reduction_factor: z.number().int().min(2).max(100).default(3),
      /** Resource of a full trial; default: the trial's own n_estimators. */
      max_resource: ResourceAmount.optional(),
    }),
    strict({
      method: z.literal('median'),
      resource: ResourceSchema.default('n_estimators'),
      /** Resource of the first check; later checks at min_resource · reduction_factor^k. */
      min_resource: ResourceAmount,
      reduction_factor: z.number().int().min(2).max(100).default(3),
      max_resource: ResourceAmount.optional(),
      /** No pruning until this many trials have completed. Default 5. */
      n_startup_trials: z.number().int().min(0).max(100_000).default(5),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `pruner method ${describeValue((issue.input as { method?: unknown } | undefined)?.method)} is not known (use one of asha, median)`
        : undefined,
  },
);
export type PrunerSpec = z.output<typeof PrunerSpecSchema>;

/** `search.stop:` — stop rules; the sweep records which one fired. */
export const StopSpecSchema = strict({
  /** Stop once the objective reaches this value (in the objective's direction). */
  target: z.number().optional(),
  /** Stop after this many finished trials in a row without a new best. */
  patience: z.number().int().min(1).max(10_000_000).optional(),
});

/**
 * `search.warm_start:` (method tpe) — seed TPE with the completed trials of earlier sweeps of an
 * experiment (default: this sweep's name) on the same data and objective.
 */
export const WarmStartSpecSchema = strict({
  experiment: ExperimentNameSchema.optional(),
  /** Most earlier trials to read, newest sweeps first. Default 1000. */
  max_trials: z.number().int().min(1).max(10_000).default(1000),
});
export type WarmStartSpec = z.output<typeof WarmStartSpecSchema>;
