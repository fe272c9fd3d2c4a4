/**
 * The dashboard's server side: charts, aggregates and trial details computed from the read model and
 * the store, next to the SweepService (in the scheduler's process). Each method validates its own
 * input (unknown metric or param → INVALID_ARGUMENT; bad filter → INVALID_FILTER with its column).
 */
import { InvalidInputError, SweepqError } from '../errors/index.js';
import type { SweepRecord } from '../index/index.js';
import { builtinMetric } from '../metrics/metric-registry.js';
import { parseTable } from '../ml/dataset/read-table.js';
import { Pipeline } from '../ml/pipeline.js';
import type { TrialTable } from '../query/index.js';
import { programRunOf } from '../program/program-run.js';
import { isRungScored, prunedScoreLabel } from '../search/pruners/pruned-score.js';
import type { ProgramRun } from '../schemas/program-run.schema.js';
import type { SweepSummary } from '../schemas/sweep-status.schema.js';
import type {
  ContourAnswer,
  FieldsAnswer,
  SweepListAnswer,
  GroupsAnswer,
  HistoryAnswer,
  ImportanceAnswer,
  PredictAnswer,
  PredictForm,
  SampleAnswer,
  TimelineAnswer,
} from '../schemas/dashboard.schema.js';
import { diagnosticsKey, TrialDiagnosticsSchema, type TrialDiagnostics } from '../schemas/trial-diagnostics.schema.js';
import { SweepIdSchema, TrialIdSchema, type TrialRecord } from '../schemas/trial.schema.js';
import type { SweepService } from '../sweep/sweep-service.js';
import { AnswerCache } from './answer-cache.js';
import { contourGrid } from './contour-grid.js';
import { groupTrials } from './group-trials.js';
import { optimizationHistory } from './optimization-history.js';
import { paramAxis, type ParamAxis } from './param-axis.js';
import { pedAnovaImportance, TOP_QUANTILE } from './ped-anova-importance.js';
import { sampleTrials } from './sample-trials.js';
import { selectRows, withFiniteValues } from './select-rows.js';
import { workerTimeline } from './worker-timeline.js';

type Goal = 'maximize' | 'minimize';

interface ImportanceCacheEntry {
  key: string;
  answer: Omit<ImportanceAnswer, 'cached'>;
}

/** The CSV export's last column when it holds pruned trials' rung scores: which rung they are of. */
const RUNG_COLUMN = 'cv_scored_at';

/** Sweeps whose importances are kept (least recently computed dropped first). */
const IMPORTANCE_CACHE_SIZE = 64;
/** Chart and aggregate answers kept (a few hundred KiB at most each: samples and histories are bounded). */
const ANSWER_CACHE_SIZE = 256;

export class SweepAnalytics {
  private readonly importanceCache = new Map<string, ImportanceCacheEntry>();
  private readonly answers = new AnswerCache(ANSWER_CACHE_SIZE);

  constructor(private readonly service: SweepService) {}

  /**
   * Sweeps newest first with what the list page shows: state, progress, best objective value, duration.
   * `search` keeps sweeps whose name (experiment) or id contains it (case-insensitive).
   */
  async sweepList(options: { search?: string | undefined; limit: number; offset: number }): Promise<SweepListAnswer> {
    const all: SweepSummary[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.service.listSweeps({ limit: 1000, offset });
      all.push(...page);
      if (page.length < 1000) break;
    }
    const needle = options.search?.trim().toLowerCase() ?? '';
    const matching = needle === '' ? all : all.filter((s) => s.name.toLowerCase().includes(needle) || s.id.includes(needle));
    const page = matching.slice(options.offset, options.offset + options.limit);
    const sweeps = await Promise.all(
      page.map(async (summary) => {
        const { indices } = await this.service.index.leaderboard(summary.id, 0, 1);
        const best = indices.length === 0 ? null : await this.service.index.trials.get(summary.id, indices[0]!);
        const value = best?.metrics?.[summary.objective.metric];
        return { ...summary, bestValue: typeof value === 'number' ? value : null, bestTrialId: best?.id ?? null };
      }),
    );
    return { sweeps, total: matching.length };
  }

  async fields(sweepId: string): Promise<FieldsAnswer> {
    const { sweep, table } = await this.load(sweepId);
    return this.answers.get(JSON.stringify(['fields', sweepId]), table.revision, () => this.computeFields(sweep, table));
  }

