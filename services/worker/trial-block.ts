/**
 * What a worker needs to run a block job (issue 13 item 4: several short trials in one BullMQ job,
 * formed by shared/sweep/trial-block-planner.ts): the state of one run of a block, and the move of a
 * block's trial to a job of its own. The trial processor runs a block's trials in groups: each group
 * claimed in one Lua call (each trial its own token), trained in one message to the training process,
 * its artefacts written and synced together, and committed in one Lua call that fences each trial by
 * its own token — every trial keeps the guarantees of a trial with its own job.
 *
 * Failure semantics: a trial that fails inside a block never fails its block-mates.
 * - a deterministic error fails that trial only; the block goes on;
 * - a retryable error or a crash of its training process moves that trial to a job of its own (retries
 *   + 1, the queue's attempts and backoff); two crashes quarantine it, as for any trial;
 * - the block job's worker dies (kill -9) or loses its lock: BullMQ runs the block again; committed
 *   trials are skipped (their claim finds them finished) and the trials that were in flight when the
 *   previous run ended — found `active` on the block's first job — move to jobs of their own first, so
 *   a trial that kills its worker is isolated and quarantined alone by the stall budget of its own job;
 * - a block job the queue gives up on (stalled or failed too often) moves its unfinished trials to jobs
 *   of their own (worker-runtime.ts) — the reconciler would find them too, later;
 * - a crash or a limit ends its group's training at that trial: the trials after it, claimed but not
 *   trained, go back to queued and are claimed again by the block;
 * - cancel stops the block before its next group (untrained claimed trials are cancelled; a claim finds
 *   the sweep cancelled); shutdown and a local disk fault hand the trial back and the block job back
 *   to the queue (no attempt spent).
 */
import type { ClaimOutcome, MetricsIndex } from '../../shared/index/index.js';
import type { TrialQueue } from '../../shared/queue/index.js';

/** How a block run ends early, if it does. */
export type BlockStop = { kind: 'cancel' } | { kind: 'hand-back'; delayMs: number };

/** One run of a block job: set by a trial that must stop the block, read before each next trial. */
export interface BlockRun {
  stop: BlockStop | null;
  /** Trials of this run moved to jobs of their own. */
  isolated: number;
}

/**
 * A trial of a block run on the per-trial path (a possible result-cache hit): claimed with its group,
 * it is trained, stored and committed alone.
 */
export interface BlockStep {
  run: BlockRun;
  token: string;
  claim: Promise<ClaimOutcome>;
  /** The trial's result-cache key, computed for the block's look ahead (null: none, look it up here). */
  cacheKey: string | null;
}

/**
 * Moves trials of a block, still on their first job, to jobs of their own: a queued one gets a new job
 * identity (rejob), an active one whose attempt is gone goes back to queued with one (resetActive) —
 * both guarded by the retries number, so two movers never both enqueue it. Returns how many moved.
 * @param which `active`: only trials in flight when a previous run of the block ended; `unfinished`:
 *   queued ones too (the block job itself is gone).
 */
export async function isolateBlockTrials(
  index: MetricsIndex,
  queue: TrialQueue,
  sweepId: string,
  indices: readonly number[],
  which: 'active' | 'unfinished',
  /** Trials a live worker still trains (lost lock, not crashed): left to that worker. */
  alive: ReadonlySet<string> = new Set(),
): Promise<number[]> {
  const refs = await index.trials.jobRefs(sweepId, indices);
  const moved: number[] = [];
  const jobs: Array<{ data: { v: 1; sweepId: string; trialId: string; index: number }; retries: number }> = [];
  for (const ref of refs) {
    if (ref.retries !== 0 || alive.has(ref.id)) continue;
    let next = -1;
    if (ref.status === 'active') next = await index.transitions.resetActive(sweepId, ref.index, 0);
    else if (ref.status === 'queued' && which === 'unfinished') next = await index.transitions.rejob(sweepId, ref.index, 0);
    if (next < 0) continue;
    moved.push(ref.index);
    jobs.push({ data: { v: 1, sweepId, trialId: ref.id, index: ref.index }, retries: next });
  }
  await queue.enqueue(jobs);
  return moved;
}

/** Moves one trial of a running block, just released by its attempt, to a job of its own. */
export async function isolateReleasedTrial(index: MetricsIndex, queue: TrialQueue, sweepId: string, trialIndex: number): Promise<boolean> {
  const next = await index.transitions.rejob(sweepId, trialIndex, 0);
  if (next < 0) return false;
  const trialId = `${sweepId}-t${trialIndex}`;
  await queue.enqueue([{ data: { v: 1, sweepId, trialId, index: trialIndex }, retries: next }]);
  return true;
}
