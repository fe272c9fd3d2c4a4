/**
 * Fold jobs (issue 13 item 5): the parts of a trial split into a BullMQ flow by the feeder
 * (shared/folds/). Each CV fold and the final fit run as their own jobs on whichever workers are idle;
 * the flow's parent commits the trial once every part has recorded its result. A random forest's
 * final fit runs as tree ranges whose partial pipelines the `fit` part merges and evaluates.
 *
 * Fencing, as for whole trials: the split attempt holds the trial under the flow's token (the first
 * part to start moves it to active); every run of a part claims the part with a fresh token in the
 * fold hash, so a part re-run after its worker died supersedes the old run, whose late result is
 * refused; the parent commits through the index's fenced commit, with the fit's artefact already
 * stored. Cancel stops the running parts (they are in the processor's running set) and records the
 * trial cancelled; parts not started find it cancelled at their claim; the parent then finds it
 * finished and only clears the fold hash.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { SweepqError } from '../../shared/errors/index.js';
import {
  FOLD_JOB_NAME,
  flowToken,
  FoldJobSchema,
  partName,
  partsOf,
  SplitTrialJobSchema,
  treePartKey,
  type FoldJob,
  type SplitTrialJob,
} from '../../shared/folds/fold-job.schema.js';
import { FoldLedger, type FoldPartResult } from '../../shared/folds/fold-ledger.js';
import type { Logger } from '../../shared/logger/logger.js';
import { meanStd } from '../../shared/ml/metrics/mean-std.js';
import { trialJobId } from '../../shared/queue/index.js';
import { AnyModelNameSchema } from '../../shared/schemas/model-params.schema.js';
import { trialTrainingInput } from './trial-training-input.js';
import { artifactKey } from '../../shared/schemas/sweep-context.schema.js';
import type { MetricsIndex } from '../../shared/index/index.js';
import type { ObjectStore } from '../../shared/store/object-store.js';
import { asLocalIoError, type DatasetCache } from '../../shared/sweep/dataset-cache.js';
import type { FetchAhead } from './fetch-ahead.js';
import type { SlotPool } from './slot-pool.js';
import { runInSlot } from './run-in-slot.js';
import { decideFailure } from './failure-decision.js';
import type { RunningAttempt, SweepFacts } from './running-attempt.js';
import type { SlotLimits } from './training-task.js';
import type { TrainingSlot } from './training-slot.js';
import type { CachedTrials } from './cached-trial.js';
import { storeTrialFiles, trialFileObjects } from './trial-files.js';

/** What fold jobs use of the trial processor's dependencies (the same objects). */
export interface FoldProcessorDeps {
  index: MetricsIndex;
  store: ObjectStore;
  datasets: DatasetCache;
  slots: SlotPool;
  fetchAhead?: FetchAhead;
  defaultLimits: SlotLimits;
  onLocalFault?: (error: SweepqError) => void;
  workerId: string;
  logger: Logger;
  /**
   * Where tree ranges pass between the worker and its training processes as files (training-task.ts);
   * default `sweepq-tree-parts` in the OS temp folder. A file lives for one part.
   */
  scratchDir?: string;
}

type Outcome = { outcome: 'completed' | 'fenced' | 'skipped' | 'cancelled'; detail?: string };

export class FoldProcessor {
  private readonly ledger: FoldLedger;

  constructor(
    private readonly deps: FoldProcessorDeps,
    /** The trial processor's running set: cancel, shutdown and the worker registry see parts there. */
    private readonly running: Map<string, RunningAttempt>,
    private readonly sweepFacts: (sweepId: string) => Promise<SweepFacts | null>,
    /** The result cache (issue 11), read by every part before it trains and filled by the parent's commit. */
    private readonly cached: CachedTrials,
  ) {
    this.ledger = new FoldLedger(deps.index.redis, deps.index.keys);
  }

  /** Handles a part (`fold`) or a flow's parent (`trial-split`). */
  async process(job: Job<unknown>, lockToken: string | undefined): Promise<Outcome> {
    return job.name === FOLD_JOB_NAME ? this.processPart(job, lockToken) : this.commitSplit(job);
  }

