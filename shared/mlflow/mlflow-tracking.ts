/**
 * The MLflow tracking API's logic over sweepq's index, read model and store (issue 12, item 1). HTTP
 * lives in services/scheduler/mlflow.routes.ts; this speaks MLflow's entities and throws SweepqErrors,
 * which the routes answer in MLflow's error shape.
 *
 * Mapping: an experiment name ↔ a stable numeric experiment id (assigned once, `0` = `Default`); a trial
 * is a run (`<sweep id>-t<index>`), its sweep the parent run; runs created through MLflow are the trials
 * of the experiment's external sweep. Reads of trial runs go through the read model (filters with OR and
 * parentheses, order_by, paging); parent runs answer runs/get and take tags, and are not listed by
 * runs/search (they have no metrics and would only pad its pages).
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import type { RunState, RunWrite, SweepRecord } from '../index/index.js';
import { assertExecOk } from '../index/redis-results.js';
import { parseFilter, parseOrderBy } from '../query/index.js';
import { pipelineFolderKey } from '../schemas/sweep-context.schema.js';
import { materialisePipelineFolder } from './pipeline-folder.js';
import { MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS, NOTE_TAG, RESERVED_TAG_PREFIX } from '../schemas/tags.schema.js';
import { SweepIdSchema, TrialIdSchema, type TrialRecord, type TrialStatus } from '../schemas/trial.schema.js';
import type { ObjectStore } from '../store/object-store.js';
import type { SweepService } from '../sweep/sweep-service.js';
import {
  experimentOf,
  paramText,
  FOLD_SCORE_METRIC,
  PIPELINE_FOLDER,
  PIPELINE_JSON_FILE,
  sweepRun,
  TRIAL_STATUS_OF,
  trialRun,
  type MlflowExperiment,
  type MlflowKeyValue,
  type MlflowMetric,
  type MlflowRun,
  type MlflowRunStatus,
} from './mlflow-entities.js';

/** MLflow's id and name of the experiment runs go to when a script names none. */
const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' };
/** Largest page runs/search answers (MLflow allows 50,000; clients follow next_page_token). */
const MAX_RUNS_PAGE = 1000;
const DEFAULT_RUNS_PAGE = 1000;
const MAX_HISTORY_PAGE = 25_000;
/** Files of an exported pipeline folder (write-mlflow-model.ts), listed without asking the store. */
/** The metric registry of an external sweep: runs declare no objective; sorting uses explicit directions. */
const EXTERNAL_REGISTRY = JSON.stringify({ cvScoring: null, objective: { metric: 'accuracy', goal: 'maximize' } });
const METRIC_KEY = /^[\w\-./ ]{1,250}$/;

export interface RunsSearch {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  runViewType?: string;
}

export interface ArtifactFile {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** A run id resolved: a sweep (parent run) or a trial. */
type RunRef = { sweep: SweepRecord; index?: number };

export class MlflowTracking {
  /** Pipeline folders being exported now, by artefact key. */
  private readonly exporting = new Map<string, Promise<string[]>>();

  constructor(
    private readonly service: SweepService,
    private readonly store: ObjectStore,
  ) {}

  private get index() {
    return this.service.index;
  }

  // ---- experiments ----

  async experimentByName(name: string): Promise<MlflowExperiment> {
    requireText(name, 'experiment_name');
    if (name === DEFAULT_EXPERIMENT.name) return experimentOf(DEFAULT_EXPERIMENT.id, name, 0, 0);
    const found = await this.findExperiment(name);
    if (found === null) throw new SweepqError('NOT_FOUND', `Could not find experiment with name '${name}'`);
    return found;
  }

