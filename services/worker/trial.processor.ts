/**
 * Processes one trial job: claim (fenced attempt token) → fetch the dataset → train in a slot process →
 * store the artefact → commit the result. A trial is `completed` only after its artefact is stored,
 * and only the attempt holding the current token can commit it.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as afterPendingIo } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { DelayedError, UnrecoverableError } from '../../shared/queue/queue-library.js';
import { SweepqError } from '../../shared/errors/index.js';
import type { MetricsIndex } from '../../shared/index/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { AnyModelNameSchema } from '../../shared/schemas/model-params.schema.js';
import { artifactKey } from '../../shared/schemas/sweep-context.schema.js';
import { TrialBlockJobSchema, TrialJobSchema, type TrialBlockJob, type TrialJob } from '../../shared/schemas/trial.schema.js';
import { BLOCK_JOB_NAME, type TrialQueue } from '../../shared/queue/index.js';
import { isolateBlockTrials, isolateReleasedTrial, type BlockRun, type BlockStep } from './trial-block.js';
import type { ObjectStore } from '../../shared/store/object-store.js';
import type { DatasetCache } from '../../shared/sweep/dataset-cache.js';
import type { FetchAhead } from './fetch-ahead.js';
import type { SlotPool } from './slot-pool.js';
import { runInSlot } from './run-in-slot.js';
import { learnerCodeHash } from '../../shared/ml/learner-code-hash.js';
import { PrunerClient } from '../../shared/sweep/pruner-client.js';
import { ResultCache } from '../../shared/sweep/result-cache.js';
import { CachedTrials } from './cached-trial.js';
import type { TrainingSlot } from './training-slot.js';
import { planPruning } from './trial-pruning.js';
import { trialTrainingInput } from './trial-training-input.js';
import { storeTrialFiles, trialFileObjects } from './trial-files.js';
import type { ProgramContext } from '../../shared/schemas/program-spec.schema.js';
import type { ClaimOutcome, TrialCommit, TrialDefinition } from '../../shared/index/trial-transitions.js';
import type { GroupObject } from '../../shared/store/object-store.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import type { TrialTrainingInput } from './trial-training-input.js';
import type { TrainingSuccess, TrainingResult } from './training-task.js';
import type { ProgramRunner } from './program/program-runner.js';
import { ProgramRunError } from './program/program-run-error.js';
import type { SlotLimits } from './training-task.js';
import { FOLD_JOB_NAME, SPLIT_TRIAL_JOB_NAME } from '../../shared/folds/fold-job.schema.js';
import { FoldProcessor } from './fold.processor.js';
import { decideFailure } from './failure-decision.js';
import type { RunningAttempt, SweepFacts } from './running-attempt.js';

/** A group of a block's trials claimed together: each with its own token and claim outcome. */
type ClaimedGroup = Array<{ index: number; token: string; outcome: ClaimOutcome }>;

/** A claimed trial of a group, ready to train. */
interface GroupTrial {
  index: number;
  token: string;
  data: TrialJob;
  running: RunningAttempt;
  input: TrialTrainingInput;
  cacheKey: string | null;
  started: number;
}

type TrainedTrial = GroupTrial & { result: TrainingSuccess };

/** What the steps of one run of a block job share. */
interface BlockGroupRun {
  job: Job<TrialBlockJob>;
  lockToken: string | undefined;
  sweepId: string;
  facts: SweepFacts;
  context: SweepContext;
  slot: TrainingSlot;
  log: Logger;
  cacheKeys: ReadonlyMap<number, string | null>;
  block: BlockRun;
}

export type TrialOutcomeKind = 'completed' | 'pruned' | 'fenced' | 'skipped' | 'cancelled';

export interface TrialProcessorDeps {
  index: MetricsIndex;
  store: ObjectStore;
  datasets: DatasetCache;
  slots: SlotPool;
  /** Told when each training starts and ends (short trials let the worker take jobs ahead). */
  fetchAhead?: FetchAhead;
  /** Limits of trials whose sweep sets none (SWEEPQ_TRIAL_MEMORY_MB, SWEEPQ_TRIAL_TIMEOUT_S). */
  defaultLimits: SlotLimits;
  /** Called when this machine's disk fails (LOCAL_IO): the worker pauses instead of failing trials. */
  onLocalFault?: (error: SweepqError) => void;
  workerId: string;
  logger: Logger;
  /** Hash of the learner code in result-cache keys; default: computed from the compiled modules. */
  learnerCodeHash?: string;
  /** Program trials (issue 14) this worker may run; null: none (`sweepq worker` without --programs). */
  programs?: ProgramRunner | null;
  /** Where a block's trial moved to a job of its own is enqueued (issue 13 item 4); needed for block jobs. */
  queue?: TrialQueue;
}

