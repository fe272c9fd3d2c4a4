/**
 * An in-memory SweepClient for the route-level API tests: records every call and can be told to
 * fail the next one. Not a test file itself (no `.test.` in the name).
 */
import type { LocalBundle } from '../../../shared/program/program-bundle.js';
import type { Readable } from 'node:stream';
import { InvalidInputError } from '../../../shared/errors/index.js';
import type { ExperimentSummary, SweepStatus, SweepSummary } from '../../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import type { TagChange } from '../../../shared/schemas/tags.schema.js';
import type { WorkerInfo } from '../../../shared/schemas/worker.schema.js';
import type { SubmitResult, SweepClient, TrialPage, TrialQuery } from '../../../shared/sweep/sweep-client.js';

export const SWEEP_ID = 's-abc123def456';
export const TRIAL_ID = `${SWEEP_ID}-t3`;

/** A sweep spec the API accepts (it validates the spec before the service sees it); small enough for a 4 KiB dataset limit. */
export const SPEC = {
  name: 'x',
  dataset: { make_classification: { n_samples: 20, n_features: 3, n_informative: 2, n_redundant: 0, random_state: 1 } },
  trials: [{ model: 'logistic_regression', params: { C: 1 } }],
};
export const SPEC_JSON = JSON.stringify(SPEC);

export function trial(index: number): TrialRecord {
  return {
    id: `${SWEEP_ID}-t${index}`,
    sweepId: SWEEP_ID,
    index,
    name: `lr-${index}`,
    model: 'logistic_regression',
    entry: 0,
    status: 'completed',
    params: { C: index },
    seed: 7,
    metrics: { accuracy: 0.9, f1_score: 0.8 },
    folds: [0.9, 0.8],
    timings: { fitMs: 1, cvMs: 2, evalMs: 3, totalMs: 6 },
    durationMs: 6,
    artifact: `artifacts/${SWEEP_ID}/${SWEEP_ID}-t${index}.json`,
    attempt: 1,
    retries: 0,
    worker: 'w1',
    startedAt: 1,
    finishedAt: 7,
    error: null,
  };
}

export const summary: SweepSummary = {
  id: SWEEP_ID,
  name: 'demo',
  state: 'running',
  total: 4,
  created: 4,
  counts: { queued: 1, active: 1, completed: 2, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 },
  objective: { metric: 'accuracy', goal: 'maximize' },
  createdAt: 1000,
  finishedAt: null,
};
export const status: SweepStatus = {
  ...summary,
  percent: 50,
  startedAt: 1000,
  elapsedMs: 10,
  etaMs: 10,
  best: trial(3),
  workers: [],
  task: 'classification',
  data: null,
};

/** Records every call; `fail` makes the next call throw the given error. */
export class MemoryClient implements SweepClient {
  calls: { method: string; args: unknown[] }[] = [];
  fail: Error | undefined = undefined;

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.fail !== undefined) {
      const error = this.fail;
      this.fail = undefined;
      throw error;
    }
  }
  last(method: string): unknown[] | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) if (this.calls[i]!.method === method) return this.calls[i]!.args;
    return undefined;
  }
  async uploadBundle(bundle: LocalBundle): Promise<void> {
    this.record('uploadBundle', bundle.sha256);
  }
  async uploadDatasetStream(body: Readable, limitBytes: number): Promise<{ sha256: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw new InvalidInputError('PAYLOAD_TOO_LARGE', `the dataset is more than the ${limitBytes}-byte limit`);
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    if (bytes.length === 0) throw new InvalidInputError('INVALID_CSV', 'the uploaded dataset is empty');
    this.record('uploadDataset', bytes);
    return { sha256: 'a'.repeat(64) };
  }
  async uploadDatasetFile(file: string): Promise<{ sha256: string }> {
    this.record('uploadDatasetFile', file);
    return { sha256: 'a'.repeat(64) };
  }
  async submit(spec: unknown): Promise<SubmitResult> {
    this.record('submit', spec);
    return { sweepId: SWEEP_ID, name: 'demo', total: 4 };
  }
  async extend(sweepId: string, spec: unknown): Promise<SubmitResult> {
    this.record('extend', sweepId, spec);
    return { sweepId, name: 'demo', total: 2 };
  }
  async listSweeps(options?: { experiment?: string; limit?: number; offset?: number }): Promise<SweepSummary[]> {
    this.record('listSweeps', options);
    return [summary];
  }
  async listExperiments(options?: { limit?: number; offset?: number }): Promise<ExperimentSummary[]> {
    this.record('listExperiments', options);
    return [{ name: 'demo', sweeps: 1, lastSubmittedAt: 1000 }];
  }
  async experimentTrials(experiment: string, query?: TrialQuery): Promise<TrialPage> {
    this.record('experimentTrials', experiment, query);
    return { trials: [trial(2)], total: 1 };
  }
  async workers(): Promise<WorkerInfo[]> {
    this.record('workers');
    return [];
  }
  async status(sweepId: string): Promise<SweepStatus> {
    this.record('status', sweepId);
    return status;
  }
  async trials(sweepId: string, query?: TrialQuery): Promise<{ trials: TrialRecord[]; total: number }> {
    this.record('trials', sweepId, query);
    return { trials: [trial(0), trial(1)], total: 4 };
  }
  async best(sweepId: string, metric?: string): Promise<TrialRecord> {
    this.record('best', sweepId, metric);
    return trial(3);
  }
  async artifact(sweepId: string, trialId: string): Promise<Buffer> {
    this.record('artifact', sweepId, trialId);
    return Buffer.from(JSON.stringify({ format: 'sweepq.pipeline', trialId }));
  }
  async cancel(sweepId: string): Promise<SweepStatus> {
    this.record('cancel', sweepId);
    return { ...status, state: 'cancelled' };
  }
  async retry(sweepId: string): Promise<{ requeued: number }> {
    this.record('retry', sweepId);
    return { requeued: 2 };
  }
  async delete(sweepId: string): Promise<{ sweepId: string; trials: number; jobs: number; objects: number }> {
    this.record('delete', sweepId);
    return { sweepId, trials: 4, jobs: 4, objects: 3 };
  }

  async tag(id: string, change: TagChange): Promise<{ tags: Record<string, string> }> {
    this.record('tag', id, change);
    return { tags: { ...change.set } };
  }
  async close(): Promise<void> {}
}
