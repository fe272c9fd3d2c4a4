/** A finished trial's record as the index returns it, for tests of what the CLI renders from records. */
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';

/** Trial `index` of sweep s-abc123def, completed in 1.2 s with no folds; `fields` replace any field. */
export function trialRecord(index: number, fields: Partial<TrialRecord> = {}): TrialRecord {
  return {
    id: `s-abc123def-t${index}`,
    sweepId: 's-abc123def',
    index,
    name: `trial_${index}`,
    model: 'random_forest',
    entry: 0,
    status: 'completed',
    params: {},
    seed: index,
    metrics: {},
    folds: null,
    timings: null,
    durationMs: 1200,
    artifact: null,
    attempt: 1,
    retries: 0,
    worker: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    ...fields,
  };
}
