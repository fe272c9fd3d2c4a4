/**
 * `sweepq compare`'s side-by-side view of a few trials of one sweep: one column per trial; the params
 * that differ first (the ones equal in every trial on one line after), then every metric with the
 * best value among the completed trials marked `*`, each CV fold's score, and the timings. A pruned
 * trial's CV scores say which rung they are of. Computed once here for the table and for `--json`.
 */
import type { Objective } from '../../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { isRungScored, prunedScoreLabel } from '../../../shared/search/pruners/pruned-score.js';
import { formatDuration } from './duration.js';
import { formatMetric, formatTable } from './table.js';

/** What `sweepq compare --json` prints. */
export interface TrialComparison {
  sweepId: string;
  objective: Objective;
  /** The trials, in the order they were named. */
  trials: TrialRecord[];
  params: {
    /**
     * Params (and the model) whose value differs between the trials: one value per trial, and
     * whether the trial has the param at all (a missing param is not a `null` value, which params can be).
     */
    differing: Array<{ name: string; values: unknown[]; has: boolean[] }>;
    /** Params every trial has with the same value. */
    same: Record<string, unknown>;
  };
  /** Every metric any trial has: the objective first, one value per trial, and the ids of the best completed trials. */
  metrics: Array<{ name: string; values: Array<number | null>; best: string[] }>;
}

/** Params as compared: the model first, then each param; `undefined` where a trial lacks it. */
function paramValues(trials: readonly TrialRecord[]): Map<string, unknown[]> {
  const names = new Set<string>(['model']);
  for (const trial of trials) for (const name of Object.keys(trial.params)) names.add(name);
  const out = new Map<string, unknown[]>();
  for (const name of names) {
    out.set(
      name,
      trials.map((t) => (name === 'model' ? t.model : Object.hasOwn(t.params, name) ? t.params[name] : undefined)),
    );
  }
  return out;
}

/** Every metric name any of the trials has, in first-seen order. */
export function metricNamesOf(trials: readonly TrialRecord[]): string[] {
  const names = new Set<string>();
  for (const trial of trials) for (const name of Object.keys(trial.metrics ?? {})) names.add(name);
  return [...names];
}

/**
 * Builds the comparison. `bestValues` maps a metric to the best value any of the completed trials has
 * (in the metric's direction in the sweep, which the server knows); trials with that value are marked.
 */
export function compareTrials(sweepId: string, objective: Objective, trials: TrialRecord[], bestValues: ReadonlyMap<string, number>): TrialComparison {
  const differing: TrialComparison['params']['differing'] = [];
  const same: Record<string, unknown> = {};
  for (const [name, values] of paramValues(trials)) {
    // `undefined` (absent) stringifies to nothing: it differs from every value, null included.
    const shown = new Set(values.map((v) => (v === undefined ? '' : JSON.stringify(v))));
    if (shown.size > 1) differing.push({ name, values: values.map((v) => v ?? null), has: values.map((v) => v !== undefined) });
    else same[name] = values[0] ?? null;
  }
  const ordered = metricNamesOf(trials).sort((a, b) => (a === objective.metric ? -1 : b === objective.metric ? 1 : 0));
  const metrics = ordered.map((name) => {
    const values = trials.map((t) => t.metrics?.[name] ?? null);
    const best = bestValues.get(name);
    return {
      name,
      values,
      best: best === undefined ? [] : trials.filter((t) => t.status === 'completed' && t.metrics?.[name] === best).map((t) => t.id),
    };
  });
  return { sweepId, objective, trials, params: { differing, same }, metrics };
}

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Renders the comparison as text: a legend of the trials, then one table. */
export function renderComparison(comparison: TrialComparison): string {
  const { trials } = comparison;
  const heads = trials.map((t) => `#${t.index}`);
  const legend = formatTable(
    ['', 'name', 'status', 'duration'],
    trials.map((t, k) => [heads[k]!, t.name, t.status, formatDuration(t.durationMs)]),
  );
  const rows: string[][] = [];
  const section = (title: string): void => {
    rows.push([title, ...trials.map(() => '')]);
  };
  section('params that differ');
  if (comparison.params.differing.length === 0) rows.push(['  (none)', ...trials.map(() => '')]);
  for (const { name, values, has } of comparison.params.differing) rows.push([`  ${name}`, ...values.map((v, k) => (has[k] === true ? paramText(v) : '-'))]);

  section('metrics');
  for (const { name, values, best } of comparison.metrics) {
    rows.push([
      `  ${name}`,
      ...values.map((value, k) => {
        const trial = trials[k]!;
        const rung = isRungScored(name) ? prunedScoreLabel(trial) : undefined;
        return `${formatMetric(value)}${best.includes(trial.id) ? ' *' : ''}${rung === undefined ? '' : ` @ ${rung}`}`;
      }),
    ]);
  }

  const folds = Math.max(0, ...trials.map((t) => t.folds?.length ?? 0));
  if (folds > 0) {
    section('CV folds');
    for (let f = 0; f < folds; f++) {
      rows.push([
        `  fold ${f + 1}`,
        ...trials.map((t) => {
          const rung = prunedScoreLabel(t);
          return `${formatMetric(t.folds?.[f])}${rung === undefined || t.folds?.[f] === undefined ? '' : ` @ ${rung}`}`;
        }),
      ]);
    }
  }

  section('timings');
  const timing = (label: string, pick: (t: TrialRecord) => number | null | undefined): void => {
    rows.push([`  ${label}`, ...trials.map((t) => formatDuration(pick(t)))]);
  };
  timing('fit', (t) => t.timings?.fitMs);
  timing('cv', (t) => t.timings?.cvMs);
  timing('eval', (t) => t.timings?.evalMs);
  timing('total', (t) => t.timings?.totalMs);
  timing('wall clock', (t) => t.durationMs);

  const table = formatTable(['', ...heads], rows, { align: ['left', ...heads.map((): 'right' => 'right')] });
  const sameNames = Object.keys(comparison.params.same);
  const sameLine =
    sameNames.length === 0 ? '' : `\n\nsame in every trial: ${sameNames.map((name) => `${name}=${paramText(comparison.params.same[name])}`).join(', ')}`;
  const pruned = trials.filter((t) => t.status === 'pruned' && t.pruning?.reason !== undefined).map((t) => `  #${t.index}: ${t.pruning!.reason!}`);
  const failed = trials.filter((t) => t.error !== null).map((t) => `  #${t.index}: ${t.error!.replace(/\s+/g, ' ').slice(0, 200)}`);
  const objective = `* best of the completed trials, each metric in its direction in the sweep; objective ${comparison.objective.metric} (${comparison.objective.goal})`;
  return [
    legend,
    '',
    table + sameLine,
    objective,
    ...(pruned.length === 0 ? [] : ['', 'pruned (their CV scores are those of the rung they stopped at):', ...pruned]),
    ...(failed.length === 0 ? [] : ['', 'errors:', ...failed]),
  ].join('\n');
}
