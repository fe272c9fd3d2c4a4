/**
 * Runs as the MLflow API and user tags see them, stored in the index beside what workers write:
 * - MLflow experiment ids, assigned to experiment names once (experiment-id-4.lua);
 * - each experiment's external sweep — the runs a script creates through the MLflow API, held as the
 *   trials of one sweep record of kind `external` so the CLI, the read model and experiment queries
 *   show them like any trial (open-external-sweep-5.lua, create-run-2.lua);
 * - writes to a trial's data (tags, and for external runs params, metrics, history, name, status) as a
 *   compare-and-set on the trial's `rev`, each with its completion-log event (write-run-3.lua): the
 *   caller reads the run, computes the new state in JavaScript and retries when another write won;
 * - metric histories (one list per run and metric) and the manifest of uploaded artefacts.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import type { TrialStatus } from '../schemas/trial.schema.js';
import type { LogEvent } from './completion-log.js';
import type { IndexKeys } from './index-keys.js';
import type { IndexScripts } from './index-scripts.js';
import { assertExecOk, numberOrNull, parseJsonOrNull } from './redis-results.js';
import { parseTags } from './sweep-records.js';

/** Compare-and-set attempts before a write gives up (only many concurrent writers to one run get there). */
const MAX_ATTEMPTS = 20;

/** What a write needs to know of a run, read in one round trip. */
export interface RunState {
  /** The compare-and-set version. */
  rev: string;
  status: TrialStatus;
  name: string;
  params: Record<string, unknown>;
  /** Latest value of each metric (null where not finite). */
  metrics: Record<string, number | null>;
  /** For each metric logged through the MLflow API: `[step, timestamp]` of its latest value. */
  metricSteps: Record<string, [number, number]>;
  tags: Record<string, string>;
  startedAt: number | null;
  finishedAt: number | null;
}

/** One atomic write to a run. */
export interface RunWrite {
  /** Trial hash fields to set. */
  fields?: Record<string, string>;
  /** Points to append to metric histories: `[metric name, JSON point]`. */
  history?: Array<[string, string]>;
  /** A status move (external sweeps only): the sweep's counters follow. */
  move?: { from: TrialStatus; to: TrialStatus };
  /** The completion-log event of the write (its `i` is filled in). */
  event?: Omit<LogEvent, 'i'>;
}

/** An uploaded artefact of a run. */
export interface ArtifactEntry {
  sha256: string;
  size: number;
}

