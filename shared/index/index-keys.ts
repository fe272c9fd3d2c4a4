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
  /**
   * zset zero-padded trial index → rank score of the objective (lower is better whatever the goal,
   * see rankScore): the objective leaderboard, best first with ties in index order.
   */
  best(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:best`;
  }
  /** list of JSON events: the sweep's completion log (claims, results, re-queues), append-only. */
  log(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:log`;
  }
  /** list of JSON segments: the planned trials of the submit and of each extension, in index order. */
  segments(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:segments`;
  }
  /**
   * hash of the pruner's rung values (issue 11): `<resource>:<index>` → the CV mean trial `index`
   * reached at that resource; `done:<resource>:<index>` → the same for trials that completed.
   */
  rungs(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:rungs`;
  }
  /** hash content key → JSON result: the result cache across sweeps (see shared/sweep/result-cache.ts). */
  resultCache(): string {
    return `${this.prefix}:cache`;
  }
  /** zset of the sweep's open trials (created, not finished): what the reconciler checks against the queue. */
  open(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:open`;
  }
  /** set of sweeps not finished yet (the reconciler walks it). Lua derives it from a sweep key too. */
  unfinished(): string {
    return `${this.prefix}:unfinished`;
  }
  /** set of sweeps whose deletion started and has not finished (resumed by the next delete or retention pass). */
  deleting(): string {
    return `${this.prefix}:deleting`;
  }
  /** string: the retention pass's leader lock. */
  retentionLock(): string {
    return `${this.prefix}:retention:lock`;
  }
  /** string: the reconciler's leader lock. */
  reconcilerLock(): string {
    return `${this.prefix}:reconciler:lock`;
  }
  /** hash trial name → use count: keeps created trial names unique within the sweep. */
  names(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:names`;
  }
  /** hash: index schema version and other facts about this Redis' sweepq data. */
  meta(): string {
    return `${this.prefix}:meta`;
  }
  /** zset worker id → last heartbeat (ms): the worker registry. */
  workers(): string {
    return `${this.prefix}:workers`;
  }
  /** hash: one worker's registration (host, pid, slots, current trials, heartbeat, last error). */
  worker(workerId: string): string {
    return `${this.prefix}:worker:${workerId}`;
  }
  /** set of sweep ids whose trials are not all in the job queue yet (see SweepFeeder). */
  feeding(): string {
    return `${this.prefix}:feeding`;
  }
  /** list of JSON points `[value, timestamp, step]`: one metric's history of a run logged through the MLflow API. */
  metricHistory(sweepId: string, index: number, metric: string): string {
    return `${this.prefix}:sweep:${sweepId}:trial:${index}:history:${metric}`;
  }
  /** hash artefact path → JSON {sha256, size}: the files uploaded to a run through the MLflow API. */
  runArtifacts(sweepId: string, index: number): string {
    return `${this.prefix}:sweep:${sweepId}:trial:${index}:artifacts`;
  }
  /** hash experiment name → MLflow experiment id (decimal; assigned once, never reused). */
  experimentIds(): string {
    return `${this.prefix}:mlflow:experiment-ids`;
  }
  /** hash MLflow experiment id → experiment name. */
  experimentNames(): string {
    return `${this.prefix}:mlflow:experiment-names`;
  }
  /** hash MLflow experiment id → creation time (ms). */
  experimentCreated(): string {
    return `${this.prefix}:mlflow:experiment-created`;
  }
  /** string counter: the last MLflow experiment id handed out (0 is MLflow's `Default`). */
  experimentSeq(): string {
    return `${this.prefix}:mlflow:experiment-seq`;
  }
  /** hash experiment name → id of the experiment's external sweep (the runs created through the MLflow API). */
  externalSweeps(): string {
    return `${this.prefix}:mlflow:external-sweeps`;
  }
  /** Pub/sub channel: sweep ids whose running trials must be aborted. */
  cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
}