  async experimentById(id: string): Promise<MlflowExperiment> {
    requireText(id, 'experiment_id');
    if (id === DEFAULT_EXPERIMENT.id) return experimentOf(id, DEFAULT_EXPERIMENT.name, 0, 0);
    const known = await this.index.runs.experimentById(id);
    if (known === null) throw new SweepqError('NOT_FOUND', `No Experiment with id=${id} exists`);
    return experimentOf(id, known.name, known.createdAt, await this.lastUpdate(known.name, known.createdAt));
  }

  /** experiments/create: assigns the name its id (idempotent for a name that has one, as sweeps give them). */
  async createExperiment(name: string): Promise<string> {
    requireText(name, 'name');
    if (name.length > 100 || !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new InvalidInputError(
        'INVALID_ARGUMENT',
        `experiment name '${name.slice(0, 100)}' is not a sweepq experiment name: use letters, digits, _ . - (at most 100)`,
      );
    }
    return this.index.runs.experimentId(name, Date.now());
  }

  /** experiments/search: every experiment (with sweeps, or made by experiments/create), name order; `filter` may test `name` with =, LIKE or ILIKE. */
  async searchExperiments(options: {
    filter?: string;
    maxResults?: number;
    pageToken?: string;
  }): Promise<{ experiments: MlflowExperiment[]; nextPageToken?: string }> {
    const match = nameMatcher(options.filter);
    const names: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.index.sweeps.experiments(offset, 1000);
      names.push(...page);
      if (page.length < 1000) break;
    }
    // Experiments made by experiments/create have an id before they have a sweep.
    const all = new Set(names);
    for (const name of await this.index.redis.hkeys(this.index.keys.experimentIds())) all.add(name);
    const selected = [...all].filter(match).sort();
    const offset = decodePageToken(options.pageToken);
    const limit = pageSize(options.maxResults, 1000, 50_000, 'max_results');
    const page = selected.slice(offset, offset + limit);
    const experiments: MlflowExperiment[] = [];
    for (const name of page) {
      const found = await this.findExperiment(name);
      if (found !== null) experiments.push(found);
    }
    return { experiments, ...(offset + limit < selected.length ? { nextPageToken: encodePageToken(offset + limit) } : {}) };
  }

  // ---- runs: reads ----

  async getRun(runId: string): Promise<MlflowRun> {
    const ref = await this.resolveRun(runId);
    const experimentId = await this.experimentIdOf(ref.sweep);
    if (ref.index === undefined) return sweepRun(ref.sweep, experimentId);
    const [trial, state] = await Promise.all([this.index.trials.get(ref.sweep.id, ref.index), this.index.runs.read(ref.sweep.id, ref.index)]);
    if (trial === null) throw runNotFound(runId);
    return trialRun(trial, experimentId, state?.metricSteps ?? {});
  }

  async searchRuns(search: RunsSearch): Promise<{ runs: MlflowRun[]; nextPageToken?: string }> {
    const limit = pageSize(search.maxResults, DEFAULT_RUNS_PAGE, 50_000, 'max_results');
    const offset = decodePageToken(search.pageToken);
    // The query text is checked even when no run could match, so a typo never passes as "no results".
    if (search.filter !== undefined && search.filter.trim() !== '') parseFilter(search.filter);
    if (search.orderBy !== undefined && search.orderBy.length > 0) parseOrderBy(search.orderBy);
    if (search.runViewType === 'DELETED_ONLY') return { runs: [] }; // nothing is ever deleted
    const sweeps: SweepRecord[] = [];
    const experimentIdOf = new Map<string, string>();
    for (const id of search.experimentIds) {
      const name = id === DEFAULT_EXPERIMENT.id ? DEFAULT_EXPERIMENT.name : (await this.index.runs.experimentById(id))?.name;
      // An unknown experiment id finds nothing (as in MLflow, whose search names no missing experiment).
      if (name === undefined) continue;
      const ids = await this.index.sweeps.experimentSweepIds(name);
      for (const sweep of await this.index.sweeps.getMany(ids)) {
        sweeps.push(sweep);
        experimentIdOf.set(sweep.id, id);
      }
    }
    if (sweeps.length === 0) return { runs: [] };
    const take = Math.min(limit, MAX_RUNS_PAGE);
    const page = await this.service.queryTrialsOf(sweeps, {
      ...(search.filter === undefined || search.filter.trim() === '' ? {} : { filter: search.filter }),
      ...(search.orderBy === undefined || search.orderBy.length === 0 ? {} : { orderBy: search.orderBy }),
      limit: take,
      offset,
    });
    const steps = await this.metricStepsOf(page.trials);
    const runs = page.trials.map((trial, i) => trialRun(trial, experimentIdOf.get(trial.sweepId) ?? '', steps[i]));
    const next = offset + page.trials.length;
    return { runs, ...(next < page.total && page.trials.length > 0 ? { nextPageToken: encodePageToken(next) } : {}) };
  }

