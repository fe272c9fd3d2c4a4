/**
 * Feeds a sweep's trials into the job queue a window at a time, creating them on the way: trials are
 * planned as segments at submit (a grid, a random search, explicit trials), and a trial's hash is
 * written only when the queue needs it. A 1,000,000-point grid therefore submits in milliseconds and
 * costs Redis nothing until it runs; cancelling touches only the window; and a sampler that learns from
 * results (TPE) proposes each trial after seeing the ones before it.
 *
 * Two cursors in the sweep hash: `created` (trials [0, created) have hashes) and `fed` (trials
 * [0, fed) have jobs). A feeder (1) creates the next trials with a compare-and-set on `created` — two
 * feeders never both create trial k —, (2) enqueues their jobs with deterministic ids, (3) moves `fed`
 * by compare-and-set. Crash-safe by construction: a feeder that dies after (1) or (2) leaves trials the
 * next feeder finds created and enqueues again (BullMQ drops duplicate ids; a job already completed
 * and trimmed would be re-added, but its claim finds the trial finished and skips it). Workers feed
 * after every trial and on a timer, so a sweep keeps moving whoever dies.
 */
import type { MetricsIndex } from '../index/index.js';
import type { NewTrial } from '../index/feed-cursor.js';
import type { Logger } from '../logger/logger.js';
import type { TrialQueue } from '../queue/index.js';
import type { TrialJob } from '../schemas/trial.schema.js';
import { defineTrial } from '../search/expand-trials.js';
import type { Sampler } from '../search/sampler.js';
import { askSeedOf, samplerFor, segmentAt, type Segment } from '../search/search-segment.js';
import { SweepqError } from '../errors/index.js';
import { FoldSplitPlanner } from '../folds/fold-split-planner.js';
import { ObservationReader } from './observation-reader.js';
import { stopReason } from './stop-rules.js';
import { TrialBlockPlanner } from './trial-block-planner.js';
import { BuiltInSweepContexts } from '../index/built-in-sweep-contexts.js';
import { TrialQueueOrder } from './trial-queue-order.js';
import { blockJobId } from '../queue/index.js';

const SAMPLER_CACHE_SIZE = 256;
/** Trials created and enqueued per step of a top-up (see topUp). */
const FEED_STEP = 250;

/**
 * Window of a segment whose sampler learns from results (TPE): every trial queued ahead is a trial
 * proposed without the results that arrive meanwhile, so only a few wait. Workers feed after each
 * trial, so the queue refills as soon as a slot frees.
 */
export const ADAPTIVE_FEED_WINDOW = 4;

export class SweepFeeder {
  /** One feed at a time per sweep in this process; a request during a feed runs once more after it. */
  private readonly running = new Map<string, Promise<number>>();
  private readonly again = new Set<string>();
  private readonly samplers = new Map<string, Sampler>();
  private readonly withoutRules = new Set<string>();
  private readonly observations: ObservationReader;
  private readonly foldSplits: FoldSplitPlanner;
  private readonly blocks: TrialBlockPlanner;
  private readonly order: TrialQueueOrder;

  constructor(
    private readonly index: MetricsIndex,
    private readonly queue: TrialQueue,
    private readonly window: number,
    private readonly logger?: Logger,
    private readonly adaptiveWindow = ADAPTIVE_FEED_WINDOW,
  ) {
    this.observations = new ObservationReader(index);
    const contexts = new BuiltInSweepContexts(index);
    this.foldSplits = new FoldSplitPlanner(contexts);
    this.blocks = new TrialBlockPlanner(contexts, queue.blockLimits);
    this.order = new TrialQueueOrder(contexts);
  }

  /** Tops the sweep's queued jobs up to the window; resolves with the number of jobs added. */
  feed(sweepId: string): Promise<number> {
    const current = this.running.get(sweepId);
    if (current) {
      this.again.add(sweepId);
      return current;
    }
    const run = (async () => {
      let added = 0;
      try {
        do {
          this.again.delete(sweepId);
          added += await this.topUp(sweepId);
        } while (this.again.has(sweepId));
      } finally {
        // Synchronously with the last check above, so a request arriving now starts a new feed.
        this.running.delete(sweepId);
      }
      return added;
    })();
    this.running.set(sweepId, run);
    return run;
  }

