/**
 * The real MLflow Python client (pinned mlflow-skinny in the project venv) against a scheduler
 * process, a worker and MinIO (issue 12, "Must show"): the seed's step 5 — search_runs by run name,
 * `pyfunc.load_model("runs:/<id>/pipeline")`, predictions equal to `sweepq predict`'s — get_run,
 * get_metric_history of the per-fold scores, an OR filter, an unknown experiment, paging in metric
 * order over 25,000 runs seeded straight into the index, and an MLflow-instrumented script logging
 * into sweepq, read back through the CLI. Any unsupported endpoint or unexpected 404 fails it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { findFreePort } from '../../shared/runtime/free-port.js';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { projectPython, runPython } from '../export/project-python.js';
import { runCli, startSchedulerProcess, startWorkerProcess, type ServiceProcess } from '../support/processes.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const TOKEN = 'test-token-mlflow-0123456789';
const PAGING_RUNS = 25_000;
const python = projectPython();

interface ClientReport {
  found: number;
  run_id: string;
  labels: string[];
  probabilities: number[][];
  probability_columns: string[];
  run: { status: string; name: string; params: Record<string, string>; metrics: Record<string, number>; tags: Record<string, string>; artifact_uri: string };
  parent: { run_id: string; status: string; metrics: Record<string, number> };
  fold_history: Array<[number, number]>;
  artifacts: string[];
  or_names: string[];
  or_auc: number[];
  unknown_experiment_rows: number;
  paging: { pages: number; runs: number; distinct: number; first: number; last: number; descending: boolean };
  written_run_id: string;
  written_history: Array<[number, number]>;
  written_artifact: string;
  seconds: Record<string, number>;
  http_errors: Array<{ method: string; url: string; status: number; error_code: string | null }>;
}

/** 25,000 finished runs of one experiment written straight into the index (a real sweep would take minutes). */
async function seedRuns(redis: Redis, prefix: string, experiment: string): Promise<void> {
  const index = new MetricsIndex(redis, prefix);
  const sweepId = await index.runs.openExternalSweep(experiment, JSON.stringify({ cvScoring: null, objective: { metric: 'accuracy' } }), 'seeded');
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (let i = 0; i < PAGING_RUNS; i++) {
    // A permutation of 0..24999 (7919 is prime to 25,000): distinct scores, unrelated to the index.
    const score = ((i * 7919) % PAGING_RUNS) / PAGING_RUNS;
    const metrics = JSON.stringify({ score });
    pipeline.hset(index.keys.trial(sweepId, i), {
      id: `${sweepId}-t${i}`,
      index: i,
      name: `run-${i}`,
      model: '',
      entry: 0,
      segment: -1,
      seed: 0,
      params: '{}',
      status: 'completed',
      attempt: 1,
      retries: 0,
      startedAt: now,
      finishedAt: now,
      metrics,
      rev: 0,
    });
    pipeline.rpush(index.keys.log(sweepId), JSON.stringify({ i, s: 'completed', t: now, m: { score } }));
  }
  pipeline.hset(index.keys.sweep(sweepId), {
    total: PAGING_RUNS,
    created: PAGING_RUNS,
    fed: PAGING_RUNS,
    completed: PAGING_RUNS,
    startedAt: now,
    finishedAt: now,
  });
  await pipeline.exec();
  await index.runs.experimentId(experiment, now);
}