export class RunRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
    private readonly scripts: IndexScripts,
  ) {}

  /** The MLflow id of an experiment name, assigned now (with `createdAt`) when it has none. */
  async experimentId(name: string, createdAt: number): Promise<string> {
    const k = this.keys;
    return String(
      await this.scripts.run(
        'experiment-id',
        [k.experimentIds(), k.experimentNames(), k.experimentCreated(), k.experimentSeq()],
        [name, Math.round(createdAt)],
      ),
    );
  }

  /** The ids of several names (assigned when missing), one round trip. */
  async experimentIdsOf(experiments: ReadonlyArray<{ name: string; createdAt: number }>): Promise<string[]> {
    if (experiments.length === 0) return [];
    const k = this.keys;
    const pipeline = this.redis.pipeline();
    for (const e of experiments) {
      this.scripts.queue(
        pipeline,
        'experiment-id',
        [k.experimentIds(), k.experimentNames(), k.experimentCreated(), k.experimentSeq()],
        [e.name, Math.round(e.createdAt)],
      );
    }
    return assertExecOk(await pipeline.exec()).map((id) => String(id as string));
  }

  /** The name and creation time behind an experiment id, or null when no name has it. */
  async experimentById(id: string): Promise<{ name: string; createdAt: number } | null> {
    const [name, created] = assertExecOk(await this.redis.pipeline().hget(this.keys.experimentNames(), id).hget(this.keys.experimentCreated(), id).exec()) as [
      string | null,
      string | null,
    ];
    return name === null ? null : { name, createdAt: Number(created ?? 0) };
  }

  /** Creation times of experiment ids (0 where unknown). */
  async experimentCreatedAt(ids: readonly string[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.keys.experimentCreated(), ...ids);
    return values.map((v) => Number(v ?? 0));
  }

  /** The id of the experiment's external sweep, made now when it has none. */
  async openExternalSweep(name: string, registrySpec: string, description: string, now = Date.now()): Promise<string> {
    const k = this.keys;
    const candidate = `s-${now.toString(36)}${randomBytes(6).toString('hex')}`;
    return String(
      await this.scripts.run(
        'open-external-sweep',
        [k.externalSweeps(), k.sweeps(), k.experiments(), k.experiment(name), k.sweep(candidate)],
        [name, candidate, now, registrySpec, description],
      ),
    );
  }

  /**
   * Creates a run in an external sweep: its next trial, active from `startTime`.
   * @returns the trial index.
   */
  async createRun(sweepId: string, run: { startTime: number; fields: Record<string, string> }): Promise<number> {
    const k = this.keys;
    const args: Array<string | number> = [k.trialPrefix(sweepId), sweepId, Math.round(run.startTime)];
    for (const [field, value] of Object.entries(run.fields)) args.push(field, value);
    const index = Number(await this.scripts.run('create-run', [k.sweep(sweepId), k.log(sweepId)], args));
    if (index < 0) throw new SweepqError('CONFLICT', `sweep ${sweepId} is not an external sweep: runs are created only in external sweeps`);
    return index;
  }

  /** A run's state for a write, or null when the trial does not exist. */
  async read(sweepId: string, index: number): Promise<RunState | null> {
    const values = await this.redis.hmget(
      this.keys.trial(sweepId, index),
      'id',
      'rev',
      'status',
      'name',
      'params',
      'metrics',
      'metricSteps',
      'tags',
      'startedAt',
      'finishedAt',
    );
    const [id, rev, status, name, params, metrics, metricSteps, tags, startedAt, finishedAt] = values;
    if (id === null || id === undefined) return null;
    return {
      rev: rev ?? '0',
      status: (status ?? 'queued') as TrialStatus,
      name: name ?? '',
      params: (parseJsonOrNull(params ?? undefined) as Record<string, unknown> | null) ?? {},
      metrics: (parseJsonOrNull(metrics ?? undefined) as Record<string, number | null> | null) ?? {},
      metricSteps: (parseJsonOrNull(metricSteps ?? undefined) as Record<string, [number, number]> | null) ?? {},
      tags: parseTags(tags ?? undefined),
      startedAt: numberOrNull(startedAt),
      finishedAt: numberOrNull(finishedAt),
    };
  }

  /**
   * Reads the run, lets `mutate` compute one write from its state, and writes it if nobody wrote the
   * run in between (else reads again and retries). `mutate` returns null for "nothing to write" and
   * may throw to refuse the change.
   * @returns the state the write was computed from and the write (null when there was nothing to do).
   * @throws SweepqError NOT_FOUND when the trial does not exist.
   */
  async update<T extends RunWrite>(
    sweepId: string,
    index: number,
    mutate: (state: RunState) => T | null,
    now = Date.now(),
  ): Promise<{ state: RunState; write: T | null }> {
    const k = this.keys;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await this.read(sweepId, index);
      if (state === null) throw new SweepqError('NOT_FOUND', `run ${sweepId}-t${index} does not exist`);
      const write = mutate(state);
      if (write === null) return { state, write };
      const args: Array<string | number> = [
        state.rev,
        write.move?.from ?? '',
        write.move?.to ?? '',
        now,
        write.event === undefined ? '' : JSON.stringify({ i: index, ...write.event }),
      ];
      const fields = Object.entries(write.fields ?? {});
      args.push(fields.length);
      for (const [field, value] of fields) args.push(field, value);
      const history = write.history ?? [];
      args.push(history.length);
      for (const [metric, point] of history) args.push(k.metricHistory(sweepId, index, metric), point);
      const result = String(await this.scripts.run('write-run', [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId)], args));
      if (result === 'ok') return { state, write };
      if (result === 'missing') throw new SweepqError('NOT_FOUND', `run ${sweepId}-t${index} does not exist`);
      if (result === 'not-external')
        throw new SweepqError('CONFLICT', `run ${sweepId}-t${index} is a trial trained by sweepq: its status moves only with its training`);
      // 'conflict': another write landed since the read; compute again from the new state.
    }
    throw new SweepqError('CONFLICT', `run ${sweepId}-t${index} is being written by too many clients at once; try again`);
  }

  /**
   * Replaces a sweep's tags with `mutate(current)` (compare-and-set on the stored text, retried).
   * @throws SweepqError NOT_FOUND when the sweep does not exist.
   */
  async updateSweepTags(sweepId: string, mutate: (current: Record<string, string>) => Record<string, string>): Promise<Record<string, string>> {
    const key = this.keys.sweep(sweepId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const text = (await this.redis.hget(key, 'tags')) ?? '';
      const next = mutate(parseTags(text));
      const result = String(await this.scripts.run('write-sweep-tags', [key], [text, JSON.stringify(next)]));
      if (result === 'ok') return next;
      if (result === 'missing') throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    }
    throw new SweepqError('CONFLICT', `the tags of sweep ${sweepId} are being written by too many clients at once; try again`);
  }

  /** Points `[start, start + count)` of a run's metric history (JSON texts) and the history's length. */
  async history(sweepId: string, index: number, metric: string, start: number, count: number): Promise<{ points: string[]; total: number }> {
    const key = this.keys.metricHistory(sweepId, index, metric);
    const [points, total] = assertExecOk(
      await this.redis
        .pipeline()
        .lrange(key, start, start + count - 1)
        .llen(key)
        .exec(),
    ) as [string[], number];
    return { points, total };
  }

  /** Every artefact uploaded to a run: path → entry. */
  async artifacts(sweepId: string, index: number): Promise<Map<string, ArtifactEntry>> {
    const hash = await this.redis.hgetall(this.keys.runArtifacts(sweepId, index));
    const out = new Map<string, ArtifactEntry>();
    for (const [path, text] of Object.entries(hash)) out.set(path, JSON.parse(text) as ArtifactEntry);
    return out;
  }

  /** Records an uploaded artefact (after its bytes are stored). */
  async addArtifact(sweepId: string, index: number, path: string, entry: ArtifactEntry): Promise<void> {
    await this.redis.hset(this.keys.runArtifacts(sweepId, index), path, JSON.stringify(entry));
  }
}
