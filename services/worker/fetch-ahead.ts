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

  private set(enabled: boolean): void {
    if (this.options.depth === 0 || enabled === this.enabled) return;
    this.enabled = enabled;
    this.options.setConcurrency(enabled ? this.maxJobs : this.options.slots);
    if (!enabled) this.options.handBackWaiting();
  }
}