describe('the MLflow Python client against sweepq', { skip: python.reason ?? false }, () => {
  let setup: TestSetup;
  let scheduler: ServiceProcess;
  let worker: ServiceProcess;
  let redis: Redis;
  let apiUrl: string;
  let cliEnv: Record<string, string>;
  let scratch: string;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('mlflow-client', { s3: true });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'sweepq-mlflow-'));
    const port = await findFreePort();
    apiUrl = `http://127.0.0.1:${port}`;
    scheduler = await startSchedulerProcess({ ...setup.env, SWEEPQ_API_TOKEN: TOKEN }, port);
    worker = startWorkerProcess(setup.env);
    cliEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_TOKEN: TOKEN, SWEEPQ_STATE_DIR: setup.stateDir };
    redis = createRedisConnection(setup.env.REDIS_URL!, { name: 'mlflow-test' });
    // The seed's data and pipeline with two small trials: the ones step 5 and the OR filter name.
    const sweepFile = path.join(scratch, 'sweep.yaml');
    await writeFile(
      sweepFile,
      [
        'name: loan_default_sklearn',
        'dataset:',
        `  train: ${path.resolve('sweeps/data/loan_default.train.csv')}`,
        `  test: ${path.resolve('sweeps/data/loan_default.test.csv')}`,
        '  target: target',
        'pipeline: {imputer: {strategy: median}, scaler: standard}',
        'cv: {folds: 5, scoring: accuracy, shuffle: false}',
        'objective: {metric: auc_roc, goal: maximize}',
        'trials:',
        '  - {name: GradientBoosting, model: gradient_boosting, params: {n_estimators: 30, learning_rate: 0.1}}',
        '  - {name: RandomForest_d5, model: random_forest, params: {n_estimators: 20, max_depth: 5}}',
        '',
      ].join('\n'),
    );
    const submitted = await runCli(['submit', sweepFile], cliEnv);
    // A refused submit names the scheduler's own account of it (its log), not only the CLI's message.
    assert.equal(submitted.code, 0, `${submitted.stderr}\nscheduler log:\n${scheduler.output.slice(-40).join('\n')}`);
    sweepId = submitted.stdout.trim();
    await seedRuns(redis, setup.config.redis.prefix, 'mlflow_paging');
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = await runCli(['status', sweepId, '--json'], cliEnv);
      if ((JSON.parse(status.stdout) as SweepStatus).state === 'completed') break;
      assert.ok(Date.now() < deadline, 'the seed sweep did not finish in 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  after(async () => {
    redis?.disconnect();
    await worker?.stop('SIGTERM');
    await scheduler?.stop('SIGTERM');
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    await setup?.cleanup();
  });

  it('reads, loads, pages and logs through MLflow as MLflow would', async (t) => {
    const args = {
      experiment: 'loan_default_sklearn',
      run_name: 'GradientBoosting',
      test_csv: path.resolve('sweeps/data/loan_default.test.csv'),
      target: 'target',
      paging_experiment: 'mlflow_paging',
      write_experiment: 'mlflow_script',
      scratch,
    };
    const stdout = runPython(python.python!, 'test/interop/mlflow_client.py', [JSON.stringify(args)], {
      MLFLOW_TRACKING_URI: apiUrl,
      MLFLOW_TRACKING_TOKEN: TOKEN,
      // A refused request fails at once instead of being retried for minutes.
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as ClientReport;
    t.diagnostic(`client seconds: ${JSON.stringify(report.seconds)}`);

    // No endpoint the client used is missing; the only 404s are MLflow's "no such experiment" lookups.
    const unexpected = report.http_errors.filter(
      (e) => !(e.status === 404 && e.error_code === 'RESOURCE_DOES_NOT_EXIST' && e.url.endsWith('/experiments/get-by-name')),
    );
    assert.deepEqual(unexpected, []);

    // Step 5: the trial found by name, its pipeline loaded by MLflow, predictions as `sweepq predict`'s.
    assert.equal(report.found, 1);
    const trial = (await cliJson<{ trials: TrialRecord[] }>(['trials', sweepId, '--filter', "tags.mlflow.runName = 'GradientBoosting'"])).trials[0]!;
    assert.equal(report.run_id, trial.id);
    const artefact = await fetch(`${apiUrl}/sweeps/${sweepId}/trials/${trial.id}/artifact`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(artefact.status, 200);
    const modelFile = path.join(scratch, 'gb.json');
    await writeFile(modelFile, Buffer.from(await artefact.arrayBuffer()));
    const predicted = await cliJson<{ predictions: string[]; classes: string[]; probabilities: number[][] }>([
      'predict',
      modelFile,
      'sweeps/data/loan_default.test.csv',
      '--proba',
    ]);
    assert.deepEqual(report.labels, predicted.predictions);
    assert.deepEqual(
      report.probability_columns,
      predicted.classes.map((c) => `probability_${c}`),
    );
    for (let i = 0; i < predicted.probabilities.length; i++) {
      for (let k = 0; k < predicted.classes.length; k++)
        assert.ok(Math.abs(report.probabilities[i]![k]! - predicted.probabilities[i]![k]!) <= 1e-9, `row ${i} class ${k}`);
    }
    assert.deepEqual(report.artifacts, [
      'pipeline/MLmodel',
      'pipeline/conda.yaml',
      'pipeline/model.onnx',
      'pipeline/requirements.txt',
      'pipeline/sweepq-pipeline.json',
    ]);

    // get_run and get_metric_history: params, metrics, parent, per-fold scores (step = fold).
    assert.equal(report.run.status, 'FINISHED');
    assert.equal(report.run.name, 'GradientBoosting');
    assert.equal(report.run.params.n_estimators, '30');
    assert.equal(report.run.metrics.auc_roc, trial.metrics!.auc_roc);
    assert.equal(report.run.tags['mlflow.parentRunId'], sweepId);
    assert.equal(report.parent.run_id, sweepId);
    assert.deepEqual(report.parent.metrics, {});
    assert.deepEqual(
      report.fold_history,
      trial.folds!.map((score, fold) => [fold, score]),
    );

    // OR filter, ordered by AUC (best first); an unknown experiment finds nothing, as in MLflow.
    assert.deepEqual([...report.or_names].sort(), ['GradientBoosting', 'RandomForest_d5']);
    assert.ok(report.or_auc[0]! >= report.or_auc[1]!);
    assert.equal(report.unknown_experiment_rows, 0);

    // 25,000 runs in 25 pages of 1,000, strictly descending, each once.
    assert.deepEqual(report.paging, { pages: 25, runs: PAGING_RUNS, distinct: PAGING_RUNS, first: (PAGING_RUNS - 1) / PAGING_RUNS, last: 0, descending: true });

    // The instrumented script's run, read back through the CLI.
    assert.deepEqual(report.written_history, [
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
    ]);
    assert.equal(report.written_artifact, 'written by an MLflow script\n');
    const listed = await cliJson<Array<{ name: string }> | { experiments: Array<{ name: string }> }>(['experiments']);
    assert.ok((Array.isArray(listed) ? listed : listed.experiments).some((e) => e.name === 'mlflow_script'));
    const externalId = report.written_run_id.slice(0, report.written_run_id.lastIndexOf('-t'));
    const logged = (await cliJson<{ trials: TrialRecord[] }>(['trials', externalId, '--filter', "params.alpha = 0.5 and tags.stage = 'dev'"])).trials;
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.id, report.written_run_id);
    assert.equal(logged[0]!.name, 'script-run');
    assert.equal(logged[0]!.status, 'completed');
    assert.deepEqual(logged[0]!.params, { alpha: 0.5, solver: 'adam' });
    assert.deepEqual(logged[0]!.metrics, { loss: 1 / 3 });
    // The table shows the metrics the script logged (it has no sweepq model or task).
    const table = await runCli(['trials', externalId], cliEnv);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /\bloss\b[\s\S]*script-run[\s\S]*0\.333/);
    // Tagged and noted through the CLI, then found by the tag.
    const tagged = await runCli(['tag', report.written_run_id, 'reviewed=yes', '--note', 'checked by the test'], cliEnv);
    assert.equal(tagged.code, 0, tagged.stderr);
    const reviewed = (await cliJson<{ trials: TrialRecord[] }>(['trials', externalId, '--filter', "tags.reviewed = 'yes'"])).trials;
    assert.deepEqual(
      reviewed.map((t) => [t.id, t.tags?.['mlflow.note.content']]),
      [[report.written_run_id, 'checked by the test']],
    );
  });

  async function cliJson<T>(args: string[]): Promise<T> {
    const result = await runCli([...args, '--json'], cliEnv);
    assert.equal(result.code, 0, `sweepq ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }
});
