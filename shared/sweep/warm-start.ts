/**
 * Warm start (issue 11): a TPE search may learn from the completed trials of earlier sweeps of an
 * experiment, when they ran on the same data (same stored files, target, columns and split) and were
 * ranked by the same objective. Their trials are mapped onto the new space by model (the first entry
 * of that model); TPE ignores params outside the new space. Collected once at submit and stored with
 * the segment, so every feeder sees the same history.
 */
import type { MetricsIndex } from '../index/index.js';
import type { TrialRecord } from '../schemas/trial.schema.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import type { SearchSpaceEntry } from '../schemas/search-space.schema.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';
import type { WarmStartSpec } from '../schemas/search-strategy.schema.js';

export interface WarmObservation {
  entry: number;
  params: Record<string, ParamLiteral>;
  value: number;
}

export interface WarmStartRequest {
  spec: WarmStartSpec;
  /** The new sweep's name: the experiment searched when warm_start names none. */
  name: string;
  context: SweepContext;
  objective: { metric: string; goal: 'maximize' | 'minimize' };
  space: readonly SearchSpaceEntry[];
}

/** The data a sweep's results depend on, for comparing sweeps. */
function dataIdentity(context: SweepContext): string {
  const d = context.dataset;
  return JSON.stringify([d.train, d.test, d.target, d.columns ?? null, d.split, d.delimiter ?? null, context.task ?? 'classification']);
}

/**
 * The earlier sweeps' completed trials, newest sweeps first, at most `spec.max_trials`.
 * @param completedTrials reads a sweep's completed trials (the read model), at most `limit`.
 */
export async function collectWarmStart(
  index: MetricsIndex,
  completedTrials: (sweepId: string, limit: number) => Promise<TrialRecord[]>,
  request: WarmStartRequest,
): Promise<WarmObservation[]> {
  const experiment = request.spec.experiment ?? request.name;
  const ids = (await index.sweeps.experimentSweepIds(experiment)).reverse();
  const identity = dataIdentity(request.context);
  const entryOf = new Map<string, number>();
  for (let e = request.space.length - 1; e >= 0; e--) entryOf.set(request.space[e]!.model, e);
  const out: WarmObservation[] = [];
  for (const id of ids) {
    if (out.length >= request.spec.max_trials) break;
    const sweep = await index.sweeps.get(id);
    if (sweep === null || sweep.context === null || 'kind' in sweep.context || dataIdentity(sweep.context) !== identity) continue;
    if (sweep.objective.metric !== request.objective.metric || sweep.objective.goal !== request.objective.goal) continue;
    for (const trial of await completedTrials(id, request.spec.max_trials - out.length)) {
      if (trial.model === null) continue; // a run logged through MLflow
      const entry = entryOf.get(trial.model);
      const value = trial.metrics?.[request.objective.metric];
      if (entry === undefined || typeof value !== 'number' || !Number.isFinite(value)) continue;
      out.push({ entry, params: trial.params as Record<string, ParamLiteral>, value });
    }
  }
  return out;
}