const CONTEXT_CACHE_SIZE = 256;
/**
 * Most trials of a block claimed, trained (one message to the training process) and committed
 * together. A block runs in at least {@link BLOCK_GROUPS} groups, so one group's claim, another's
 * training and a third's store and commit overlap: a block of 32 in groups of 8, one of 4 trial by
 * trial. Only the blocks of cheap feed steps (trial-block-planner.ts: up to 125 trivial trials) have
 * groups above 8; theirs of 32 cut each group's claim, store and commit round trips by four (issue
 * 13 item 4, round 5).
 */
const BLOCK_GROUP_TRIALS = 32;
const BLOCK_GROUPS = 4;
/** Groups of a block storing their artefacts and committing while the next group trains. */
const BLOCK_GROUPS_IN_FLIGHT = BLOCK_GROUPS;
/** How long a program trial this worker may not run waits before the queue offers it again. */
const PROGRAM_REFUSED_DELAY_MS = 5000;

export class TrialProcessor {
  private readonly running = new Map<string, RunningAttempt>();
  private readonly sweeps = new Map<string, SweepFacts>();
  private readonly pruner: PrunerClient;
  private readonly cached: CachedTrials;
  /** Parts of trials split into fold jobs and their flows' parents (issue 13 item 5). */
  private readonly folds: FoldProcessor;

  constructor(private readonly deps: TrialProcessorDeps) {
    this.pruner = new PrunerClient(deps.index.redis, deps.index.keys);
    this.cached = new CachedTrials(new ResultCache(deps.index.redis, deps.index.keys), deps.store, deps.learnerCodeHash ?? learnerCodeHash(), deps.logger);
    this.folds = new FoldProcessor(deps, this.running, (sweepId) => this.sweepFacts(sweepId), this.cached);
  }

  /** Number of trials training right now. */
  get activeCount(): number {
    return this.running.size;
  }

  /**
   * Polls the cancelled flag of every sweep with a running trial: a cancel whose pub/sub message was
   * missed (a subscriber reconnecting during a Redis blip) still stops its trials within one interval.
   */
  async pollCancels(): Promise<void> {
    const sweeps = new Set<string>();
    for (const trial of this.running.values()) sweeps.add(trial.sweepId);
    for (const sweepId of sweeps) {
      // No claim succeeds while the flag is set, so every running attempt of a flagged sweep began
      // before the cancel: all of them stop, whatever the epoch.
      const state = await this.deps.index.transitions.cancelState(sweepId);
      if (state.cancelled) await this.abortSweep(sweepId);
    }
  }

  /** Ids of the trials training right now (for the worker registry); a split trial's parts run as `<trialId>/<part>`. */
  runningTrialIds(): string[] {
    const ids = new Set<string>();
    for (const key of this.running.keys()) ids.add(key.split('/')[0]!);
    return [...ids];
  }

  /**
   * Aborts the running trials of a cancelled sweep (the cancel pub/sub message, or the flag found by
   * polling). `epoch` is the cancel's epoch: attempts claimed at that epoch or later began after it (a
   * `retry` in between) and are left alone. Undefined aborts every attempt of the sweep.
   */
  async abortSweep(sweepId: string, epoch?: number): Promise<void> {
    const aborts: Array<Promise<void>> = [];
    for (const trial of this.running.values()) {
      if (trial.sweepId !== sweepId) continue;
      if (epoch !== undefined && epoch <= trial.cancelEpoch) continue;
      // Past training, the commit itself finds the sweep cancelled and records the trial so.
      if (trial.pastWork) continue;
      trial.abortReason = 'cancel';
      aborts.push(trial.stop(`sweep ${sweepId} was cancelled`));
    }
    await Promise.all(aborts);
  }

  /** Stops every running trial and hands it back to the queue (graceful shutdown after the grace period). */
  async abortAll(): Promise<void> {
    const aborts: Array<Promise<void>> = [];
    for (const trial of this.running.values()) {
      // Past training, a trial only stores its artefact and commits: let it.
      if (trial.pastWork) continue;
      trial.abortReason = 'shutdown';
      aborts.push(trial.stop('worker shutting down'));
    }
    await Promise.all(aborts);
  }

