/**
 * The user's path through the real CLI and HTTP API: a scheduler process, three worker processes,
 * Redis and MinIO — submit, status while running, leaderboard, best artefact → predict, cancel, and
 * bad sweep files rejected with nothing written.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCsv } from '../../shared/ml/dataset/read-csv.js';
import { rocAuc } from '../../shared/ml/metrics/roc-auc-score.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { findFreePort } from '../../shared/runtime/free-port.js';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { runCli, startSchedulerProcess, startWorkerProcess, type ServiceProcess } from '../support/processes.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const root = process.cwd();
const TOKEN = 'test-token-0123456789abcdef';

interface ReferenceRow {
  run_name: string;
  model: string;
  accuracy: number;
  f1_score: number;
  auc_roc: number;
  cv_mean: number;
}

describe('the user path through the CLI and the HTTP API', () => {
  let setup: TestSetup;
  let scheduler: ServiceProcess;
  const workers: ServiceProcess[] = [];
  let cliEnv: Record<string, string>;
  let apiUrl: string;

  before(async () => {
    setup = await makeTestSetup('user-path', { s3: true });
    const port = await findFreePort();
    apiUrl = `http://127.0.0.1:${port}`;
    scheduler = await startSchedulerProcess({ ...setup.env, SWEEPQ_API_TOKEN: TOKEN }, port);
    for (let i = 0; i < 3; i++) workers.push(startWorkerProcess(setup.env));
    cliEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_TOKEN: TOKEN, SWEEPQ_STATE_DIR: setup.stateDir };
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await scheduler?.stop('SIGTERM');
    await setup.cleanup();
  });

  async function cliJson<T>(args: string[]): Promise<T> {
    const result = await runCli([...args, '--json'], cliEnv);
    assert.equal(result.code, 0, `sweepq ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  async function sweepCount(): Promise<number> {
    const listed = await cliJson<unknown>(['sweeps']);
    return (Array.isArray(listed) ? listed : (listed as { sweeps: unknown[] }).sweeps).length;
  }

  it('runs the scikit-learn sweep on three workers, each trial once, matching the reference', async () => {
    const submitted = await runCli(['submit', 'sweeps/loan-default-sklearn.yaml'], cliEnv);
    assert.equal(submitted.code, 0, submitted.stderr);
    const sweepId = submitted.stdout.trim();
    assert.match(sweepId, /^s-[a-z0-9]+$/);

    // Status while running: counts always add up to the total.
    let status: SweepStatus;
    const seenStates = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (;;) {
      status = await cliJson<SweepStatus>(['status', sweepId]);
      seenStates.add(status.state);
      const c = status.counts;
      assert.equal(c.queued + c.active + c.completed + c.failed + c.cancelled, 5);
      if (status.state === 'completed') break;
      assert.ok(Date.now() < deadline, `sweep did not finish: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 5, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.ok(status.best !== null);

    const { trials } = await cliJson<{ trials: TrialRecord[] }>(['trials', sweepId, '--sort', 'auc_roc']);
    assert.equal(trials.length, 5);
    assert.equal(trials[0]!.name, 'RandomForest_100', 'RandomForest_100 leads by auc_roc as in scikit-learn');
    for (let i = 1; i < trials.length; i++) assert.ok(trials[i - 1]!.metrics!.auc_roc! >= trials[i]!.metrics!.auc_roc!);
    const workerIds = new Set(workers.map((w) => `-${w.pid}`));
    for (const t of trials) {
      assert.equal(t.status, 'completed');
      assert.equal(t.attempt, 1, `${t.name} ran exactly once`);
      assert.ok(
        [...workerIds].some((suffix) => t.worker!.endsWith(suffix)),
        `${t.name} ran on one of our workers`,
      );
    }

    // Metrics within the ML core's tolerances of scikit-learn 1.2.1.
    const reference = JSON.parse(await readFile(path.join(root, 'test/fixtures/loan_default.reference.json'), 'utf8')) as { rows: ReferenceRow[] };
    for (const ref of reference.rows) {
      const trial = trials.find((t) => t.name === ref.run_name)!;
      const linear = ref.model === 'logistic_regression';
      const tol = linear ? { auc: 0.002, other: 0.002 } : { auc: 0.015, other: 0.03 };
      const m = trial.metrics!;
      assert.ok(Math.abs(m.auc_roc! - ref.auc_roc) <= tol.auc, `${ref.run_name} auc_roc ${m.auc_roc} vs ${ref.auc_roc}`);
      assert.ok(Math.abs(m.accuracy! - ref.accuracy) <= tol.other, `${ref.run_name} accuracy ${m.accuracy} vs ${ref.accuracy}`);
      assert.ok(Math.abs(m.f1_score! - ref.f1_score) <= tol.other, `${ref.run_name} f1 ${m.f1_score} vs ${ref.f1_score}`);
      assert.ok(Math.abs(m.cv_mean! - ref.cv_mean) <= tol.other, `${ref.run_name} cv_mean ${m.cv_mean} vs ${ref.cv_mean}`);
    }

    // Best artefact → predict: the downloaded model reproduces the worker's test metrics exactly.
    const modelPath = path.join(setup.stateDir, 'best.json');
    const best = await runCli(['best', sweepId, '--metric', 'auc_roc', '--out', modelPath], cliEnv);
    assert.equal(best.code, 0, best.stderr);
    const testCsv = path.join(root, 'sweeps/data/loan_default.test.csv');
    const predicted = await cliJson<{ predictions: string[]; probabilities: number[][]; classes: string[] }>(['predict', modelPath, testCsv, '--proba']);
    const data = parseCsv(await readFile(testCsv, 'utf8'), { target: 'target' });
    let correct = 0;
    const proba = new Float64Array(data.nRows * 2);
    for (let i = 0; i < data.nRows; i++) {
      if (predicted.predictions[i] === data.classes[data.y[i]!]) correct++;
      proba[2 * i] = predicted.probabilities[i]![0]!;
      proba[2 * i + 1] = predicted.probabilities[i]![1]!;
    }
    assert.equal(correct / data.nRows, trials[0]!.metrics!.accuracy);
    assert.ok(Math.abs(rocAuc(data.y, proba, 2) - trials[0]!.metrics!.auc_roc!) < 1e-12);

    // The same artefact over the API.
    // Artefacts embed training data: they need a token even from loopback (issue 8).
    const response = await fetch(`${apiUrl}/sweeps/${sweepId}/best/artifact`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    const viaApi = Pipeline.fromJSON(await response.json());
    assert.deepEqual(Array.from(viaApi.predict(data)), Array.from(Pipeline.fromJSON(JSON.parse(await readFile(modelPath, 'utf8'))).predict(data)));
  });

  it('cancels a sweep: queued trials removed, running ones stopped', async () => {
    const submitted = await runCli(['submit', 'sweeps/rf-grid.yaml'], cliEnv);
    assert.equal(submitted.code, 0, submitted.stderr);
    const sweepId = submitted.stdout.trim();
    const cancelled = await cliJson<SweepStatus>(['cancel', sweepId]);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.counts.queued, 0);
    const deadline = Date.now() + 10_000;
    let status = cancelled;
    while (status.counts.active > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await cliJson<SweepStatus>(['status', sweepId]);
    }
    assert.equal(status.counts.active, 0, 'running trials stop within seconds');
    assert.ok(status.counts.cancelled > 0);
    assert.equal(status.counts.completed + status.counts.cancelled + status.counts.failed, status.total);
  });

  it('rejects bad sweep files with exit code 2 and a located message, enqueueing nothing', async () => {
    const before = await sweepCount();
    for (const file of ['trial-unknown-model.yaml', 'grid-too-large.yaml', 'sweep-csv-ragged.yaml', 'yaml-tab-indent.yaml']) {
      const result = await runCli(['submit', path.join('test/fixtures/bad', file)], cliEnv);
      assert.equal(result.code, 2, `${file}: exit ${result.code}, stderr ${result.stderr}`);
      assert.match(result.stderr, /sweepq: /);
    }
    const api = await fetch(`${apiUrl}/sweeps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', dataset: { csv: '../../etc/passwd' }, trials: [] }),
    });
    assert.equal(api.status, 400);
    const body = (await api.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'INVALID_SPEC');
    assert.equal(await sweepCount(), before, 'no sweep was written');
  });
});
