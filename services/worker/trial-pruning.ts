/**
 * Whether and how a claimed trial is pruned (issue 11): trials of a sweep with `search.pruner` whose
 * model grows by the pruner's resource train by stages and report each rung to the {@link PrunerClient}.
 * Kept apart from trial.processor.ts so the worker's change for pruning stays one delimited call.
 */
import { builtinMetric } from '../../shared/metrics/metric-registry.js';
import { PRUNER_RESOURCES, type PrunerResource } from '../../shared/schemas/search-strategy.schema.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import { PrunerClient, type TrialPruning } from '../../shared/sweep/pruner-client.js';
import type { RungHandler } from './training-slot.js';

/** Default n_estimators of the prunable models (scikit-learn's, as in model-params.schema.ts). */
const DEFAULT_N_ESTIMATORS = 100;

export interface PlannedPruning {
  trial: TrialPruning;
  /** Resources at which the trial reports (may be empty: a trial too small to judge runs in full). */
  rungs: number[];
  /** How the rungs are trained (the pruner's resource). */
  resource: PrunerResource;
  onRung: RungHandler;
}

/** The pruning plan of a trial, or null when its sweep has no pruner or its model lacks the resource. */
export function planPruning(
  client: PrunerClient,
  context: SweepContext,
  sweepId: string,
  index: number,
  model: string,
  params: Record<string, unknown>,
): PlannedPruning | null {
  const spec = context.pruner;
  if (spec === undefined || context.task === 'regression') return null;
  const models: readonly string[] = PRUNER_RESOURCES[spec.resource];
  if (!models.includes(model)) return null;
  // Both resources count trees: the full trial's are its n_estimators.
  const own = params.n_estimators;
  const maxResource = typeof own === 'number' && Number.isFinite(own) ? own : DEFAULT_N_ESTIMATORS;
  // The rungs are judged by the CV score; an error metric (log_loss, rmse) is minimised.
  const goal = builtinMetric(context.cv.scoring)?.goal ?? 'maximize';
  const trial: TrialPruning = { sweepId, index, spec, goal, maxResource };
  return {
    trial,
    rungs: PrunerClient.rungResources(spec, maxResource),
    resource: spec.resource,
    onRung: (rung, history) => client.judge(trial, rung, history),
  };
}