  async process(job: Job<TrialJob>, lockToken?: string): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    if (job.name === FOLD_JOB_NAME || job.name === SPLIT_TRIAL_JOB_NAME) return this.folds.process(job, lockToken);
    if (job.name === BLOCK_JOB_NAME) return this.processBlock(job as unknown as Job<TrialBlockJob>, lockToken);
    const parsed = TrialJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`job ${job.id} has an invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    }
    const data = parsed.data;
    const log = this.deps.logger.child({ sweepId: data.sweepId, trialId: data.trialId, jobId: job.id, attempt: job.attemptsMade + 1 });

    const facts = await this.sweepFacts(data.sweepId);
    if (!facts) throw new UnrecoverableError(`sweep ${data.sweepId} does not exist (deleted?)`);
    if ('kind' in facts.context) {
      // A program this worker may not run goes back to the queue untouched, for a worker that may.
      const programs = this.deps.programs ?? null;
      const refusal = programs === null ? 'this worker runs no programs (start workers with `sweepq worker --programs`)' : programs.refusal(facts.context);
      if (refusal !== null) {
        log.warn({ reason: refusal }, 'program trial handed back');
        if (lockToken) await job.moveToDelayed(Date.now() + PROGRAM_REFUSED_DELAY_MS, lockToken);
        throw new DelayedError();
      }
    }

    return runInSlot(this.deps.slots, job, lockToken, log, (slot, releaseSlot) => this.claimAndTrain(job, lockToken, data, facts, slot, releaseSlot, log));
  }

  private async claimAndTrain(
    job: Job<TrialJob>,
    lockToken: string | undefined,
    data: TrialJob,
    facts: SweepFacts,
    slot: TrainingSlot,
    releaseSlot: () => void,
    log: Logger,
    step?: BlockStep,
  ): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    const { index, workerId } = this.deps;
    const { context } = facts;
    const block = step?.run;
    const token = step?.token ?? randomUUID();
    const { result: claim, trial } = await (step?.claim ?? index.transitions.claim(data.sweepId, data.index, token, workerId));
    if (claim !== 'ok' || trial === undefined) {
      log.info({ claim }, 'trial not claimed');
      // Cancelled trials in a block mean a cancelled (or rule-stopped) sweep: the rest of the block stops here.
      if (claim === 'cancelled' && block !== undefined) block.stop = { kind: 'cancel' };
      return { outcome: claim === 'cancelled' ? 'cancelled' : 'skipped', detail: claim };
    }
    if ('kind' in context) return this.runProgram(job, lockToken, data, facts, context, token, trial, log);
    const model = AnyModelNameSchema.safeParse(trial.model);
    if (!model.success) {
      await index.transitions.fail(data.sweepId, data.index, token, `INVALID_MODEL: unknown model "${trial.model}"`);
      throw new UnrecoverableError(`trial ${data.trialId} names an unknown model "${trial.model}"`);
    }

    const running: RunningAttempt = {
      sweepId: data.sweepId,
      cancelEpoch: trial.cancelEpoch,
      stop: (reason) => slot.abort(reason),
      abortReason: null,
      pastWork: false,
    };
    this.running.set(data.trialId, running);
    const started = Date.now();
    try {
      const input = await trialTrainingInput(this.deps.datasets, context, model.data, trial, this.deps.defaultLimits);
      // A cancel or shutdown that arrived while the dataset was downloading found no training to
      // terminate (abort() only stops an in-flight training); honour it here, or the trial would
      // train and commit after its sweep was cancelled (seen with a slow or unavailable store).
      if (running.abortReason !== null) throw new SweepqError('CANCELLED', `trial aborted before training (${running.abortReason})`);
      const { params } = input;
      const pruning = planPruning(this.pruner, context, data.sweepId, data.index, model.data, params.model);
      const cacheKey = step?.cacheKey ?? this.cached.keyFor(context, { model: model.data, params: trial.params, seed: trial.seed }, pruning !== null);
      const reused = cacheKey === null ? null : await this.cached.reuse(cacheKey, artifactKey(data.sweepId, data.trialId, token));
      if (reused !== null) {
        const committed = await index.transitions.commit(data.sweepId, data.index, {
          token,
          durationMs: Date.now() - started,
          metrics: reused.metrics,
          folds: reused.folds,
          timings: reused.timings,
          artifact: reused.artifact,
          objective: facts.objective,
          detail: { cachedFrom: reused.cachedFrom },
        });
        log.info({ committed, cachedFrom: reused.cachedFrom }, 'trial answered from the result cache');
        return { outcome: committed === 'ok' ? 'completed' : committed === 'cancelled' ? 'cancelled' : 'fenced' };
      }
      // Blocks never turn fetch-ahead on: a block already shares its job's bookkeeping among its
      // trials, and blocks held ahead by one worker would leave another idle at the sweep's end.
      const trainingEnded = step === undefined ? this.deps.fetchAhead?.watchTraining() : undefined;
      const result = await slot
        .run(pruning === null ? input.task : { ...input.task, rungs: pruning.rungs, rungResource: pruning.resource }, input.limits, pruning?.onRung)
        .finally(() => trainingEnded?.());
      if (!result.ok) throw new SweepqError(result.error.code, result.error.message);
      // Training is over: the next trial trains while this one stores its artefact and commits.
      running.pastWork = true;
      releaseSlot();
      if (result.pruned !== undefined) {
        // Stopped by the pruner: its partial metrics and rung history are the result; no artefact.
        const committed = await index.transitions.commit(data.sweepId, data.index, {
          token,
          durationMs: Date.now() - started,
          metrics: result.metrics,
          folds: result.cvScores,
          timings: result.timings,
          artifact: '',
          objective: facts.objective,
          status: 'pruned',
          detail: { reason: result.pruned.explanation, rungs: result.rungs ?? [] },
        });
        log.info({ committed, reason: result.pruned.explanation }, 'trial pruned');
        return { outcome: committed === 'ok' ? 'pruned' : committed === 'cancelled' ? 'cancelled' : 'fenced' };
      }

      const storeStarted = Date.now();
      const key = artifactKey(data.sweepId, data.trialId, token);
      await storeTrialFiles(this.deps.store, trialFileObjects(key, result), log);
      const committed = await index.transitions.commit(
        data.sweepId,
        data.index,
        this.completedCommit({ data, token, started, cacheKey }, result, key, Date.now() - storeStarted, facts.objective),
      );
      if (committed === 'cancelled') {
        log.info('result recorded as cancelled: the sweep was cancelled while the trial trained');
        return { outcome: 'cancelled' };
      }
      if (committed !== 'ok') {
        // Another attempt owns this trial now (our lock expired while we were paused or cut off).
        log.warn({ committed }, 'result not committed: this attempt was superseded');
        return { outcome: 'fenced', detail: committed };
      }
      if (result.rungs !== undefined) await this.pruner.recordCompleted(data.sweepId, data.index, result.rungs);
      log.info({ durationMs: Date.now() - started, metrics: result.metrics }, 'trial completed');
      return { outcome: 'completed' };
    } catch (error) {
      if (block !== undefined) return await this.handleFailureInBlock(block, data, token, running, error, log);
      return await this.handleFailure(job, lockToken, data, token, running, error, log);
    } finally {
      this.running.delete(data.trialId);
    }
  }

  /**
   * Runs a block job's trials in one training slot (issue 13 item 4; failure semantics in
   * trial-block.ts), a group of up to {@link BLOCK_GROUP_TRIALS} at a time: the group is claimed in
   * one Lua call (each trial its own token), sent to the training process in one message, its
   * artefacts written and synced together, and committed in one Lua call (each trial fenced by its own
   * token). The next group's claim goes out while a group trains, and a group stores and commits while
   * the next one trains.
   */
  private async processBlock(job: Job<TrialBlockJob>, lockToken: string | undefined): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    const parsed = TrialBlockJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} has an invalid block payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const { sweepId, indices } = parsed.data;
    const queue = this.deps.queue;
    if (queue === undefined) throw new UnrecoverableError(`job ${job.id} is a block, and this processor has no queue to move its trials to`);
    const log = this.deps.logger.child({ sweepId, jobId: job.id, attempt: job.attemptsMade + 1 });
    const facts = await this.sweepFacts(sweepId);
    if (!facts) throw new UnrecoverableError(`sweep ${sweepId} does not exist (deleted?)`);
    const { context } = facts;
    if ('kind' in context) throw new UnrecoverableError(`job ${job.id}: program trials never run in blocks`);
    if (job.stalledCounter > 0 || job.attemptsMade > 0) {
      // An earlier run of this block ended mid-way (its worker died, or the job failed): the trials it
      // had in flight may be what killed it. They go to jobs of their own before the rest runs here.
      const moved = await isolateBlockTrials(this.deps.index, queue, sweepId, indices, 'active');
      if (moved.length > 0) log.warn({ moved }, 'block run again: trials in flight when its last run ended moved to jobs of their own');
    }
    // Trials of a block mostly miss the result cache: one look for all of them, not one per trial.
    const inputs = await this.deps.index.trials.trainingInputs(sweepId, indices);
    // Computed once here for the look and for each trial (block sweeps have no pruner).
    const cacheKeys = new Map<number, string | null>();
    for (let i = 0; i < indices.length; i++) {
      const input = inputs[i] ?? null;
      cacheKeys.set(indices[i]!, input === null ? null : this.cached.keyFor(context, input, false));
    }
    await this.cached.lookAhead([...cacheKeys.values()].filter((key): key is string => key !== null));
    this.deps.fetchAhead?.blockStarted();
    return runInSlot(this.deps.slots, job, lockToken, log, async (slot, releaseSlot) => {
      const run: BlockGroupRun = { job, lockToken, sweepId, facts, context, slot, log, cacheKeys, block: { stop: null, isolated: 0 } };
      const { block } = run;
      // Trials still to claim, in order; a trial of a group cut short by a crash comes back here.
      const todo = [...indices];
      const groupSize = Math.min(BLOCK_GROUP_TRIALS, Math.ceil(indices.length / BLOCK_GROUPS));
      const committing: Array<Promise<void>> = [];
      let next: Promise<ClaimedGroup> | null = null;
      let ran = 0;
      let failure: { error: unknown } | null = null;
      try {
        while (block.stop === null && (next !== null || todo.length > 0)) {
          const claimed = await (next ?? this.claimGroup(sweepId, todo.splice(0, groupSize)));
          next = null;
          const trainable = await this.startGroup(run, claimed);
          if (trainable.length === 0) continue;
          // The next group's claim travels while this one trains.
          if (todo.length > 0 && block.stop === null) next = this.claimGroup(sweepId, todo.splice(0, groupSize));
          ran += trainable.length;
          const { trained, unrun } = await this.trainGroup(run, trainable);
          // A trial after a crashed one never ran: back to queued, and to this block's list unless it stops.
          for (const t of unrun) {
            if (block.stop !== null) await this.endUnrun(sweepId, t, block);
            else if ((await this.deps.index.transitions.release(sweepId, t.index, t.token)) === 'ok') todo.unshift(t.index);
          }
          // Stored once the next group's training is on its way (after pending I/O, i.e. its claim
          // reply and its message to the training process): the group's files are made on this thread,
          // and made first they held the next group's training back (issue 13 item 4, round 4).
          if (trained.length > 0) committing.push(afterPendingIo().then(() => this.storeAndCommitGroup(run, trained)));
          // Groups store and commit behind the one training: their fsyncs overlap the next group's training.
          if (committing.length > BLOCK_GROUPS_IN_FLIGHT) await committing.shift();
        }
      } catch (error) {
        failure = { error };
      }
      // Every training is over: the next block (held by fetch-ahead) trains while these trials commit,
      // and the block after it may be fetched meanwhile.
      releaseSlot();
      const committed = this.deps.fetchAhead?.blockCommitting();
      // A group claimed ahead that the block no longer runs: its trials end as the block does.
      if (next !== null) committing.push(this.dropGroup(sweepId, next, block));
      // Every trial still storing or committing ends before the job does, whatever happened.
      const settled = await Promise.allSettled(committing);
      committed?.();
      if (failure !== null) throw failure.error;
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      const { stop } = block;
      if (stop !== null && stop.kind === 'hand-back') {
        if (lockToken) await job.moveToDelayed(Date.now() + stop.delayMs, lockToken);
        log.info({ ran, of: indices.length }, 'block handed back');
        throw new DelayedError();
      }
      log.info({ ran, of: indices.length, isolated: block.isolated, stopped: stop?.kind ?? null }, 'block done');
      return { outcome: stop === null ? 'completed' : 'cancelled', detail: `block of ${indices.length}` };
    });
  }

  /** Claims a group of a block's trials in one round trip; a block claims only trials on their first job (retries 0). */
  private claimGroup(sweepId: string, indices: readonly number[]): Promise<ClaimedGroup> {
    const claims = indices.map((index) => ({ index, token: randomUUID() }));
    const claimed = this.deps.index.transitions
      .claimBatch(sweepId, claims, this.deps.workerId, Date.now(), 0)
      .then((outcomes) => claims.map((c, i) => ({ ...c, outcome: outcomes[i]! })));
    // Sent ahead and awaited later: a failure (Redis down) surfaces there, not as an unhandled rejection now.
    claimed.catch(() => undefined);
    return claimed;
  }

  /**
   * The claimed trials of a group that train in it. Refused claims are skipped (a cancelled one stops
   * the block); a trial the result cache may answer, or whose model is unknown, takes the per-trial path.
   */
  private async startGroup(run: BlockGroupRun, claimed: ClaimedGroup): Promise<GroupTrial[]> {
    const { sweepId, block, context } = run;
    const trainable: GroupTrial[] = [];
    for (const c of claimed) {
      const { result, trial } = c.outcome;
      if (result !== 'ok' || trial === undefined) {
        if (result === 'cancelled') block.stop = { kind: 'cancel' };
        continue;
      }
      if (block.stop !== null) {
        await this.endUnrun(sweepId, c, block);
        continue;
      }
      const data: TrialJob = { v: 1, sweepId, trialId: `${sweepId}-t${c.index}`, index: c.index };
      const cacheKey = run.cacheKeys.get(c.index) ?? null;
      const model = AnyModelNameSchema.safeParse(trial.model);
      if (!model.success || (cacheKey !== null && !this.cached.takeKnownMiss(cacheKey))) {
        const step: BlockStep = { run: block, token: c.token, claim: Promise.resolve(c.outcome), cacheKey };
        await this.claimAndTrain(
          run.job as unknown as Job<TrialJob>,
          run.lockToken,
          data,
          run.facts,
          run.slot,
          () => undefined,
          run.log.child({ trialId: data.trialId }),
          step,
        );
        continue;
      }
      const running: RunningAttempt = { sweepId, cancelEpoch: trial.cancelEpoch, stop: (reason) => run.slot.abort(reason), abortReason: null, pastWork: false };
      this.running.set(data.trialId, running);
      try {
        const input = await trialTrainingInput(this.deps.datasets, context, model.data, trial, this.deps.defaultLimits);
        trainable.push({ index: c.index, token: c.token, data, running, input, cacheKey, started: Date.now() });
      } catch (error) {
        await this.handleFailureInBlock(block, data, c.token, running, error, run.log.child({ trialId: data.trialId }));
        this.running.delete(data.trialId);
      }
    }
    return trainable;
  }

  /**
   * Trains a group in one message to the training process. A trial that failed (a deterministic error,
   * a limit, a crash) or was stopped gets its failure decision here; the trials after a crashed or
   * stopped one never ran and are returned as `unrun`.
   */
  private async trainGroup(run: BlockGroupRun, group: GroupTrial[]): Promise<{ trained: TrainedTrial[]; unrun: GroupTrial[] }> {
    const results: Array<TrainingResult | undefined> = new Array<TrainingResult | undefined>(group.length);
    let stopped: unknown = null;
    try {
      const tasks = group.map((t) => t.input.task);
      await run.slot.runBatch(tasks, group[0]!.input.limits, (position, result) => {
        results[position] = result;
        // Training is over for it: a cancel now is found by its commit, not by stopping the slot.
        if (result.ok) group[position]!.running.pastWork = true;
      });
    } catch (error) {
      stopped = error;
    }
    const trained: TrainedTrial[] = [];
    const unrun: GroupTrial[] = [];
    for (let i = 0; i < group.length; i++) {
      const t = group[i]!;
      const result = results[i];
      if (result?.ok === true) {
        trained.push({ ...t, result });
        continue;
      }
      const log = run.log.child({ trialId: t.data.trialId });
      if (result !== undefined)
        await this.handleFailureInBlock(run.block, t.data, t.token, t.running, new SweepqError(result.error.code, result.error.message), log);
      else if (stopped !== null) {
        // The trial the slot was stopped in (cancel, shutdown, a lost lock) gets the decision; the rest never started.
        await this.handleFailureInBlock(run.block, t.data, t.token, t.running, stopped, log);
        stopped = null;
      } else unrun.push(t);
      this.running.delete(t.data.trialId);
    }
    return { trained, unrun };
  }

  /**
   * Stores the artefacts of a group of trained trials together (written, then synced as one group) and
   * commits them in one call, each fenced by its own token: nothing commits before its artefact is durable.
   */
  private async storeAndCommitGroup(run: BlockGroupRun, group: TrainedTrial[]): Promise<void> {
    const { sweepId, facts, log } = run;
    const { transitions } = this.deps.index;
    try {
      const storeStarted = Date.now();
      const objects: GroupObject[] = [];
      const keys: string[] = [];
      for (const t of group) {
        const key = artifactKey(sweepId, t.data.trialId, t.token);
        keys.push(key);
        objects.push(...trialFileObjects(key, t.result));
      }
      await this.deps.store.putGroup(objects);
      const storeMs = Date.now() - storeStarted;
      const commits = group.map((t, i) => ({ index: t.index, result: this.completedCommit(t, t.result, keys[i]!, storeMs, facts.objective) }));
      const outcomes = await transitions.commitBatch(sweepId, commits);
      const refused = group.flatMap((t, i) => (outcomes[i] === 'ok' ? [] : [{ trialId: t.data.trialId, committed: outcomes[i] }]));
      // One line per group, not per trial: at hundreds of trials a second the log was a cost of its own.
      log.info({ trials: group.length, storeMs, refused }, 'block trials committed');
      for (const r of refused) if (r.committed !== 'cancelled') log.warn(r, 'result not committed: this attempt was superseded');
    } catch (error) {
      for (const t of group) await this.handleFailureInBlock(run.block, t.data, t.token, t.running, error, log.child({ trialId: t.data.trialId }));
    } finally {
      for (const t of group) this.running.delete(t.data.trialId);
    }
  }

  /**
   * The commit of a trained trial whose files are stored — one builder for a trial on its own job and
   * for a block's group: its result, its artefact's key, its rung history under a pruner, and the
   * result-cache entry when it has a content key.
   */
  private completedCommit(
    trial: { data: TrialJob; token: string; started: number; cacheKey: string | null },
    result: TrainingSuccess,
    artifact: string,
    storeMs: number,
    objective: SweepFacts['objective'],
  ): TrialCommit {
    const { data, cacheKey } = trial;
    const timings = { ...result.timings, storeMs };
    return {
      token: trial.token,
      durationMs: Date.now() - trial.started,
      metrics: result.metrics,
      folds: result.cvScores,
      timings,
      artifact,
      objective,
      ...(result.rungs === undefined ? {} : { detail: { rungs: result.rungs } }),
      ...(cacheKey === null
        ? {}
        : {
            cacheEntry: this.cached.entry(cacheKey, {
              sweepId: data.sweepId,
              trialId: data.trialId,
              metrics: result.metrics,
              folds: result.cvScores,
              timings,
              artifact,
            }),
          }),
    };
  }

  /** Ends the claims of a group claimed ahead that its block will not run. */
  private async dropGroup(sweepId: string, group: Promise<ClaimedGroup>, block: BlockRun): Promise<void> {
    for (const c of await group) if (c.outcome.result === 'ok') await this.endUnrun(sweepId, c, block);
  }

  /**
   * Ends the attempt of a claimed trial its block will not run: cancelled with its sweep, else back to
   * queued for the block's next run (shutdown, local fault, an error of the block).
   */
  private async endUnrun(sweepId: string, claimed: { index: number; token: string }, block: BlockRun): Promise<void> {
    const { transitions } = this.deps.index;
    if (block.stop?.kind === 'cancel') await transitions.abort(sweepId, claimed.index, claimed.token);
    else await transitions.release(sweepId, claimed.index, claimed.token);
  }

  /**
   * A trial's failure inside a block: it never throws (that would fail the block-mates too); it ends,
   * hands back or isolates that trial and tells the block whether to go on (see trial-block.ts).
   */
  private async handleFailureInBlock(
    block: BlockRun,
    data: TrialJob,
    token: string,
    running: RunningAttempt,
    error: unknown,
    log: Logger,
  ): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    const { index } = this.deps;
    // Retries happen on a job of the trial's own, never in the block: one is always left here.
    const decision = await decideFailure(running, error, { lastAttempt: false, countCrash: () => index.trials.countCrash(data.sweepId, data.index) });
    switch (decision.kind) {
      case 'cancel':
        await index.transitions.abort(data.sweepId, data.index, token);
        block.stop = { kind: 'cancel' };
        log.info('trial aborted: sweep cancelled; the block stops');
        return { outcome: 'cancelled' };
      case 'hand-back':
        // The trial and its block go back to the queue without spending an attempt.
        await index.transitions.release(data.sweepId, data.index, token);
        block.stop = { kind: 'hand-back', delayMs: decision.delayMs };
        if (decision.localFault !== null) {
          log.error({ code: decision.code, err: decision.message }, 'local disk fault: trial and block handed back, worker pausing');
          this.deps.onLocalFault?.(decision.localFault);
        } else log.info('trial handed back: worker shutting down');
        return { outcome: 'skipped', detail: 'handed back' };
      case 'quarantine':
        await index.transitions.finish(data.sweepId, data.index, token, 'quarantined', decision.reason);
        log.error({ code: decision.code, err: decision.message }, 'trial quarantined: its training crashed repeatedly');
        return { outcome: 'skipped', detail: 'quarantined' };
      case 'retry':
        // Retried on a job of its own (the queue's attempts and backoff), not in the block: a trial that
        // keeps crashing its training process must not hold its block-mates back.
        if (
          (await index.transitions.release(data.sweepId, data.index, token)) === 'ok' &&
          (await isolateReleasedTrial(index, this.deps.queue!, data.sweepId, data.index))
        ) {
          block.isolated++;
        }
        log.warn({ code: decision.code, err: decision.message }, 'trial attempt failed in a block; moved to a job of its own for its retries');
        return { outcome: 'skipped', detail: 'isolated' };
      case 'fail':
        await index.transitions.fail(data.sweepId, data.index, token, decision.reason);
        log.error({ code: decision.code, err: decision.message }, 'trial failed');
        return { outcome: 'skipped', detail: 'failed' };
    }
  }

  /**
   * A program trial's attempt (issue 14), fenced and committed exactly like a built-in one: its
   * reports live only in this attempt until the commit, which refuses a superseded token, so a late
   * report of an attempt that lost its trial is never recorded.
   */
  private async runProgram(
    job: Job<TrialJob>,
    lockToken: string | undefined,
    data: TrialJob,
    facts: SweepFacts,
    context: ProgramContext,
    token: string,
    trial: TrialDefinition,
    log: Logger,
  ): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    const { index } = this.deps;
    const program = this.deps.programs!.trial({
      sweepId: data.sweepId,
      trialId: data.trialId,
      token,
      params: trial.params,
      seed: trial.seed,
      context,
      objectiveMetric: facts.objective.metric,
      trialName: trial.name,
      pruning:
        context.pruner === undefined
          ? null
          : { client: this.pruner, sweepId: data.sweepId, index: data.index, spec: context.pruner, objective: facts.objective },
    });
    const running: RunningAttempt = { sweepId: data.sweepId, cancelEpoch: trial.cancelEpoch, stop: () => program.stop(), abortReason: null, pastWork: false };
    this.running.set(data.trialId, running);
    const started = Date.now();
    try {
      // A program is long work like a training: fetching ahead stops while it runs.
      const programEnded = this.deps.fetchAhead?.watchTraining();
      const result = await program.run().finally(() => programEnded?.());
      const pruned = result.pruning?.reason ?? null;
      const committed = await index.transitions.commit(data.sweepId, data.index, {
        token,
        durationMs: Date.now() - started,
        metrics: result.metrics,
        folds: [],
        timings: { fitMs: result.timings.runMs, cvMs: 0, evalMs: 0, totalMs: result.timings.runMs, storeMs: result.timings.storeMs },
        artifact: result.artifact,
        objective: facts.objective,
        ...(pruned === null ? {} : { status: 'pruned' as const }),
        detail: result.pruning === null ? result.detail : { ...result.detail, ...(pruned === null ? {} : { reason: pruned }), rungs: result.pruning.rungs },
      });
      if (committed === 'cancelled') return { outcome: 'cancelled' };
      if (committed !== 'ok') {
        log.warn({ committed }, 'program result not committed: this attempt was superseded');
        return { outcome: 'fenced', detail: committed };
      }
      if (pruned !== null) {
        log.info({ reason: pruned }, 'program trial pruned');
        return { outcome: 'pruned' };
      }
      await program.recordCompleted();
      log.info({ durationMs: Date.now() - started, metrics: result.metrics }, 'program trial completed');
      return { outcome: 'completed' };
    } catch (error) {
      // The run's record (exit, signal, reason, output tails) is stored beside the error, fenced alike.
      return await this.handleFailure(job, lockToken, data, token, running, error, log);
    } finally {
      this.running.delete(data.trialId);
    }
  }

  private async handleFailure(
    job: Job<TrialJob>,
    lockToken: string | undefined,
    data: TrialJob,
    token: string,
    running: RunningAttempt,
    error: unknown,
    log: Logger,
  ): Promise<{ outcome: TrialOutcomeKind; detail?: string }> {
    const { index } = this.deps;
    // A program run's failure record, stored beside the error when the trial ends here.
    const detail = error instanceof ProgramRunError ? error.detail() : undefined;
    const decision = await decideFailure(running, error, {
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      countCrash: () => index.trials.countCrash(data.sweepId, data.index),
    });
    switch (decision.kind) {
      case 'cancel':
        await index.transitions.abort(data.sweepId, data.index, token, Date.now(), detail);
        log.info('trial aborted: sweep cancelled');
        return { outcome: 'cancelled' };
      case 'hand-back':
        // Without spending an attempt: another worker picks it up at once (after a local disk fault —
        // a full or failing disk here must not eat the retries of trials another worker can run — a
        // little later, while this worker pauses).
        await index.transitions.release(data.sweepId, data.index, token);
        if (lockToken) await job.moveToDelayed(Date.now() + decision.delayMs, lockToken);
        if (decision.localFault !== null) {
          log.error({ code: decision.code, err: decision.message }, 'local disk fault: trial handed back, worker pausing');
          this.deps.onLocalFault?.(decision.localFault);
        } else log.info('trial handed back: worker shutting down');
        throw new DelayedError();
      case 'quarantine':
        await index.transitions.finish(data.sweepId, data.index, token, 'quarantined', decision.reason, Date.now(), detail);
        log.error({ code: decision.code, err: decision.message }, 'trial quarantined: its training crashed repeatedly');
        throw new UnrecoverableError(`${decision.code}: ${decision.message}`);
      case 'retry':
        await index.transitions.release(data.sweepId, data.index, token);
        log.warn({ code: decision.code, err: decision.message }, 'trial attempt failed; will retry');
        throw error instanceof Error ? error : new Error(decision.message);
      case 'fail':
        await index.transitions.fail(data.sweepId, data.index, token, decision.reason, Date.now(), detail);
        log.error({ code: decision.code, err: decision.message }, 'trial failed');
        throw new UnrecoverableError(decision.reason);
    }
  }

  private async sweepFacts(sweepId: string): Promise<SweepFacts | null> {
    const cached = this.sweeps.get(sweepId);
    if (cached) return cached;
    const sweep = await this.deps.index.sweeps.get(sweepId);
    // An external sweep (runs logged through the MLflow API) has nothing to train; it never has jobs.
    if (!sweep || sweep.context === null) return null;
    const facts: SweepFacts = { context: sweep.context, objective: sweep.objective };
    if (this.sweeps.size >= CONTEXT_CACHE_SIZE) this.sweeps.delete(this.sweeps.keys().next().value!);
    this.sweeps.set(sweepId, facts);
    return facts;
  }
}
