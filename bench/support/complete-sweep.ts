/**
 * Completes a sweep without training: every trial is created by the feeder, claimed and committed
 * through the real Lua transitions and completion log, with simulated results. The benchmarks of the
 * read side (bench:foundations, bench:ui) need 100,000 finished trials that went through the commit
 * path, in seconds rather than hours.
 */
import { randomUUID } from 'node:crypto';
import type { SweepService } from '../../shared/sweep/sweep-service.js';

/** The 8-param gradient-boosting space both read-side benchmarks search. */
export const EIGHT_PARAM_SPACE = [
  {
    model: 'gradient_boosting',
    params: {
      n_estimators: { distribution: 'int_uniform', min: 10, max: 500 },
      learning_rate: { distribution: 'log_uniform', min: 0.001, max: 1 },
      max_depth: { values: [2, 3, 4, 5, 6, 8, null] },
      subsample: { distribution: 'q_uniform', min: 0.5, max: 1, q: 0.05 },
      min_samples_leaf: { distribution: 'int_uniform', min: 1, max: 50 },
      min_samples_split: { distribution: 'int_uniform', min: 2, max: 20 },
      max_features: { values: ['sqrt', 'log2', 0.5, 0.8, null] },
      max_bins: { values: [32, 64, 128, 255] },
    },
  },
];

export interface SimulatedResult {
  metrics: Record<string, number>;
  folds: number[];
  durationMs: number;
}

export interface CompleteSweepOptions {
  /**
   * The result of trial `index`: `h` is a hash of the index in [0, 1); `params` are the trial's own,
   * read from the index only when `readParams` is set (the read is then part of the measured time).
   */
  simulate(index: number, h: number, params: Readonly<Record<string, unknown>> | null): SimulatedResult;
  readParams?: boolean;
  /** Worker ids the claims rotate over (lanes on the dashboard's timeline); default 1. */
  lanes?: number;
}

/** Completes all `total` trials; returns the milliseconds it took. */
export async function completeSweep(service: SweepService, sweepId: string, total: number, options: CompleteSweepOptions): Promise<number> {
  const index = service.index;
  const lanes = options.lanes ?? 1;
  const started = performance.now();
  let done = 0;
  let claims = 0;
  while (done < total) {
    const state = (await index.feed.state(sweepId))!;
    const batch: number[] = [];
    for (let i = done; i < state.created; i++) batch.push(i);
    if (batch.length === 0) throw new Error(`no trial created beyond ${done}`);
    const trials = options.readParams === true ? await Promise.all(batch.map((i) => index.trials.get(sweepId, i))) : null;
    await Promise.all(
      batch.map(async (i, k) => {
        const token = randomUUID();
        const claimed = await index.transitions.claim(sweepId, i, token, lanes === 1 ? 'bench-worker' : `bench-worker-${claims++ % lanes}`);
        if (claimed.result !== 'ok') throw new Error(`claim ${i}: ${claimed.result}`);
        const h = (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32;
        const { metrics, folds, durationMs } = options.simulate(i, h, trials === null ? null : trials[k]!.params);
        const result = await index.transitions.commit(sweepId, i, {
          token,
          durationMs,
          metrics,
          folds,
          timings: { fitMs: 1, cvMs: 1, evalMs: 1, totalMs: 3 },
          artifact: `artifacts/${sweepId}/${sweepId}-t${i}.json`,
          objective: { metric: 'auc_roc', goal: 'maximize' },
        });
        if (result !== 'ok') throw new Error(`commit ${i}: ${result}`);
      }),
    );
    done = state.created;
    // Finished trials make room: the feeder creates the next window, as workers would make it do.
    await (service as unknown as { feeder: { feed(id: string): Promise<number> } }).feeder.feed(sweepId);
  }
  return performance.now() - started;
}
