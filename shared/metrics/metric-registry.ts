/**
 * The one place that knows what a metric is: its name, its natural direction, its label, whether it
 * needs class probabilities, and which task reports it. The sweep-file schema, the objective, the
 * leaderboards, `best`, `--sort`, the CLI tables and the API all derive from here, so a metric's
 * direction can never disagree between two of them (it once did: ranking treated `cv_mean` as
 * "higher is better" even when `cv.scoring` was `log_loss`).
 *
 * The registry is open: besides the built-in metrics a sweep may declare its own names (user programs
 * report arbitrary metrics), each with the goal it declares.
 */
import { InvalidInputError } from '../errors/index.js';
import { closestMatch } from '../schemas/spec-messages.js';

export type Goal = 'maximize' | 'minimize';

/** Which trials report a metric. */
export type MetricTask = 'classification' | 'regression' | 'any';

export interface MetricInfo {
  readonly name: string;
  /** Natural direction: the goal a sweep gets when it names the metric without one. */
  readonly goal: Goal;
  /** Short human label for tables and charts. */
  readonly label: string;
  /** Computed from predicted probabilities rather than labels (a model without them cannot report it). */
  readonly needsProbabilities: boolean;
  readonly task: MetricTask;
  /** Built into sweepq (false: declared by a sweep). */
  readonly builtin: boolean;
}

/** A metric a sweep declares itself (`metrics: [{name, goal}]` in the sweep file). */
export interface MetricDeclaration {
  name: string;
  goal: Goal;
}