  /**
   * metrics/get-history: what a script logged through the MLflow API, a program trial's reported history,
   * a trial's per-fold scores as `cv_fold_score` (step = fold), or its final metric as one point.
   */
  async metricHistory(
    runId: string,
    key: string,
    options: { maxResults?: number; pageToken?: string } = {},
  ): Promise<{ metrics: MlflowMetric[]; nextPageToken?: string }> {
    requireText(key, 'metric_key');
    const ref = await this.resolveRun(runId);
    if (ref.index === undefined) return { metrics: [] };
    const offset = decodePageToken(options.pageToken);
    const limit = pageSize(options.maxResults, MAX_HISTORY_PAGE, MAX_HISTORY_PAGE, 'max_results');
    const logged = await this.index.runs.history(ref.sweep.id, ref.index, key, offset, limit);
    if (logged.total > 0) {
      const metrics = logged.points.map((text) => {
        const [value, timestamp, step] = JSON.parse(text) as [number, number, number];
        return { key, value, timestamp, step };
      });
      return { metrics, ...(offset + metrics.length < logged.total ? { nextPageToken: encodePageToken(offset + metrics.length) } : {}) };
    }
    const trial = await this.index.trials.get(ref.sweep.id, ref.index);
    if (trial === null) throw runNotFound(runId);
    const time = trial.finishedAt ?? trial.startedAt ?? 0;
    const all: MlflowMetric[] = [];
    const reported = programHistoryOf(trial, key);
    if (reported !== undefined) {
      // A program's reported curve (stdout lines, `sweepq report` or its MLflow client), bounded and
      // thinned by the worker; points carry no time of their own, so each has the trial's end time.
      for (const [step, value] of reported) if (value !== null) all.push({ key, value, timestamp: time, step });
    } else if (key === FOLD_SCORE_METRIC) {
      const folds = trial.folds ?? [];
      for (let fold = 0; fold < folds.length; fold++) {
        const value = folds[fold];
        if (typeof value === 'number') all.push({ key, value, timestamp: time, step: fold });
      }
    } else {
      const value = trial.metrics?.[key];
      if (typeof value === 'number' && Number.isFinite(value)) all.push({ key, value, timestamp: time, step: 0 });
    }
    const metrics = all.slice(offset, offset + limit);
    return { metrics, ...(offset + limit < all.length ? { nextPageToken: encodePageToken(offset + limit) } : {}) };
  }

  // ---- runs: writes ----

