/**
 * The real-data examples in sweeps/ run end to end as a user runs them: `sweepq run FILE` on the
 * embedded default (a private redis-server, two worker processes, a local artefact folder), then
 * `sweepq predict` with the saved best model on the example's data.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { runCli } from '../support/processes.js';

interface RunResult {
  sweepId: string;
  status: SweepStatus;
  trials: TrialRecord[];
  best: TrialRecord | null;
  artifact: string | null;
}

describe('the real-data example sweeps run end to end', () => {
  let stateDir: string;
  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-examples-'));
  });
  after(() => rm(stateDir, { recursive: true, force: true }));

  async function run(file: string): Promise<RunResult> {
    const result = await runCli(['run', file, '--workers', '2', '--json'], { SWEEPQ_STATE_DIR: stateDir }, 240_000);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as RunResult;
  }

  it('penguins-species.yaml: categorical columns, missing cells and a searched encoder', async () => {
    const out = await run('sweeps/penguins-species.yaml');
    assert.equal(out.status.task, 'classification');
    assert.equal(out.status.counts.completed, 7, JSON.stringify(out.status.counts));
    const columns = Object.fromEntries(out.status.data!.columns.map((c) => [c.name, c]));
    assert.equal(columns.island!.type, 'categorical');
    assert.equal(columns.island!.categories, 3);
    assert.equal(columns.sex!.type, 'categorical');
    assert.ok(columns.sex!.missing > 0, 'sex has missing cells');
    assert.equal(columns.year, undefined, 'year was dropped');
    const encoders = new Set(out.trials.map((t) => t.params['pipeline.categorical.encoder.kind']).filter((v) => v !== undefined));
    assert.deepEqual([...encoders].sort(), ['onehot', 'ordinal']);
    // Species are nearly separable from bill and flipper sizes: every model does well.
    for (const trial of out.trials) assert.ok((trial.metrics?.accuracy ?? 0) > 0.93, `${trial.name}: accuracy ${trial.metrics?.accuracy}`);
    assert.ok(out.artifact !== null);

    const predicted = await runCli(['predict', out.artifact, 'sweeps/data/penguins.csv'], { SWEEPQ_STATE_DIR: stateDir });
    assert.equal(predicted.code, 0, predicted.stderr);
    const labels = predicted.stdout.trim().split('\n');
    assert.equal(labels.length, 344);
    assert.ok(labels.every((l) => ['Adelie', 'Chinstrap', 'Gentoo'].includes(l)));
  });

  it('penguins-mass.yaml: a regression on categorical columns (linear trials, searched tree ensembles), ranked by rmse', async () => {
    const out = await run('sweeps/penguins-mass.yaml');
    assert.equal(out.status.task, 'regression');
    assert.deepEqual(out.status.objective, { metric: 'rmse', goal: 'minimize' });
    assert.equal(out.status.counts.completed, 8, JSON.stringify(out.status.counts));
    const models = out.trials.map((t) => t.model).sort();
    assert.deepEqual(models, ['gradient_boosting', 'gradient_boosting', 'linear_regression', 'random_forest', 'random_forest', 'ridge', 'ridge', 'ridge']);
    for (const trial of out.trials) {
      assert.ok((trial.metrics?.r2 ?? 0) > 0.8, `${trial.name}: r2 ${trial.metrics?.r2}`);
      assert.ok(trial.metrics?.accuracy === undefined, 'no classification metric on a regression trial');
    }
    const rmses = out.trials.map((t) => t.metrics!.rmse!);
    assert.equal(out.best!.metrics!.rmse, Math.min(...rmses), 'the best trial has the lowest rmse');

    const predicted = await runCli(['predict', out.artifact!, 'sweeps/data/penguins_mass.test.csv', '--json'], { SWEEPQ_STATE_DIR: stateDir });
    assert.equal(predicted.code, 0, predicted.stderr);
    const { predictions } = JSON.parse(predicted.stdout) as { predictions: number[] };
    assert.equal(predictions.length, 86);
    assert.ok(
      predictions.every((v) => v > 2000 && v < 7000),
      'masses in grams',
    );
  });
});