/** Names a sweep may declare: Redis keys, filter identifiers and CSV headers all take them as they are. */
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Most metrics one trial may report (bounds the commit script and the read model's columns). */
export const MAX_METRICS_PER_TRIAL = 64;

function builtin(name: string, goal: Goal, label: string, needsProbabilities: boolean, task: MetricTask): MetricInfo {
  return { name, goal, label, needsProbabilities, task, builtin: true };
}

/**
 * Metrics sweepq computes itself. `cv_mean`'s entry is a placeholder: its direction is that of the
 * sweep's `cv.scoring` (see {@link MetricRegistry}).
 */
export const BUILTIN_METRICS: readonly MetricInfo[] = [
  builtin('accuracy', 'maximize', 'Accuracy', false, 'classification'),
  builtin('precision', 'maximize', 'Precision', false, 'classification'),
  builtin('recall', 'maximize', 'Recall', false, 'classification'),
  builtin('f1_score', 'maximize', 'F1', false, 'classification'),
  builtin('auc_roc', 'maximize', 'ROC AUC', true, 'classification'),
  builtin('log_loss', 'minimize', 'Log loss', true, 'classification'),
  builtin('r2', 'maximize', 'R²', false, 'regression'),
  builtin('rmse', 'minimize', 'RMSE', false, 'regression'),
  builtin('mae', 'minimize', 'MAE', false, 'regression'),
  builtin('mape', 'minimize', 'MAPE', false, 'regression'),
  builtin('cv_mean', 'maximize', 'CV mean', false, 'any'),
  builtin('cv_std', 'minimize', 'CV std', false, 'any'),
];

const BUILTIN_BY_NAME: ReadonlyMap<string, MetricInfo> = new Map(BUILTIN_METRICS.map((m) => [m.name, m]));

/** The built-in entry of `name`, if any. */
export function builtinMetric(name: string): MetricInfo | undefined {
  return BUILTIN_BY_NAME.get(name);
}

/** The serialisable definition of a sweep's registry, stored with the sweep. */
export interface MetricRegistrySpec {
  /** `cv.scoring`; null when the sweep has no cross-validation. */
  cvScoring: string | null;
  objective: { metric: string; goal?: Goal | undefined };
  declared?: readonly MetricDeclaration[];
}

/**
 * The metrics of one sweep: built-ins, `cv_mean` directed like `cv.scoring`, and the sweep's own
 * declarations. Rules (issue 7):
 * - a metric without a declared goal takes its natural direction (`cv_mean` that of `cv.scoring`,
 *   `cv_std` minimizes);
 * - the objective's explicit goal drives `best` and the objective; it is also the direction of the
 *   objective metric when trials are sorted by it, so a table sorted by the objective agrees with `best`;
 * - ties always go to the lowest trial index (the leaderboard and the query layer both order so).
 */
export class MetricRegistry {
  readonly objective: { metric: string; goal: Goal };
  private readonly declared: ReadonlyMap<string, MetricInfo>;
  private readonly cvGoal: Goal;

  constructor(readonly spec: MetricRegistrySpec) {
    const declared = new Map<string, MetricInfo>();
    for (const d of spec.declared ?? []) {
      declared.set(d.name, { name: d.name, goal: d.goal, label: d.name, needsProbabilities: false, task: 'any', builtin: false });
    }
    this.declared = declared;
    const scoring = spec.cvScoring === null ? undefined : (declared.get(spec.cvScoring) ?? BUILTIN_BY_NAME.get(spec.cvScoring));
    this.cvGoal = scoring?.goal ?? 'maximize';
    const metric = spec.objective.metric;
    this.objective = { metric, goal: spec.objective.goal ?? this.naturalGoal(metric) };
  }

  /** True when `name` is a built-in or declared metric. */
  has(name: string): boolean {
    return this.declared.has(name) || BUILTIN_BY_NAME.has(name);
  }

  /**
   * The metric's entry, with the direction it has in this sweep.
   * @throws InvalidInputError INVALID_ARGUMENT for an unknown name, suggesting the closest one.
   */
  get(name: string): MetricInfo {
    const base = this.declared.get(name) ?? BUILTIN_BY_NAME.get(name);
    if (base === undefined) {
      const names = this.namesOfTask();
      const suggestion = closestMatch(name, names);
      throw new InvalidInputError(
        'INVALID_ARGUMENT',
        `unknown metric "${name.slice(0, 64)}" (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}metrics of this sweep: ${names.join(', ')})`,
      );
    }
    const goal = this.goal(name);
    return goal === base.goal ? base : { ...base, goal };
  }

  /** The direction trials are ranked by `name` in this sweep. */
  goal(name: string): Goal {
    if (name === this.objective.metric) return this.objective.goal;
    return this.naturalGoal(name);
  }

  /** Every metric name of this sweep: built-ins first, then declared ones. */
  names(): string[] {
    const names = BUILTIN_METRICS.map((m) => m.name);
    for (const name of this.declared.keys()) if (!BUILTIN_BY_NAME.has(name)) names.push(name);
    return names;
  }

  /**
   * The names a trial of this sweep can report: the built-ins of its task (told by the objective or
   * `cv.scoring`, when one is a built-in of one task) and the declared ones; every name otherwise.
   */
  private namesOfTask(): string[] {
    let task: MetricTask = 'any';
    for (const name of [this.spec.objective.metric, this.spec.cvScoring]) {
      const known = name === null ? undefined : BUILTIN_BY_NAME.get(name);
      if (known !== undefined && known.task !== 'any') task = known.task;
    }
    if (task === 'any') return this.names();
    return this.names().filter((name) => {
      const known = BUILTIN_BY_NAME.get(name);
      return known === undefined || this.declared.has(name) || known.task === 'any' || known.task === task;
    });
  }

  private naturalGoal(name: string): Goal {
    const declared = this.declared.get(name);
    if (declared !== undefined) return declared.goal;
    if (name === 'cv_mean') return this.cvGoal;
    return BUILTIN_BY_NAME.get(name)?.goal ?? 'maximize';
  }
}

/**
 * The leaderboard score of a value: lower is better whatever the goal, so one ascending sorted set
 * serves both directions and equal scores keep their members' (zero-padded index) order.
 */
export function rankScore(goal: Goal, value: number): number {
  return goal === 'maximize' ? -value : value;
}