  /** runs/create: a new run in the experiment's external sweep. */
  async createRun(input: { experimentId?: string; runName?: string; startTime?: number; tags?: MlflowKeyValue[] }): Promise<MlflowRun> {
    const experimentId = input.experimentId === undefined || input.experimentId === '' ? DEFAULT_EXPERIMENT.id : input.experimentId;
    const name = experimentId === DEFAULT_EXPERIMENT.id ? DEFAULT_EXPERIMENT.name : (await this.index.runs.experimentById(experimentId))?.name;
    if (name === undefined) throw new SweepqError('NOT_FOUND', `No Experiment with id=${experimentId} exists`);
    const tags = tagRecord(input.tags ?? []);
    const runName = input.runName ?? tags['mlflow.runName'];
    delete tags['mlflow.runName'];
    checkTags(tags);
    if (experimentId === DEFAULT_EXPERIMENT.id) await this.index.runs.experimentId(name, Date.now());
    const sweepId = await this.index.runs.openExternalSweep(name, EXTERNAL_REGISTRY, `runs of experiment ${name} logged through the MLflow API`);
    const startTime = input.startTime ?? Date.now();
    const index = await this.index.runs.createRun(sweepId, { startTime, fields: { name: '', tags: JSON.stringify(tags) } });
    // The default name needs the index; MLflow generates one server-side too.
    const finalName = runName === undefined || runName === '' ? `run-${index}` : runName;
    await this.index.runs.update(sweepId, index, (state) => ({
      fields: { name: finalName },
      event: { s: state.status, t: startTime, u: { n: finalName, g: tags } },
    }));
    return this.getRun(`${sweepId}-t${index}`);
  }

  /** runs/update: status, end time and name of a run created through MLflow; a trained trial's status follows its training (left as it is). */
  async updateRun(input: { runId: string; status?: string; endTime?: number; runName?: string }): Promise<MlflowRun> {
    const ref = await this.requireTrialRun(input.runId);
    const external = ref.sweep.kind === 'external';
    const to = input.status === undefined ? undefined : statusFrom(input.status);
    if (!external && input.runName !== undefined && input.runName !== '') {
      throw new InvalidInputError('INVALID_ARGUMENT', `run ${input.runId} is a trial trained by sweepq: its name is its trial name and cannot be changed`);
    }
    if (external) {
      await this.index.runs.update(ref.sweep.id, ref.index, (state) => {
        const write: RunWrite = { fields: {} };
        const moves = to !== undefined && to !== state.status;
        if (input.runName !== undefined && input.runName !== '' && input.runName !== state.name) {
          write.fields!.name = input.runName;
          if (!moves) write.event = { s: state.status, t: Date.now(), u: { n: input.runName } };
        }
        if (moves) {
          const at = input.endTime ?? Date.now();
          write.move = { from: state.status, to };
          const finished = to !== 'active' && to !== 'queued';
          write.fields!.status = to;
          write.fields!.finishedAt = finished ? String(at) : '';
          if (finished && state.startedAt !== null) write.fields!.durationMs = String(Math.max(0, at - state.startedAt));
          // A transition event: the read model takes status, times and (for finished runs) metrics and params from it.
          write.event = finished
            ? { s: to, t: at, m: state.metrics, p: state.params, ...(state.startedAt === null ? {} : { d: Math.max(0, at - state.startedAt) }) }
            : { s: to, t: at };
        }
        return Object.keys(write.fields!).length === 0 ? null : write;
      });
    }
    return this.getRun(input.runId);
  }

