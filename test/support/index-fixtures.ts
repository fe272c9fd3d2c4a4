/**
 * Sweeps written straight into a MetricsIndex for tests of the index itself: a sweep record, one
 * explicit segment of N logistic-regression trials, and (optionally) their trial hashes created.
 */
import { randomBytes } from 'node:crypto';
import type { MetricsIndex } from '../../shared/index/index.js';
import type { Goal } from '../../shared/metrics/metric-registry.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';

export const TEST_CONTEXT: SweepContext = {
  v: 1,
  dataset: { train: 'a'.repeat(64), test: null, target: 'target', split: { test_size: 0.2, random_state: 0, stratify: false } },
  pipeline: { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' },
  cv: { folds: 0, scoring: 'accuracy', shuffle: false },
};

export interface TestSweepOptions {
  trials: number;
  /** Create the trial hashes too (default true); false leaves them planned only. */
  create?: boolean;
  objective?: { metric: string; goal?: Goal };
  cvScoring?: string | null;
  names?: (i: number) => string;
}

/** A new sweep id no other test uses. */
export function testSweepId(): string {
  return `s-${randomBytes(6).toString('hex')}`;
}

/** Writes a sweep of `trials` explicit trials; returns its id. */
export async function createTestSweep(index: MetricsIndex, options: TestSweepOptions): Promise<string> {
  const id = testSweepId();
  await index.sweeps.create({
    id,
    name: 'index_test',
    description: '',
    createdAt: Date.now(),
    metrics: { cvScoring: options.cvScoring ?? null, objective: options.objective ?? { metric: 'accuracy' } },
    seed: 0,
    context: TEST_CONTEXT,
    schema: { rows: 0, columns: [] },
    spec: {},
  });
  const trials = [];
  for (let i = 0; i < options.trials; i++) trials.push({ model: 'logistic_regression' as const, params: { C: i + 1 }, name: options.names?.(i) ?? `t${i}` });
  if (options.trials > 0) await index.feed.appendSegments(id, [{ kind: 'explicit', size: options.trials, seed: 0, trials }], 10_000_000);
  if (options.create !== false && options.trials > 0) {
    const created = trials.map((t, i) => ({ name: t.name, model: t.model, entry: i, segment: 0, params: t.params, seed: i }));
    const result = await index.feed.createTrials(id, 0, created);
    if (result !== 'ok') throw new Error(`createTrials: ${result}`);
  }
  return id;
}