  private computeFields(sweep: SweepRecord, table: TrialTable): FieldsAnswer {
    const rows = table.presentRows();
    const params: FieldsAnswer['params'] = [];
    for (const name of table.paramNames()) {
      const axis = paramAxis(table, name, rows)!;
      params.push(
        axis.kind === 'numeric'
          ? { name, kind: 'numeric', min: axis.min, max: axis.max, log: axis.log }
          : { name, kind: 'categorical', categories: axis.categories },
      );
    }
    const names = new Set([...table.metricNames()]);
    const metrics = [...names].map((name) => ({ name, goal: sweep.metrics.goal(name) }));
    const scoring = sweep.metrics.spec.cvScoring;
    // cv.scoring is a built-in metric (the spec's enum); its natural direction, whatever the objective's goal.
    const cv = scoring === null ? null : { scoring, goal: builtinMetric(scoring)?.goal ?? 'maximize' };
    return { objective: { metric: sweep.objective.metric, goal: sweep.metrics.goal(sweep.objective.metric) }, params, metrics, trials: table.size, cv };
  }

  async groups(sweepId: string, by: string, filter: string | undefined): Promise<GroupsAnswer> {
    const { sweep, table } = await this.load(sweepId);
    return this.answers.get(JSON.stringify(['groups', sweepId, by, filter ?? '']), table.revision, () => {
      const rows = selectRows(table, { filter });
      return groupTrials(table, rows, by, { name: sweep.objective.metric, goal: sweep.metrics.goal(sweep.objective.metric) });
    });
  }

  async history(sweepId: string, metric: string | undefined, filter: string | undefined): Promise<HistoryAnswer> {
    const { table, name, goal } = await this.metricOf(sweepId, metric);
    return this.answers.get(JSON.stringify(['history', sweepId, name, filter ?? '']), table.revision, () => {
      const { rows, values } = this.completedValues(table, name, filter);
      return { metric: name, goal, ...optimizationHistory(rows, values, table.finishedAt.values, goal) };
    });
  }

  async sample(sweepId: string, metric: string | undefined, filter: string | undefined, limit: number): Promise<SampleAnswer> {
    const { table, name, goal } = await this.metricOf(sweepId, metric);
    return this.answers.get(JSON.stringify(['sample', sweepId, name, limit, filter ?? '']), table.revision, () =>
      this.computeSample(table, name, goal, filter, limit),
    );
  }

  private computeSample(table: TrialTable, name: string, goal: Goal, filter: string | undefined, limit: number): SampleAnswer {
    const { rows, values } = this.completedValues(table, name, filter);
    const picked = sampleTrials(rows, values, goal, limit);
    const objective = table.metric(name)?.values;
    const axes: SampleAnswer['axes'] = [];
    for (const param of table.paramNames()) {
      // Axis ranges over every matching trial, so a sample never narrows an axis.
      const full = paramAxis(table, param, rows)!;
      const drawn = paramAxis(table, param, picked)!;
      axes.push(describeAxis(full, drawn));
    }
    const objectiveOut: number[] = [];
    for (let i = 0; i < picked.length; i++) objectiveOut.push(objective![picked[i]!]!);
    return { metric: name, goal, total: rows.length, drawn: picked.length, index: Array.from(picked), objective: objectiveOut, axes };
  }

  async contour(sweepId: string, x: string, y: string, metric: string | undefined, filter: string | undefined, bins: number): Promise<ContourAnswer> {
    const { table, name, goal } = await this.metricOf(sweepId, metric);
    return this.answers.get(JSON.stringify(['contour', sweepId, name, x, y, bins, filter ?? '']), table.revision, () =>
      this.computeContour(table, name, goal, x, y, filter, bins),
    );
  }

  private computeContour(table: TrialTable, name: string, goal: Goal, x: string, y: string, filter: string | undefined, bins: number): ContourAnswer {
    const { rows, values } = this.completedValues(table, name, filter);
    const ax = this.axis(table, x, rows, 'x');
    const ay = this.axis(table, y, rows, 'y');
    const grid = contourGrid(ax, ay, values, bins);
    const { values: _vx, ...xDesc } = describeAxis(ax, ax);
    const { values: _vy, ...yDesc } = describeAxis(ay, ay);
    return { metric: name, goal, total: rows.length, counted: grid.counted, x: xDesc, y: yDesc, nx: grid.nx, ny: grid.ny, mean: grid.mean, count: grid.count };
  }

