/**
 * Every Redis key of the metrics index, in one place (layout documented in docs/ARCHITECTURE.md).
 * Ids are validated elsewhere to never contain ':'.
 */
export class IndexKeys {
  constructor(readonly prefix: string) {}

  /** zset sweepId → createdAt: all sweeps. */
  sweeps(): string {
    return `${this.prefix}:sweeps`;
  }
  /** zset experiment name → last submit time. */
  experiments(): string {
    return `${this.prefix}:experiments`;
  }
  /** zset sweepId → createdAt: the sweeps of one experiment. */
  experiment(name: string): string {
    return `${this.prefix}:experiment:${name}`;
  }
  /** hash: the sweep record and its counters. */
  sweep(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}`;
  }
  /** hash: one trial. */
  trial(sweepId: string, index: number): string {
    return `${this.prefix}:sweep:${sweepId}:trial:${index}`;
  }
  /** Common prefix of a sweep's trial hashes (Lua scripts append the index). */
  trialPrefix(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:trial:`;
  }
  /** zset trial index → metric value: the sweep's leaderboard for one metric. */
  leaderboard(sweepId: string, metric: string): string {
    return `${this.prefix}:sweep:${sweepId}:lb:${metric}`;
  }
  /** set of sweep ids whose trials are not all in the job queue yet (see SweepFeeder). */
  feeding(): string {
    return `${this.prefix}:feeding`;
  }
  /** Pub/sub channel: sweep ids whose running trials must be aborted. */
  cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
}