  /** Feeds every sweep that still has unfed trials (the workers' periodic safety net). */
  async feedAll(): Promise<void> {
    for (const sweepId of await this.index.feed.feedingSweeps()) {
      await this.feed(sweepId).catch((error: unknown) => this.logger?.warn({ err: error, sweepId }, 'feeding a sweep failed; will retry'));
    }
  }

  private async topUp(sweepId: string): Promise<number> {
    const { feed, trials } = this.index;
    let added = 0;
    /** Where this top-up ends: the window's end when it began. */
    let target: number | undefined;
    for (;;) {
      const state = await feed.state(sweepId);
      if (state === null) return 0;
      if (!state.cancelled && !state.stopped && state.done < state.total && (await this.stopByRule(sweepId))) return 0;
      if (state.cancelled || state.stopped || state.fed >= state.total) {
        await feed.stopFeeding(sweepId);
        return 0;
      }
      const window = await this.windowAt(sweepId, state.fed, state.segments);
      if (target === undefined) {
        // Waiting jobs ≈ fed − done. Top up when under half the window, so feeds come in batches.
        const waiting = Math.max(0, state.fed - state.done);
        if (waiting > window / 2) return 0;
        target = Math.min(state.total, state.fed + window - waiting);
      }
      if (state.fed >= target) return added;
      // In steps (issue 13): the first jobs reach the queue, and the idle workers, once one step's
      // trials exist rather than the whole window's (2,000 trials took ~1 s to create and enqueue).
      const end = Math.min(target, state.fed + FEED_STEP);
      if (state.created < end) {
        const created = await this.create(sweepId, state.created, end, state.segments);
        if (created === 'cancelled') return 0;
        // Another feeder created (some of) them: look again from the new state.
        if (created === 'moved') continue;
      }
      const indices: number[] = [];
      for (let i = state.fed; i < end; i++) indices.push(i);
      const refs = await trials.jobRefs(sweepId, indices);
      // The cursor must never pass a trial that has no hash (and so no job).
      let contiguous = 0;
      while (contiguous < refs.length && refs[contiguous]!.index === state.fed + contiguous) contiguous++;
      if (contiguous === 0) return added;
      refs.length = contiguous;
      const next = state.fed + contiguous;
      const candidates: Array<{ data: TrialJob; retries: number; index: number; model: string; params: Record<string, unknown> }> = [];
      for (const ref of refs) {
        // A trial cancelled before it was fed has no job to get; `retry` re-queues it (and feeds).
        if (ref.status !== 'queued') continue;
        const params = JSON.parse(ref.params) as Record<string, unknown>;
        candidates.push({
          data: { v: 1, sweepId, trialId: ref.id, index: ref.index },
          retries: ref.retries,
          index: ref.index,
          model: ref.model,
          params,
        });
      }
      // Longest first, and each model's cold start in the sweep's first step (trial-queue-order.ts).
      const queued = await this.order.order(sweepId, candidates, state.fed === 0);
      // Costly trials run as fold jobs shared by idle workers (issue 13 item 5); they go first.
      const { split, whole } = await this.foldSplits.partition(sweepId, queued);
      await this.queue.enqueueSplit(split);
      // Short trials share jobs (issue 13 item 4); the block ids are on their trials before the jobs exist.
      const { blocks, singles } = await this.blocks.partition(sweepId, whole, end >= state.total);
      const blockJobs = blocks.map((block) => ({ v: 1 as const, sweepId, indices: block.map((t) => t.index) }));
      await trials.assignBlocks(
        sweepId,
        blockJobs.map((b) => ({ jobId: blockJobId(sweepId, b.indices[0]!), indices: b.indices })),
      );
      await this.queue.enqueue(singles);
      await this.queue.enqueueBlocks(blockJobs);
      if (await feed.advanceFeed(sweepId, state.fed, next)) {
        added += queued.length;
        if (next >= state.total) {
          await feed.stopFeeding(sweepId);
          return added;
        }
        continue;
      }
      // Another feeder moved the cursor meanwhile: our jobs were duplicates of its (dropped by id).
    }
  }