  /** PED-ANOVA importances, cached per sweep and metric until the completed-trial count changes. */
  async importance(sweepId: string, metric: string | undefined): Promise<ImportanceAnswer> {
    const { sweep, table, name, goal } = await this.metricOf(sweepId, metric);
    const key = `${name} ${goal} ${sweep.counts.completed} ${table.size}`;
    const cached = this.importanceCache.get(sweepId);
    if (cached?.key === key) return { ...cached.answer, cached: true };
    const started = performance.now();
    const { rows, values } = this.completedValues(table, name, undefined);
    const axes: ParamAxis[] = [];
    for (const param of table.paramNames()) axes.push(paramAxis(table, param, rows)!);
    const params = pedAnovaImportance(axes, values, goal);
    const answer = {
      metric: name,
      goal,
      method: 'ped-anova' as const,
      completed: rows.length,
      topQuantile: TOP_QUANTILE,
      params,
      computeMs: performance.now() - started,
    };
    this.importanceCache.delete(sweepId);
    this.importanceCache.set(sweepId, { key, answer });
    if (this.importanceCache.size > IMPORTANCE_CACHE_SIZE) this.importanceCache.delete(this.importanceCache.keys().next().value!);
    return { ...answer, cached: false };
  }

  async timeline(sweepId: string, filter: string | undefined): Promise<TimelineAnswer> {
    const { table } = await this.load(sweepId);
    return this.answers.get(JSON.stringify(['timeline', sweepId, filter ?? '']), table.revision, () => workerTimeline(table, selectRows(table, { filter })));
  }

