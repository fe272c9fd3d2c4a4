/**
 * Fetch-ahead for short trials (issue 13): BullMQ's batch processing is a Pro feature, so a worker
 * whose trials are short takes `depth` more jobs per slot than it can train. They wait for a slot
 * without claiming their trial (slot-pool.ts); meanwhile the trial before them stores its artefact and
 * commits, so the Redis round trips, artefact fsyncs and commits of several trials overlap one
 * another and the training of the next. Each trial is still claimed, fenced and committed on its own.
 *
 * Holding jobs is harmful when trials are long: an idle worker elsewhere would wait for them. So the
 * worker starts without fetch-ahead, turns it on after a trial trained in under {@link SHORT_TRIAL_MS},
 * and — as soon as a training runs longer than that — turns it off and hands the waiting jobs back
 * to the queue at once.
 */

/** Training time under which trials count as short: below it, bookkeeping dominates a trial's cost. */
export const SHORT_TRIAL_MS = 250;

export interface FetchAheadOptions {
  /** Training slots of the worker (its concurrency without fetch-ahead). */
  slots: number;
  /** Extra jobs per slot while trials are short; 0 turns fetch-ahead off. */
  depth: number;
  /** Sets how many jobs the queue consumer holds at once. */
  setConcurrency(jobs: number): void;
  /** Sends the jobs waiting for a slot back to the queue. */
  handBackWaiting(): void;
}

export class FetchAhead {
  private enabled = false;
  /** One extra job per slot is held for block jobs (see blockStarted). */
  private blocks = false;
  /** Block jobs whose trainings are over, only storing and committing: they hold no slot (see blockCommitting). */
  private committingBlocks = 0;

  constructor(private readonly options: FetchAheadOptions) {}

  /** Jobs the consumer holds at most while fetch-ahead is on. */
  get maxJobs(): number {
    return this.options.slots * (1 + this.options.depth);
  }

  /**
   * Call when a training starts; call the returned function when it ends. A training still running
   * after {@link SHORT_TRIAL_MS} turns fetch-ahead off there and then; a shorter one turns it on.
   */
  watchTraining(): () => void {
    let long = false;
    const timer = setTimeout(() => {
      long = true;
      this.set(false);
    }, SHORT_TRIAL_MS);
    timer.unref();
    return () => {
      clearTimeout(timer);
      if (!long) this.set(true);
    };
  }

  /**
   * A block job started (issue 13 item 4): hold one more job per slot, so the next block's set-up and
   * fetch overlap the end of this one (its last commits) instead of leaving the slot idle between
   * blocks (~60 ms per block here). One, not `depth`: blocks held ahead by one worker would leave
   * another idle at the sweep's end. A long training ends it like fetch-ahead.
   */
  blockStarted(): void {
    if (this.options.depth === 0 || this.enabled || this.blocks) return;
    this.blocks = true;
    this.applyBlockConcurrency();
  }

  /**
   * A block job's trainings are over and it only stores and commits its last groups (tens of ms of
   * fsync on a busy disk): it gave its slot back, so it does not count against the jobs held for
   * blocks until the returned function is called. Without this, a block that trains faster than its
   * predecessor commits found no next block fetched and its slot idled (~60 ms per block here).
   */
  blockCommitting(): () => void {
    this.committingBlocks++;
    if (this.blocks) this.applyBlockConcurrency();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.committingBlocks--;
      if (this.blocks) this.applyBlockConcurrency();
    };
  }

  /** Jobs held while blocks run: two per slot (the running block and the next) plus the blocks still committing. */
  private applyBlockConcurrency(): void {
    this.options.setConcurrency(this.options.slots * 2 + this.committingBlocks);
  }

  /**
   * A part of a split trial got a slot (fold.processor.ts): split trials are long by construction, so
   * fetch-ahead ends now rather than after {@link SHORT_TRIAL_MS} — the sibling parts this worker held
   * go back to the queue at once, for the idle workers the split is for.
   */
  splitPartStarted(): void {
    this.set(false);
  }

  private set(enabled: boolean): void {
    if (this.options.depth === 0) return;
    const heldForBlocks = this.blocks && !enabled;
    if (!enabled) this.blocks = false;
    if (enabled === this.enabled && !heldForBlocks) return;
    this.enabled = enabled;
    this.options.setConcurrency(enabled ? this.maxJobs : this.options.slots);
    if (!enabled) this.options.handBackWaiting();
  }
}