  /** Creates trials [from, end) from the segments' samplers, under the `created` compare-and-set. */
  private async create(sweepId: string, from: number, end: number, segmentCount: number): Promise<'ok' | 'moved' | 'cancelled'> {
    const segments = await this.index.feed.segments(sweepId, segmentCount);
    const sweep = await this.index.sweeps.get(sweepId);
    if (sweep === null) return 'cancelled';
    const created: NewTrial[] = [];
    for (let at = from; at < end;) {
      const found = segmentAt(segments, at);
      if (found === undefined) throw new SweepqError('INTERNAL', `sweep ${sweepId} has no segment holding trial ${at}`);
      const { segment, position } = found;
      const count = Math.min(end, segment.start + segment.size) - at;
      const sampler = this.samplerOf(sweepId, segment);
      const seen = sampler.deterministic ? { observations: [], pending: [] } : await this.observations.snapshot(sweepId, segment, sweep.objective.metric, from);
      // Warm start: earlier sweeps' completed trials come first, as if observed before this one's.
      const warm = segment.kind === 'tpe' ? (segment.warm ?? []) : [];
      const observations = warm.length === 0 ? seen.observations : [...warm.map((w) => ({ ...w, status: 'completed' as const })), ...seen.observations];
      const asked = sampler.ask({
        seed: askSeedOf(segment),
        nextIndex: at - segment.start,
        count,
        observations,
        pending: seen.pending,
        goal: sweep.objective.goal,
      });
      if (asked.kind === 'exhausted' || asked.proposals.length === 0) {
        // A warm-started finite space can run out early: the earlier sweeps already tried some of its
        // points, and TPE never repeats one. The sweep ends there, for that reason, after what is created.
        if (warm.length > 0 && position === segments.length - 1) {
          if (created.length > 0) break;
          const reason = `search space exhausted after ${at - segment.start} trials: the other points were tried by the earlier sweeps (warm start)`;
          if (await this.index.transitions.stop(sweepId, reason)) this.logger?.info({ sweepId, reason }, 'sweep stopped');
          await this.index.feed.stopFeeding(sweepId);
          return 'cancelled';
        }
        throw new SweepqError('INTERNAL', `the sampler of sweep ${sweepId} ran out at trial ${at} before its planned ${segment.size} trials`);
      }
      for (const proposal of asked.proposals) created.push({ ...defineTrial(segment, proposal), segment: position });
      at += asked.proposals.length;
    }
    return this.index.feed.createTrials(sweepId, from, created);
  }

  /** Stops the sweep when one of its stop rules fires (see stop-rules.ts); true when it is stopped. */
  private async stopByRule(sweepId: string): Promise<boolean> {
    // A sweep's context never changes: sweeps without rules cost one lookup per process, not per feed.
    if (this.withoutRules.has(sweepId)) return false;
    const sweep = await this.index.sweeps.get(sweepId);
    // External (MLflow-logged) sweeps have no context, program sweeps no stop rules.
    const context = sweep?.context;
    const rules = context === null || context === undefined || 'kind' in context ? undefined : context.stop;
    if (sweep === null || rules === undefined) {
      if (this.withoutRules.size >= SAMPLER_CACHE_SIZE) this.withoutRules.clear();
      this.withoutRules.add(sweepId);
      return false;
    }
    const { metric, goal } = sweep.objective;
    const finished = rules.target === undefined && rules.patience === undefined ? [] : await this.observations.finished(sweepId, metric);
    const reason = stopReason({ rules, goal, metric, startedAt: sweep.startedAt, now: Date.now(), finished });
    if (reason === null) return false;
    if (await this.index.transitions.stop(sweepId, reason)) this.logger?.info({ sweepId, reason }, 'sweep stopped by its stop rule');
    await this.index.feed.stopFeeding(sweepId);
    return true;
  }

  /** The feed window at trial `fed`: small in an adaptive segment, the configured one elsewhere. */
  private async windowAt(sweepId: string, fed: number, segmentCount: number): Promise<number> {
    const found = segmentAt(await this.index.feed.segments(sweepId, segmentCount), fed);
    if (found === undefined || found.segment.kind !== 'tpe') return this.window;
    return Math.min(this.window, this.adaptiveWindow);
  }

  private samplerOf(sweepId: string, segment: Segment): Sampler {
    const key = `${sweepId}:${segment.start}`;
    let sampler = this.samplers.get(key);
    if (sampler === undefined) {
      sampler = samplerFor(segment);
      if (this.samplers.size >= SAMPLER_CACHE_SIZE) this.samplers.delete(this.samplers.keys().next().value!);
      this.samplers.set(key, sampler);
    }
    return sampler;
  }
}