  /**
   * The trials of a query as CSV, every page: the table view's export. `columns` are field keys
   * (`params.C`, `metrics.auc_roc`, `attributes.status`); absent = index, name, status, model, every
   * param, every metric, duration. When a rung-scored metric (cv_mean, cv_std) is exported beside
   * pruned trials, a last `cv_scored_at` column says which rung each pruned trial's scores are of.
   */
  async csv(sweepId: string, query: { filter?: string; orderBy?: string[]; columns?: string[] }): Promise<string> {
    const { sweep, table } = await this.load(sweepId);
    const page = await this.service.readModel.query([sweep], {
      ...(query.filter === undefined ? {} : { filter: query.filter }),
      ...(query.orderBy === undefined ? {} : { orderBy: query.orderBy }),
      limit: Math.max(1, table.rowCount),
      offset: 0,
    });
    const columns = query.columns ?? [
      'attributes.index',
      'attributes.name',
      'attributes.status',
      'attributes.model',
      ...table.paramNames().map((p) => `params.${p}`),
      ...table.metricNames().map((m) => `metrics.${m}`),
      'attributes.duration',
    ];
    const rungLabels = await this.rungLabels(sweepId, table, page.refs, columns);
    const header = rungLabels.size === 0 ? columns : [...columns, RUNG_COLUMN];
    const lines: string[] = [header.map(csvCell).join(',')];
    for (const ref of page.refs) {
      const row = table.getRow(ref.index);
      if (row === undefined) continue;
      const cells: string[] = [];
      for (const column of columns) cells.push(csvCell(cellText(row, column)));
      if (rungLabels.size > 0) cells.push(csvCell(rungLabels.get(ref.index) ?? ''));
      lines.push(cells.join(','));
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * Where the exported pruned trials' CV scores were measured (`rung 1 (27 of 81 trees)`), by trial
   * index: a spreadsheet sorted by cv_mean must not read a rung score as a full one. Empty (and no
   * extra column) when no exported column is rung-scored or no exported trial was pruned; only the
   * pruned trials' records are read, in one round trip.
   */
  private async rungLabels(
    sweepId: string,
    table: TrialTable,
    refs: ReadonlyArray<{ index: number }>,
    columns: readonly string[],
  ): Promise<Map<number, string>> {
    const labels = new Map<number, string>();
    if (!columns.some((c) => c.startsWith('metrics.') && isRungScored(c.slice('metrics.'.length)))) return labels;
    const pruned = refs.filter((ref) => table.statusOf(ref.index) === 'pruned').map((ref) => ref.index);
    if (pruned.length === 0) return labels;
    for (const trial of await this.service.index.trials.getMany(sweepId, pruned)) {
      const label = prunedScoreLabel(trial);
      if (label !== undefined) labels.set(trial.index, label);
    }
    return labels;
  }

  async trial(sweepId: string, trialId: string): Promise<TrialRecord> {
    const index = trialIndex(sweepId, trialId);
    await this.requireSweep(sweepId);
    const trial = await this.service.index.trials.get(sweepId, index);
    if (!trial) throw new SweepqError('NOT_FOUND', `trial ${trialId} does not exist`);
    return trial;
  }

  /** A program trial's command, exit, output tails and reported history (issue 14); NOT_FOUND for other trials. */
  async programRun(sweepId: string, trialId: string): Promise<ProgramRun> {
    const index = trialIndex(sweepId, trialId);
    const sweep = await this.requireSweep(sweepId);
    const trial = await this.service.index.trials.get(sweepId, index);
    if (!trial) throw new SweepqError('NOT_FOUND', `trial ${trialId} does not exist`);
    const context = sweep.context;
    if (context === null || !('kind' in context) || context.kind !== 'program')
      throw new SweepqError('NOT_FOUND', `trial ${trialId} is not a program trial (its sweep trains built-in models)`);
    return programRunOf(trial, sweep.objective.metric, context.program.command);
  }

  async diagnostics(sweepId: string, trialId: string): Promise<TrialDiagnostics> {
    const trial = await this.trial(sweepId, trialId);
    if (trial.status !== 'completed' || trial.artifact === null)
      throw new SweepqError('NOT_FOUND', `trial ${trialId} has no diagnostics (status: ${trial.status})`);
    let bytes: Buffer;
    try {
      bytes = await this.service.store.get(diagnosticsKey(trial.artifact));
    } catch (error) {
      if (error instanceof SweepqError && error.code === 'NOT_FOUND') {
        throw new SweepqError('NOT_FOUND', `trial ${trialId} has no diagnostics (trained by a sweepq before 0.3, or they could not be stored)`);
      }
      throw error;
    }
    // Diagnostics are stored without fsync (services/worker/trial-files.ts): after a machine crash they
    // may be empty or cut short, which is "no diagnostics", not a server error.
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new SweepqError('NOT_FOUND', `trial ${trialId} has no readable diagnostics (cut short by a crash?)`);
    }
    return TrialDiagnosticsSchema.parse(parsed);
  }

  async predictForm(sweepId: string, trialId: string): Promise<PredictForm> {
    const pipeline = await this.pipeline(sweepId, trialId);
    return {
      task: pipeline.task,
      target: pipeline.targetName,
      columns: pipeline.inputColumns.map((c) => ({ name: c.name, type: c.type })),
      classes: pipeline.classes.slice(),
    };
  }

  /** Predicts one row with a trial's fitted pipeline (the trial page's form). */
  async predict(sweepId: string, trialId: string, row: Record<string, string | number | null>): Promise<PredictAnswer> {
    const pipeline = await this.pipeline(sweepId, trialId);
    const names = pipeline.inputColumns.map((c) => c.name);
    for (const key of Object.keys(row)) {
      if (!names.includes(key))
        throw new InvalidInputError(
          'INVALID_ARGUMENT',
          `"${key.slice(0, 80)}" is not an input column of this model (columns: ${names.join(', ').slice(0, 400)})`,
          { location: { path: `row.${key.slice(0, 80)}` } },
        );
    }
    // One CSV row read by the same reader as training data: the same missing-value and type rules.
    const csv = `${names.map(csvCell).join(',')}\n${names.map((n) => csvCell(row[n] === null || row[n] === undefined ? '' : String(row[n]))).join(',')}\n`;
    const table = parseTable(csv, { ...pipeline.predictionReadOptions(), source: 'the predict form' });
    if (pipeline.task === 'regression') return { task: 'regression', prediction: pipeline.predictValues(table)[0]! };
    const proba = pipeline.predictProba(table);
    const probabilities: Record<string, number> = {};
    let best = 0;
    for (let c = 0; c < pipeline.classes.length; c++) {
      probabilities[pipeline.classes[c]!] = proba[c]!;
      if (proba[c]! > proba[best]!) best = c;
    }
    return { task: 'classification', prediction: pipeline.classes[best]!, probabilities };
  }

  private async pipeline(sweepId: string, trialId: string): Promise<Pipeline> {
    return Pipeline.fromJSON(JSON.parse((await this.service.artifact(sweepId, trialId)).toString('utf8')));
  }

  private axis(table: TrialTable, name: string, rows: Uint32Array, path: string): ParamAxis {
    const param = name.startsWith('params.') ? name.slice('params.'.length) : name;
    const axis = paramAxis(table, param, rows);
    if (axis === undefined) {
      throw new InvalidInputError('INVALID_ARGUMENT', `this sweep has no param "${param.slice(0, 80)}" (params: ${table.paramNames().join(', ')})`, {
        location: { path },
      });
    }
    return axis;
  }

  private completedValues(table: TrialTable, metric: string, filter: string | undefined): { rows: Uint32Array; values: Float64Array } {
    const rows = selectRows(table, { filter, statuses: ['completed'] });
    const column = table.metric(metric);
    if (column === undefined) return { rows: new Uint32Array(0), values: new Float64Array(0) };
    return withFiniteValues(rows, column.values);
  }

  private async metricOf(sweepId: string, metric: string | undefined): Promise<{ sweep: SweepRecord; table: TrialTable; name: string; goal: Goal }> {
    const { sweep, table } = await this.load(sweepId);
    const name = metric ?? sweep.objective.metric;
    sweep.metrics.get(name);
    return { sweep, table, name, goal: sweep.metrics.goal(name) };
  }

  private async load(sweepId: string): Promise<{ sweep: SweepRecord; table: TrialTable }> {
    const sweep = await this.requireSweep(sweepId);
    return { sweep, table: await this.service.readModel.table(sweep) };
  }

  private async requireSweep(sweepId: string): Promise<SweepRecord> {
    if (!SweepIdSchema.safeParse(sweepId).success)
      throw new InvalidInputError('INVALID_ARGUMENT', `"${String(sweepId).slice(0, 80)}" is not a sweep id (they look like s-<letters and digits>)`);
    const sweep = await this.service.index.sweeps.get(sweepId);
    if (!sweep) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    return sweep;
  }
}

function trialIndex(sweepId: string, trialId: string): number {
  if (!TrialIdSchema.safeParse(trialId).success || !trialId.startsWith(`${sweepId}-t`)) {
    throw new InvalidInputError('INVALID_ARGUMENT', `"${trialId.slice(0, 80)}" is not a trial of sweep ${sweepId}`, { location: { path: 'trialId' } });
  }
  return Number(trialId.slice(sweepId.length + 2));
}

/** An axis for the answer: the range of `full`, the values of `drawn`. */
function describeAxis(full: ParamAxis, drawn: ParamAxis): SampleAnswer['axes'][number] {
  if (full.kind === 'numeric' && drawn.kind === 'numeric') {
    const values: Array<number | null> = new Array<number | null>(drawn.values.length);
    for (let i = 0; i < values.length; i++) values[i] = Number.isFinite(drawn.values[i]!) ? drawn.values[i]! : null;
    return { name: full.name, kind: 'numeric', values, min: full.min, max: full.max, log: full.log };
  }
  // Categories of the full set; drawn codes re-mapped onto them.
  const categories = full.kind === 'categorical' ? full.categories : drawn.kind === 'categorical' ? drawn.categories : [];
  const at = new Map<string, number>();
  categories.forEach((c, k) => at.set(c, k));
  const values: Array<number | null> = [];
  if (drawn.kind === 'categorical') for (let i = 0; i < drawn.codes.length; i++) values.push(at.get(drawn.categories[drawn.codes[i]!]!) ?? null);
  else for (let i = 0; i < drawn.values.length; i++) values.push(at.get(Number.isFinite(drawn.values[i]!) ? String(drawn.values[i]!) : 'null') ?? null);
  return { name: full.name, kind: 'categorical', values, categories };
}

/** One cell of the CSV export: the row's value of a field key, '' when missing. */
function cellText(row: NonNullable<ReturnType<TrialTable['getRow']>>, column: string): string {
  const dot = column.indexOf('.');
  const kind = column.slice(0, dot);
  const key = column.slice(dot + 1);
  let value: unknown;
  if (kind === 'params') value = row.params[key];
  else if (kind === 'metrics') value = row.metrics[key];
  else if (kind === 'tags') value = row.tags[key];
  else if (key === 'index') value = row.index;
  else if (key === 'name') value = row.name;
  else if (key === 'status') value = row.status;
  else if (key === 'model') value = row.model;
  else if (key === 'duration') value = row.durationMs;
  else if (key === 'start_time') value = row.startedAt;
  else if (key === 'end_time') value = row.finishedAt;
  if (value === undefined || value === null) return '';
  // Params are JSON scalars; a list (never produced today) would read as its JSON.
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
