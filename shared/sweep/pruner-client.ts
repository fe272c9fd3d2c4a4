/**
 * The worker's side of early stopping (issue 11): a trial reaching a rung records its CV mean in Redis
 * and gets the pruner's verdict. Rung state lives only in Redis (one hash per sweep, see
 * IndexKeys.rungs), so it survives worker restarts and every worker judges against the same values;
 * the decisions themselves are the pure pruners of shared/search/pruners/.
 *
 * Recording and reading happen in one MULTI, so a trial is judged against exactly the values recorded
 * before its own; a retried attempt overwrites its earlier value (one field per trial and rung).
 * ASHA judges against every trial that reached the rung; the median rule against the trials that
 * completed (their values are copied under `done:` when they commit), as Optuna's MedianPruner.
 */
import type { Redis } from 'ioredis';
import type { IndexKeys } from '../index/index-keys.js';
import type { Goal } from '../metrics/metric-registry.js';
import type { RungScores, RungVerdict } from '../ml/cross-validate-by-stages.js';
import type { ProgramPrunerSpec } from '../schemas/program-spec.schema.js';
import type { PrunerSpec } from '../schemas/search-strategy.schema.js';
import { MedianPruner, SuccessiveHalvingPruner } from '../search/pruners/index.js';

/**
 * A pruner spec: a built-in sweep's (its trials grow by n_estimators) or a program sweep's (by the step
 * of their objective reports). The client reads the rules only, never the resource.
 */
export type PrunerRules = PrunerSpec | ProgramPrunerSpec;

/** The rungs of a trial and how to judge it at each. */
export interface TrialPruning {
  sweepId: string;
  index: number;
  spec: PrunerRules;
  /** Direction of the CV scoring metric the rungs are judged by. */
  goal: Goal;
  /** The trial's full resource (its n_estimators): rungs stop below it. */
  maxResource: number;
}

export class PrunerClient {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  /**
   * Resources at which a trial is judged: min_resource · reduction_factor^k below its full resource.
   * With `scaled_trees` every rung is a fit of its own, so a rung above full / reduction_factor is
   * skipped: it would cost more than a third (at rf 3) of the full trial on top of it.
   */
  static rungResources(spec: PrunerRules, maxResource: number): number[] {
    const top = Math.min(maxResource, spec.max_resource ?? maxResource);
    const freshFits = 'resource' in spec && spec.resource === 'scaled_trees';
    const rungs: number[] = [];
    for (let r = spec.min_resource; freshFits ? r * spec.reduction_factor <= top : r < top; r *= spec.reduction_factor) rungs.push(r);
    return rungs;
  }

  /** Records the trial's value at a rung and decides whether it trains on. */
  async judge(trial: TrialPruning, scores: RungScores, history: readonly RungScores[]): Promise<RungVerdict> {
    const { spec, goal } = trial;
    const key = this.keys.rungs(trial.sweepId);
    const field = `${scores.resource}:${trial.index}`;
    // NaN is not stored (JSON has none): a NaN rung stops the trial without recording, as Optuna.
    const value = Number.isFinite(scores.mean) ? scores.mean : Number.NaN;
    const multi = this.redis.multi();
    if (!Number.isNaN(value)) multi.hset(key, field, String(value));
    multi.hgetall(key).hget(this.keys.sweep(trial.sweepId), 'completed');
    const replies = await multi.exec();
    if (replies === null) throw new Error('rung transaction aborted');
    const all = replies[replies.length - 2]![1] as Record<string, string>;
    const completed = Number(replies[replies.length - 1]![1] ?? 0);
    const others: number[] = [];
    const prefix = spec.method === 'asha' ? `${scores.resource}:` : `done:${scores.resource}:`;
    for (const [name, text] of Object.entries(all)) {
      if (name === field || name === `done:${field}` || !name.startsWith(prefix)) continue;
      others.push(Number(text));
    }
    if (spec.method === 'asha') {
      const pruner = new SuccessiveHalvingPruner(
        {
          min_resource: spec.min_resource,
          max_resource: Math.min(trial.maxResource, spec.max_resource ?? trial.maxResource),
          reduction_factor: spec.reduction_factor,
        },
        goal,
      );
      const rung = pruner.rungResources.indexOf(scores.resource);
      const decision = pruner.decide(rung, value, Float64Array.from(others));
      return decision.action === 'stop' ? { action: 'stop', explanation: decision.explanation } : { action: 'continue' };
    }
    const pruner = new MedianPruner({ n_startup_trials: spec.n_startup_trials }, goal);
    const values = new Float64Array(history.length);
    for (let i = 0; i < history.length; i++) values[i] = history[i]!.mean;
    const previous = history.length >= 2 ? history[history.length - 2]!.resource : null;
    const decision = pruner.decide({
      step: scores.resource,
      values,
      previousStep: previous,
      completedTrials: completed,
      valuesAtStep: Float64Array.from(others),
    });
    return decision.action === 'prune' ? { action: 'stop', explanation: decision.explanation } : { action: 'continue' };
  }

  /** Copies a completed trial's rung values where the median rule reads them. */
  async recordCompleted(sweepId: string, index: number, history: readonly RungScores[]): Promise<void> {
    const fields: string[] = [];
    for (const rung of history) if (Number.isFinite(rung.mean)) fields.push(`done:${rung.resource}:${index}`, String(rung.mean));
    if (fields.length > 0) await this.redis.hset(this.keys.rungs(sweepId), ...fields);
  }
}