  private async processPart(job: Job<unknown>, lockToken: string | undefined): Promise<Outcome> {
    const startedAt = Date.now();
    const parsed = FoldJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} has an invalid fold payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const data = parsed.data;
    const log = this.deps.logger.child({
      sweepId: data.sweepId,
      trialId: data.trialId,
      part: partName(data.part),
      jobId: job.id,
      attempt: job.attemptsMade + 1,
    });
    const facts = await this.sweepFacts(data.sweepId);
    if (!facts) throw new UnrecoverableError(`sweep ${data.sweepId} does not exist (deleted?)`);
    if ('kind' in facts.context) throw new UnrecoverableError(`program trials are never split into fold jobs (job ${job.id})`);
    return runInSlot(this.deps.slots, job, lockToken, log, (slot, releaseSlot) =>
      this.claimAndTrainPart(job, lockToken, data, facts, slot, releaseSlot, log.child({ startedAt })),
    );
  }

  private async claimAndTrainPart(
    job: Job<unknown>,
    lockToken: string | undefined,
    data: FoldJob,
    facts: SweepFacts,
    slot: TrainingSlot,
    releaseSlot: () => void,
    log: Logger,
  ): Promise<Outcome> {
    const { index, workerId } = this.deps;
    const context = facts.context;
    if ('kind' in context) throw new UnrecoverableError('program trials are never split into fold jobs');
    const flow = flowToken(trialJobId(data.trialId, data.retries));
    const partToken = randomUUID();
    const claim = await this.ledger.claim(data, flow, partToken, workerId);
    if (claim.result !== 'ok' || !('trial' in claim)) {
      log.info({ claim: claim.result }, 'fold part not claimed');
      return { outcome: claim.result === 'cancelled' ? 'cancelled' : 'skipped', detail: claim.result };
    }
    this.deps.fetchAhead?.splitPartStarted();
    const trial = claim.trial;
    const model = AnyModelNameSchema.safeParse(trial.model);
    if (!model.success) {
      await index.transitions.fail(data.sweepId, data.index, flow, `INVALID_MODEL: unknown model "${trial.model}"`);
      throw new UnrecoverableError(`trial ${data.trialId} names an unknown model "${trial.model}"`);
    }
    // A cached result completes the split trial at once, under the flow's token; its other parts then
    // find it finished at their claim.
    const cacheKey = this.cached.keyFor(context, { model: model.data, params: trial.params, seed: trial.seed }, false);
    const reused = cacheKey === null ? null : await this.cached.reuse(cacheKey, artifactKey(data.sweepId, data.trialId, partToken));
    if (reused !== null) {
      const committed = await index.transitions.commit(data.sweepId, data.index, {
        token: flow,
        durationMs: 0,
        metrics: reused.metrics,
        folds: reused.folds,
        timings: reused.timings,
        artifact: reused.artifact,
        objective: facts.objective,
        detail: { cachedFrom: reused.cachedFrom },
      });
      log.info({ committed, cachedFrom: reused.cachedFrom }, 'split trial answered from the result cache');
      return { outcome: committed === 'ok' ? 'completed' : committed === 'cancelled' ? 'cancelled' : 'fenced', detail: 'cached' };
    }
    // The fit of a trial whose final fit ran in tree ranges merges their partial pipelines (BullMQ
    // runs it after the ranges' jobs ended).
    const ranges = data.part.kind === 'fit' && data.fitTrees !== undefined ? await this.treeRangeResults(data, flow, log) : null;
    const running: RunningAttempt = {
      sweepId: data.sweepId,
      cancelEpoch: trial.cancelEpoch,
      stop: (reason) => slot.abort(reason),
      abortReason: null,
      pastWork: false,
    };
    const runningKey = `${data.trialId}/${partName(data.part)}`;
    this.running.set(runningKey, running);
    // A tree range and the merge of the ranges pass the encoded parts to the training process as files.
    const scratch: string[] = [];
    try {
      const input = await trialTrainingInput(this.deps.datasets, context, model.data, trial, this.deps.defaultLimits);
      if (running.abortReason !== null) throw new SweepqError('CANCELLED', `fold part aborted before training (${running.abortReason})`);
      let files: { treePartFile: string } | { treePartFiles: string[] } | Record<string, never> = {};
      if (data.part.kind === 'trees') {
        scratch.push(await this.scratchFile(`${partToken}.bin`));
        files = { treePartFile: scratch[0]! };
      } else if (ranges !== null) {
        scratch.push(...(await Promise.all(ranges.map((_, r) => this.scratchFile(`${partToken}.${r}.bin`)))));
        await Promise.all(ranges.map((range, r) => this.deps.store.getToFile(range.artifact, scratch[r]!)));
        files = { treePartFiles: scratch };
      }
      const trainingEnded = this.deps.fetchAhead?.watchTraining();
      const trainStartedAt = Date.now();
      const result = await slot.run({ ...input.task, part: data.part, ...files }, input.limits).finally(() => trainingEnded?.());
      if (!result.ok) throw new SweepqError(result.error.code, result.error.message);
      running.pastWork = true;
      releaseSlot();
      // When and how long the part trained, and its CPU: bench (g) draws each worker's parts from these.
      const trained = { trainStartedAt, trainEndedAt: Date.now(), cpuMs: result.cpuMs, loadMs: result.timings.loadMs };
      let record: FoldPartResult;
      if (data.part.kind === 'fold') {
        const score = result.cvScores[0] ?? Number.NaN;
        record = { kind: 'fold', fold: data.part.fold, score: Number.isFinite(score) ? score : null, cvMs: result.timings.cvMs, worker: workerId };
      } else if (data.part.kind === 'trees') {
        const key = treePartKey(data.sweepId, data.trialId, flow, data.part);
        await this.deps.store.putFile(key, scratch[0]!, { contentType: 'application/octet-stream' });
        const { start, end } = data.part;
        record = { kind: 'trees', start, end, artifact: key, fitMs: result.timings.fitMs, worker: workerId };
      } else {
        // The artefact of this run of the fit, at a key of its own token: a superseded run's late
        // write never overwrites the one the trial will record.
        // Stored as a whole trial stores its files (trial-files.ts): the keys are this run's own, so they
        // are written in place, the diagnostics without an fsync — fewer file-system calls before the
        // record, on the path to the trial's commit.
        const storeStarted = Date.now();
        const key = artifactKey(data.sweepId, data.trialId, partToken);
        await storeTrialFiles(this.deps.store, trialFileObjects(key, result), log);
        const { evalMs, loadMs } = result.timings;
        // A merged fit reports the training time of its ranges (summed, like the folds' CV time).
        const fitMs = ranges === null ? result.timings.fitMs : ranges.reduce((sum, range) => sum + range.fitMs, 0);
        record = {
          kind: 'fit',
          metrics: result.metrics,
          artifact: key,
          timings: { fitMs, evalMs, loadMs, storeMs: Date.now() - storeStarted },
          worker: workerId,
        };
      }
      const recorded = await this.ledger.record(data, flow, partToken, record);
      if (recorded !== 'ok' && recorded !== 'done') {
        log.warn({ recorded }, 'fold result not recorded: this run was superseded or the trial finished');
        return { outcome: 'fenced', detail: recorded };
      }
      log.info({ ...trained, recordedAt: Date.now() }, 'fold part recorded');
      return { outcome: 'completed', detail: partName(data.part) };
    } catch (error) {
      return await this.handlePartFailure(job, lockToken, data, flow, running, error, log);
    } finally {
      this.running.delete(runningKey);
      await Promise.all(scratch.map((file) => rm(file, { force: true }).catch(() => undefined)));
    }
  }

  /** A file in the scratch folder where parts exchange encoded tree ranges with their training process. */
  private async scratchFile(name: string): Promise<string> {
    const dir = this.deps.scratchDir ?? path.join(os.tmpdir(), 'sweepq-tree-parts');
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw asLocalIoError(error, `cannot create the fold parts' scratch folder ${dir}`);
    }
    return path.join(dir, name);
  }

  /**
   * The recorded tree ranges of a flow's final fit, in tree order. One missing (its job ended without
   * a result, which only a job BullMQ gave up on does) fails the trial: the fit cannot be merged.
   */
  private async treeRangeResults(data: FoldJob, flow: string, log: Logger): Promise<Array<Extract<FoldPartResult, { kind: 'trees' }>>> {
    const parts = partsOf(data).filter((part) => part.kind === 'trees');
    const results = await this.ledger.results(data.sweepId, data.index, flow, parts);
    const ranges: Array<Extract<FoldPartResult, { kind: 'trees' }>> = [];
    const missing: string[] = [];
    for (const part of parts) {
      const result = results.get(partName(part));
      if (result?.kind === 'trees') ranges.push(result);
      else missing.push(partName(part));
    }
    if (missing.length === 0) return ranges;
    await this.deps.index.transitions.fail(
      data.sweepId,
      data.index,
      flow,
      `INTERNAL: tree range(s) ${missing.join(', ')} of the split final fit ended without a result`,
    );
    log.error({ missing }, 'split final fit cannot be merged: tree ranges missing');
    throw new UnrecoverableError(`split trial ${data.trialId}: tree ranges ${missing.join(', ')} have no result`);
  }

  /** Deletes the partial pipelines of a flow's tree ranges (the merged artefact, if any, is stored apart). */
  private async removeTreeParts(data: SplitTrialJob, flow: string, log: Logger): Promise<void> {
    const ranges = partsOf(data).filter((part) => part.kind === 'trees');
    await Promise.all(
      ranges.map((part) =>
        this.deps.store
          .delete(treePartKey(data.sweepId, data.trialId, flow, part))
          .catch((error: unknown) => log.warn({ err: error }, 'tree range part not deleted')),
      ),
    );
  }

  /**
   * A part that failed. Unlike a whole trial, a part never releases the trial (its other parts may be
   * running): a part handed back (shutdown, local disk fault) or retried keeps the split attempt, and
   * only a part failing for good ends the trial.
   */
  private async handlePartFailure(
    job: Job<unknown>,
    lockToken: string | undefined,
    data: FoldJob,
    flow: string,
    running: RunningAttempt,
    error: unknown,
    log: Logger,
  ): Promise<Outcome> {
    const { index } = this.deps;
    const decision = await decideFailure(running, error, {
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      countCrash: () => index.trials.countCrash(data.sweepId, data.index),
    });
    switch (decision.kind) {
      case 'cancel':
        await index.transitions.abort(data.sweepId, data.index, flow);
        log.info('fold part aborted: sweep cancelled');
        return { outcome: 'cancelled' };
      case 'hand-back':
        // The part's job goes back to the queue; the trial stays held by its flow.
        if (lockToken) await job.moveToDelayed(Date.now() + decision.delayMs, lockToken);
        if (decision.localFault !== null) {
          log.error({ code: decision.code, err: decision.message }, 'local disk fault: fold part handed back, worker pausing');
          this.deps.onLocalFault?.(decision.localFault);
        } else log.info('fold part handed back: worker shutting down');
        throw new DelayedError();
      case 'quarantine':
        await index.transitions.finish(data.sweepId, data.index, flow, 'quarantined', decision.reason);
        log.error({ code: decision.code, err: decision.message }, 'split trial quarantined: its training crashed repeatedly');
        throw new UnrecoverableError(`${decision.code}: ${decision.message}`);
      case 'retry':
        log.warn({ code: decision.code, err: decision.message }, 'fold part failed; will retry');
        throw error instanceof Error ? error : new Error(decision.message);
      case 'fail':
        await index.transitions.fail(data.sweepId, data.index, flow, `${decision.reason} (fold job ${partName(data.part)})`);
        log.error({ code: decision.code, err: decision.message }, 'fold part failed: trial failed');
        throw new UnrecoverableError(decision.reason);
    }
  }

  /**
   * The flow's parent, run by BullMQ once every part's job has ended: commits the trial from the parts'
   * results (fold scores in fold order, the fit's test metrics and artefact), fenced by the flow token.
   */
  private async commitSplit(job: Job<unknown>): Promise<Outcome> {
    const parsed = SplitTrialJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} has an invalid split-trial payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const data = parsed.data;
    const { index } = this.deps;
    const log = this.deps.logger.child({ sweepId: data.sweepId, trialId: data.trialId, jobId: job.id });
    const flow = flowToken(trialJobId(data.trialId, data.retries));
    const [status, token, startedAt, model, params, seed] = await index.redis.hmget(
      index.keys.trial(data.sweepId, data.index),
      'status',
      'token',
      'startedAt',
      'model',
      'params',
      'seed',
    );
    if (status !== 'active' || token !== flow) {
      await this.ledger.clear(data.sweepId, data.index);
      await this.removeTreeParts(data, flow, log);
      log.info({ status }, 'split trial not committed: it finished (cancelled, failed) or another job holds it');
      return { outcome: status === 'cancelled' ? 'cancelled' : 'skipped', detail: status ?? 'missing' };
    }
    const parts = partsOf(data);
    const results = await this.ledger.results(data.sweepId, data.index, flow, parts);
    const missing = parts.map(partName).filter((name) => !results.has(name));
    const fit = results.get('fit');
    if (missing.length > 0 || fit === undefined || fit.kind !== 'fit') {
      // Every part's job ended without a result (a part job BullMQ gave up on): the trial cannot complete.
      await index.transitions.fail(data.sweepId, data.index, flow, `INTERNAL: fold job(s) ${missing.join(', ')} of the split trial ended without a result`);
      await this.ledger.clear(data.sweepId, data.index);
      await this.removeTreeParts(data, flow, log);
      throw new UnrecoverableError(`split trial ${data.trialId}: parts ${missing.join(', ')} have no result`);
    }
    const scores: number[] = [];
    let cvMs = 0;
    const workers = new Set<string>([fit.worker]);
    for (const result of results.values()) if (result.kind === 'trees') workers.add(result.worker);
    for (let k = 0; k < data.folds; k++) {
      const fold = results.get(`f${k}`)!;
      if (fold.kind !== 'fold') continue;
      scores.push(fold.score ?? Number.NaN);
      cvMs += fold.cvMs;
      workers.add(fold.worker);
    }
    const summary = meanStd(scores);
    const metrics = { ...fit.metrics, cv_mean: finiteOrNull(summary.mean), cv_std: finiteOrNull(summary.std) };
    const { fitMs, evalMs, loadMs, storeMs } = fit.timings;
    const facts = await this.sweepFacts(data.sweepId);
    if (!facts) throw new UnrecoverableError(`sweep ${data.sweepId} does not exist (deleted?)`);
    const timings = { fitMs, cvMs, evalMs, totalMs: fitMs + cvMs + evalMs, loadMs, storeMs };
    // A completed split trial fills the result cache like a whole one: its commit writes the entry.
    const context = facts.context;
    const cacheKey =
      'kind' in context
        ? null
        : this.cached.keyFor(context, { model: model ?? '', params: JSON.parse(params ?? '{}') as Record<string, unknown>, seed: Number(seed ?? 0) }, false);
    const committed = await index.transitions.commit(data.sweepId, data.index, {
      token: flow,
      durationMs: Date.now() - Number(startedAt ?? Date.now()),
      metrics,
      folds: scores,
      timings,
      artifact: fit.artifact,
      objective: facts.objective,
      detail: { split: { folds: data.folds, workers: [...workers] } },
      ...(cacheKey === null
        ? {}
        : {
            cacheEntry: this.cached.entry(cacheKey, { sweepId: data.sweepId, trialId: data.trialId, metrics, folds: scores, timings, artifact: fit.artifact }),
          }),
    });
    await this.ledger.clear(data.sweepId, data.index);
    await this.removeTreeParts(data, flow, log);
    if (committed === 'cancelled') return { outcome: 'cancelled' };
    if (committed !== 'ok') {
      log.warn({ committed }, 'split trial not committed: this flow was superseded');
      return { outcome: 'fenced', detail: committed };
    }
    log.info({ metrics, workers: [...workers] }, 'split trial completed');
    return { outcome: 'completed' };
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