  /** runs/log-batch (and log-metric, log-parameter, set-tag): one atomic write to the run. */
  async logBatch(
    runId: string,
    batch: { metrics?: Array<{ key: string; value: number; timestamp?: number; step?: number }>; params?: MlflowKeyValue[]; tags?: MlflowKeyValue[] },
  ): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    if (metrics.length > 1000 || params.length > 100 || tags.length > 100) {
      throw new InvalidInputError('LIMIT_EXCEEDED', "a batch holds at most 1000 metrics, 100 params and 100 tags (MLflow's limits)");
    }
    for (const m of metrics) {
      if (!METRIC_KEY.test(m.key))
        throw new InvalidInputError('INVALID_ARGUMENT', `invalid metric key '${String(m.key).slice(0, 80)}': letters, digits, _ - . / and spaces, at most 250`);
      if (typeof m.value !== 'number') throw new InvalidInputError('INVALID_ARGUMENT', `metric '${m.key}' has no numeric value`);
    }
    for (const p of params) {
      if (!METRIC_KEY.test(p.key)) throw new InvalidInputError('INVALID_ARGUMENT', `invalid param key '${String(p.key).slice(0, 80)}'`);
      if (typeof p.value !== 'string' || p.value.length > 6000)
        throw new InvalidInputError('INVALID_ARGUMENT', `param '${p.key}' needs a string value of at most 6000 characters`);
    }
    const ref = await this.resolveRun(runId);
    if (ref.index === undefined) {
      if (metrics.length > 0 || params.length > 0) {
        throw new InvalidInputError(
          'INVALID_ARGUMENT',
          `run ${runId} is a sweep (the parent of its trials): it holds tags only; log metrics and params to a trial run`,
        );
      }
      const set = tagRecord(tags);
      checkTags(set);
      await this.index.runs.updateSweepTags(ref.sweep.id, (current) => boundTags({ ...current, ...set }, runId));
      return;
    }
    const external = ref.sweep.kind === 'external';
    await this.index.runs.update(ref.sweep.id, ref.index, (state) => runDataWrite(state, runId, external, { metrics, params, tags }));
  }

  // ---- artefacts ----

  /** Lists a run's artefacts under `relPath` ('' = the root), as MLflow's artifact listing (names relative to `relPath`). */
  async listArtifacts(runId: string, relPath: string): Promise<ArtifactFile[]> {
    const ref = await this.resolveRun(runId);
    const dir = normaliseArtifactPath(relPath, true);
    const entries = new Map<string, ArtifactFile>();
    const add = (fullPath: string, size?: number): void => {
      if (dir !== '' && !fullPath.startsWith(`${dir}/`)) return;
      const rest = dir === '' ? fullPath : fullPath.slice(dir.length + 1);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (!entries.has(name))
        entries.set(name, slash < 0 ? { path: name, is_dir: false, ...(size === undefined ? {} : { file_size: size }) } : { path: name, is_dir: true });
    };
    if (ref.index !== undefined) {
      for (const file of await this.pipelineFiles(ref.sweep.id, ref.index)) add(`${PIPELINE_FOLDER}/${file}`);
      for (const [path, entry] of await this.index.runs.artifacts(ref.sweep.id, ref.index)) add(path, entry.size);
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The bytes of one artefact file. */
  async readArtifact(runId: string, relPath: string): Promise<Buffer> {
    const ref = await this.requireTrialRun(runId);
    const path = normaliseArtifactPath(relPath, false);
    const uploaded = (await this.index.runs.artifacts(ref.sweep.id, ref.index)).get(path);
    if (uploaded !== undefined) return this.store.get(uploadKey(uploaded.sha256));
    if (path.startsWith(`${PIPELINE_FOLDER}/`)) {
      const trial = await this.index.trials.get(ref.sweep.id, ref.index);
      const file = path.slice(PIPELINE_FOLDER.length + 1);
      if (trial !== null && trial.artifact !== null && trial.status === 'completed') {
        if (file === PIPELINE_JSON_FILE) return this.store.get(trial.artifact);
        if ((await this.pipelineFolder(trial.artifact)).includes(file)) return this.store.get(`${pipelineFolderKey(trial.artifact)}${file}`);
      }
    }
    throw new SweepqError('NOT_FOUND', `run ${runId} has no artifact '${path}'`);
  }

  /** Stores an uploaded file (content-addressed) and records it at `relPath` in the run's artefacts. */
  async writeArtifact(runId: string, relPath: string, bytes: Buffer): Promise<void> {
    const ref = await this.requireTrialRun(runId);
    const path = normaliseArtifactPath(relPath, false);
    if (path === PIPELINE_FOLDER || path.startsWith(`${PIPELINE_FOLDER}/`)) {
      if (ref.sweep.kind !== 'external')
        throw new InvalidInputError('INVALID_ARGUMENT', `'${PIPELINE_FOLDER}/' of a trained trial holds its fitted pipeline; upload to another path`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = uploadKey(sha256);
    if (!(await this.store.exists(key))) await this.store.put(key, bytes, { contentType: 'application/octet-stream' });
    await this.index.runs.addArtifact(ref.sweep.id, ref.index, path, { sha256, size: bytes.length });
  }

  // ---- helpers ----

  private async pipelineFiles(sweepId: string, index: number): Promise<string[]> {
    const trial = await this.index.trials.get(sweepId, index);
    if (trial === null || trial.status !== 'completed' || trial.artifact === null) return [];
    return [...(await this.pipelineFolder(trial.artifact)), PIPELINE_JSON_FILE];
  }

  /** The folder's files, exported on its first read (see pipeline-folder.ts); one export per folder at a time. */
  private pipelineFolder(artifactKey: string): Promise<string[]> {
    let pending = this.exporting.get(artifactKey);
    if (pending === undefined) {
      pending = materialisePipelineFolder(this.store, artifactKey).finally(() => this.exporting.delete(artifactKey));
      this.exporting.set(artifactKey, pending);
    }
    return pending;
  }

  private async metricStepsOf(trials: readonly TrialRecord[]): Promise<Array<Record<string, [number, number]>>> {
    // Only runs logged through MLflow have steps (trained trials have none): one pipelined read per page.
    const pipeline = this.index.redis.pipeline();
    for (const t of trials) pipeline.hget(this.index.keys.trial(t.sweepId, t.index), 'metricSteps');
    const texts = trials.length === 0 ? [] : (assertExecOk(await pipeline.exec()) as Array<string | null>);
    return texts.map((text) => (text === null || text === '' ? {} : (JSON.parse(text) as Record<string, [number, number]>)));
  }

  private async findExperiment(name: string): Promise<MlflowExperiment | null> {
    const ids = await this.index.sweeps.experimentSweepIds(name);
    const first = ids.length === 0 ? null : await this.index.sweeps.get(ids[0]!);
    const createdAt = first?.createdAt ?? Date.now();
    if (first === null) {
      // An experiment made by experiments/create has an id but no sweep yet.
      const id = await this.index.redis.hget(this.index.keys.experimentIds(), name);
      if (id === null) return null;
      const known = await this.index.runs.experimentById(id);
      return experimentOf(id, name, known?.createdAt ?? 0, known?.createdAt ?? 0);
    }
    const id = await this.index.runs.experimentId(name, createdAt);
    return experimentOf(id, name, createdAt, await this.lastUpdate(name, createdAt));
  }

  private async lastUpdate(name: string, fallback: number): Promise<number> {
    const score = await this.index.redis.zscore(this.index.keys.experiments(), name);
    return score === null ? fallback : Number(score);
  }

  private async experimentIdOf(sweep: SweepRecord): Promise<string> {
    return this.index.runs.experimentId(sweep.name, sweep.createdAt);
  }

  private async resolveRun(runId: string): Promise<RunRef> {
    requireText(runId, 'run_id');
    if (TrialIdSchema.safeParse(runId).success) {
      const at = runId.lastIndexOf('-t');
      const sweep = await this.index.sweeps.get(runId.slice(0, at));
      const index = Number(runId.slice(at + 2));
      if (sweep === null || index >= sweep.created) throw runNotFound(runId);
      return { sweep, index };
    }
    if (SweepIdSchema.safeParse(runId).success) {
      const sweep = await this.index.sweeps.get(runId);
      if (sweep === null) throw runNotFound(runId);
      return { sweep };
    }
    throw runNotFound(runId);
  }

  private async requireTrialRun(runId: string): Promise<{ sweep: SweepRecord; index: number }> {
    const ref = await this.resolveRun(runId);
    if (ref.index === undefined)
      throw new InvalidInputError('INVALID_ARGUMENT', `run ${runId} is a sweep (the parent of its trials); this applies to trial runs only`);
    return { sweep: ref.sweep, index: ref.index };
  }
}

/** The write of logged metrics, params and tags (null when nothing changes). */
function runDataWrite(
  state: RunState,
  runId: string,
  external: boolean,
  batch: { metrics: Array<{ key: string; value: number; timestamp?: number; step?: number }>; params: MlflowKeyValue[]; tags: MlflowKeyValue[] },
): RunWrite | null {
  const fields: Record<string, string> = {};
  const update: NonNullable<RunWrite['event']>['u'] = {};
  const history: Array<[string, string]> = [];
  if (batch.params.length > 0) {
    const params: Record<string, unknown> = { ...state.params };
    let changed = false;
    for (const { key, value } of batch.params) {
      const old = params[key];
      if (old !== undefined) {
        // MLflow's rule: a param is logged once; the same value again is fine.
        if (paramText(old) !== value)
          throw new InvalidInputError(
            'INVALID_ARGUMENT',
            `Changing param values is not allowed. Param with key='${key}' was already logged with value='${paramText(old)}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
          );
        continue;
      }
      params[key] = numericOrText(value);
      changed = true;
    }
    if (changed) {
      fields.params = JSON.stringify(params);
      update.p = params;
    }
  }
  if (batch.metrics.length > 0) {
    const metrics: Record<string, number | null> = { ...state.metrics };
    const steps: Record<string, [number, number]> = { ...state.metricSteps };
    for (const m of batch.metrics) {
      const step = m.step ?? 0;
      const timestamp = m.timestamp ?? Date.now();
      const value = Number.isFinite(m.value) ? m.value : null;
      history.push([m.key, JSON.stringify([m.value, timestamp, step])]);
      // The run's value of a metric is MLflow's "latest": highest step, then latest timestamp.
      const latest = steps[m.key];
      if (latest === undefined || step > latest[0] || (step === latest[0] && timestamp >= latest[1])) {
        metrics[m.key] = value;
        steps[m.key] = [step, timestamp];
      }
    }
    fields.metrics = JSON.stringify(metrics);
    fields.metricSteps = JSON.stringify(steps);
    update.m = metrics;
  }
  if (batch.tags.length > 0) {
    const set = tagRecord(batch.tags);
    const name = set['mlflow.runName'];
    delete set['mlflow.runName'];
    if (name !== undefined && name !== state.name) {
      if (!external)
        throw new InvalidInputError(
          'INVALID_ARGUMENT',
          `run ${runId} is a trial trained by sweepq: its name (mlflow.runName) is its trial name and cannot be changed`,
        );
      fields.name = name;
      update.n = name;
    }
    checkTags(set);
    const tags = boundTags({ ...state.tags, ...set }, runId);
    if (JSON.stringify(tags) !== JSON.stringify(state.tags)) {
      fields.tags = JSON.stringify(tags);
      update.g = tags;
    }
  }
  if (Object.keys(fields).length === 0) return null;
  return { fields, history, event: { s: state.status, t: Date.now(), u: update } };
}

/** A logged param's value as sweepq keeps params: numbers as numbers (so `params.x > 3` works), else text. */
function numericOrText(value: string): string | number {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && String(n) === value ? n : value;
}

function tagRecord(tags: readonly MlflowKeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    if (typeof tag?.key !== 'string' || typeof tag.value !== 'string')
      throw new InvalidInputError('INVALID_ARGUMENT', 'a tag needs a string key and a string value');
    out[tag.key] = tag.value;
  }
  return out;
}

/** The tag rules of tags.schema.ts; `mlflow.*` system tags MLflow clients send are welcome, `sweepq.*` is ours. */
function checkTags(tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH || !/^[\w\-./: ]+$/.test(key)) {
      throw new InvalidInputError(
        'INVALID_ARGUMENT',
        `invalid tag key '${key.slice(0, 80)}': letters, digits, _ - . / : and spaces, at most ${MAX_TAG_KEY_LENGTH}`,
      );
    }
    if (key.startsWith(RESERVED_TAG_PREFIX))
      throw new InvalidInputError('INVALID_ARGUMENT', `tag keys starting with ${RESERVED_TAG_PREFIX} are what sweepq reports; choose another key`);
    if (value.length > MAX_TAG_VALUE_LENGTH && key !== NOTE_TAG)
      throw new InvalidInputError('INVALID_ARGUMENT', `tag '${key}' is longer than ${MAX_TAG_VALUE_LENGTH} characters`);
  }
}

function boundTags(tags: Record<string, string>, id: string): Record<string, string> {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) throw new InvalidInputError('LIMIT_EXCEEDED', `${id} would have ${count} tags; at most ${MAX_TAGS} are kept per run`);
  return tags;
}

function statusFrom(status: string): TrialStatus {
  const to = TRIAL_STATUS_OF[status as MlflowRunStatus];
  if (to === undefined)
    throw new InvalidInputError('INVALID_ARGUMENT', `unknown run status '${status.slice(0, 40)}': use RUNNING, SCHEDULED, FINISHED, FAILED or KILLED`);
  return to;
}

/** `a/b/c` with no empty, `.` or `..` segment; '' (the root) only where a folder is meant. */
function normaliseArtifactPath(path: string, folder: boolean): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '' && folder) return '';
  const parts = trimmed.split('/');
  if (trimmed.length > 1000 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    throw new InvalidInputError('INVALID_ARGUMENT', `invalid artifact path '${path.slice(0, 100)}': segments separated by /, none empty, . or ..`);
  }
  return trimmed;
}

/** Uploaded artefacts are content-addressed in the store; the run's manifest maps paths to them. */
function uploadKey(sha256: string): string {
  return `run-artifacts/${sha256}`;
}

function runNotFound(runId: string): SweepqError {
  return new SweepqError('NOT_FOUND', `Run '${String(runId).slice(0, 100)}' not found`);
}

function requireText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new InvalidInputError('INVALID_ARGUMENT', `Missing value for required parameter '${name}'`);
}

function pageSize(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new InvalidInputError('INVALID_ARGUMENT', `Invalid value ${String(value)} for parameter '${name}': an integer from 1 to ${max}`);
  return value;
}

/** Page tokens are opaque to clients: base64 of the offset of the next page. */
function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0) return value.offset;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError('INVALID_ARGUMENT', 'Invalid page token: pass the next_page_token of the previous answer');
}

/** experiments/search filters: `name = 'x'`, `name LIKE 'x%'`, `name ILIKE …`, or none. */
function nameMatcher(filter: string | undefined): (name: string) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const match = /^\s*(?:attribute\.|attributes\.)?name\s*(=|!=|LIKE|ILIKE)\s*'((?:[^'\\]|\\.)*)'\s*$/i.exec(filter);
  if (match === null)
    throw new InvalidInputError(
      'INVALID_FILTER',
      `unsupported experiment filter '${filter.slice(0, 100)}': sweepq filters experiments by name only (name = '…', name LIKE '…', name ILIKE '…')`,
    );
  const op = match[1]!.toUpperCase();
  const text = match[2]!;
  if (op === '=') return (name) => name === text;
  if (op === '!=') return (name) => name !== text;
  const pattern = new RegExp(
    `^${text
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('%', '.*')
      .replaceAll('_', '.')}$`,
    op === 'ILIKE' ? 'is' : 's',
  );
  return (name) => pattern.test(name);
}

/** A program trial's reported history of one metric (`[step, value]`, null = reported missing), if any. */
function programHistoryOf(trial: TrialRecord, key: string): ReadonlyArray<[number, number | null]> | undefined {
  const history = trial.program?.history;
  return history !== undefined && Object.hasOwn(history, key) ? history[key] : undefined;
}
