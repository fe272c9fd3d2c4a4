/**
 * `sweepq compare SWEEP TRIAL TRIAL …`: trials of a finished sweep side by side — the params that
 * differ, metrics with the best completed value marked in the metric's direction, CV folds, timings —
 * the same answer straight on Redis and through a scheduler over HTTP; bad trial arguments exit 2
 * saying what to give instead. The side-by-side rendering of a pruned trial is a unit case below.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareTrials, renderComparison, type TrialComparison } from '../../../services/cli/format/compare-table.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { trialRecord } from '../../support/trial-record.js';
import { runCli, startSchedulerProcess, type ServiceProcess } from '../../support/processes.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

/** log_loss is minimized: the best-marking must follow each metric's direction, not "highest wins". */
const SWEEP = `name: compare_cli
dataset:
  make_classification: {n_samples: 200, n_features: 5, n_informative: 3, n_redundant: 1, random_state: 3}
pipeline: {imputer: {strategy: median}, scaler: standard}
cv: {folds: 2, scoring: accuracy}
objective: {metric: auc_roc}
trials:
  - {model: logistic_regression, params: {C: 0.01, max_iter: 200}}
  - {model: logistic_regression, params: {C: 10, max_iter: 200}}
  - {model: decision_tree, params: {max_depth: 2}}
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sweepq compare', () => {
  let setup: TestSetup;
  let scheduler: ServiceProcess;
  let apiUrl: string;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('compare-cli');
    const file = path.join(setup.stateDir, 'compare.yaml');
    await writeFile(file, SWEEP);
    const run = await runCli(['run', file, '--workers', '1', '--json'], setup.env);
    assert.equal(run.code, 0, run.stderr);
    sweepId = (JSON.parse(run.stdout) as { sweepId: string }).sweepId;
    const port = await freePort();
    scheduler = await startSchedulerProcess(setup.env, port);
    apiUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await scheduler?.stop();
    await setup?.cleanup();
  });

  it('shows trials side by side with the best completed value of each metric marked, alike on Redis and over HTTP', async () => {
    const direct = await runCli(['compare', sweepId, '0', `${sweepId}-t1`, '2', '--json'], setup.env);
    assert.equal(direct.code, 0, direct.stderr);
    const comparison = JSON.parse(direct.stdout) as TrialComparison;
    assert.deepEqual(
      comparison.trials.map((t) => t.index),
      [0, 1, 2],
      'in the order named',
    );
    assert.deepEqual(
      comparison.params.differing.map((p) => p.name),
      ['model', 'C', 'max_iter', 'max_depth'],
    );
    assert.deepEqual(comparison.params.differing[1]!.values, [0.01, 10, null]);
    assert.deepEqual(comparison.params.differing[1]!.has, [true, true, false], 'the tree has no C');
    assert.equal(comparison.metrics[0]!.name, 'auc_roc', 'the objective first');
    for (const { name, values, best } of comparison.metrics) {
      const present = values.filter((v): v is number => v !== null);
      const goal = name === 'log_loss' || name === 'cv_std' ? Math.min : Math.max;
      const expected = comparison.trials.filter((_, k) => values[k] === goal(...present)).map((t) => t.id);
      assert.deepEqual(best, expected, `${name}: the best in its direction`);
    }
    // By name too, as `sweepq trials` lists them (a name with quotes and parentheses is a literal).
    const byName = await runCli(['compare', sweepId, 'logistic_regression(C=0.01,max_iter=200)', '1', 'decision_tree(max_depth=2)', '--json'], {
      ...setup.env,
      SWEEPQ_API_URL: apiUrl,
    });
    assert.equal(byName.code, 0, byName.stderr);
    assert.deepEqual(JSON.parse(byName.stdout), comparison, 'names pick the same trials');
    const viaApi = await runCli(['compare', sweepId, '0', '1', '2', '--json'], { ...setup.env, SWEEPQ_API_URL: apiUrl });
    assert.equal(viaApi.code, 0, viaApi.stderr);
    assert.deepEqual(JSON.parse(viaApi.stdout), comparison, 'the same answer through the scheduler');

    const table = await runCli(['compare', sweepId, '0', '2'], setup.env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^params that differ$/m);
    assert.match(table.stdout, /^ {2}model +logistic_regression +decision_tree$/m);
    assert.match(table.stdout, /^ {2}C +0\.01 +-$/m, 'a param a trial lacks is a dash, not null');
    assert.match(table.stdout, /^ {2}fold 2 +\d\.\d{4}( \*)? +\d\.\d{4}/m);
    assert.match(table.stdout, /^ {2}wall clock +\S+ +\S+$/m);
    assert.match(table.stdout, /\* best of the completed trials, each metric in its direction in the sweep; objective auc_roc \(maximize\)/);
  });

  const mistakes: Array<[string, (id: string) => string[], RegExp]> = [
    [
      'a trial the sweep does not have',
      (id) => [id, '0', '7'],
      /^sweepq: sweep s-\S+ has no trial s-\S+-t7: its trials are 0 to 2 \(`sweepq trials s-\S+` lists them\)$/,
    ],
    ['a trial of another sweep', (id) => [id, '0', 's-abc123def-t1'], /is not of sweep s-\S+: compare takes trials of one sweep/],
    ['one trial', (id) => [id, '1'], /compare takes 2 to 10 trials, got 1 \(e\.g\. sweepq compare s-\S+ 0 3\)/],
    ['a trial named twice', (id) => [id, '1', `${id}-t1`], /trial s-\S+-t1 is named twice/],
    [
      'a trial name with a typo',
      (id) => [id, '1', 'decision_tree(max_depht=2)'],
      /^sweepq: sweep s-\S+ has no trial named "decision_tree\(max_depht=2\)" \(did you mean "decision_tree\(max_depth=2\)"\?\): name a trial by its index, id or name/,
    ],
    ['a sweep that does not exist', () => ['s-nosuchsweep1', '0', '1'], /^sweepq: sweep s-nosuchsweep1 does not exist/],
  ];
  for (const [label, args, message] of mistakes) {
    it(`exits 2 for ${label}, saying what to give instead`, async () => {
      const result = await runCli(['compare', ...args(sweepId)], { ...setup.env, SWEEPQ_API_URL: apiUrl });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stdout, '');
    });
  }
});

describe('renderComparison', () => {
  const record = (index: number, status: TrialRecord['status'], metrics: Record<string, number>, folds: number[]): TrialRecord =>
    trialRecord(index, { name: `rf_${index}`, status, params: { n_estimators: 81, max_depth: index }, seed: 0, metrics, folds, durationMs: 100 });

  it("labels a pruned trial's CV scores with their rung and never marks them best", () => {
    const full = record(0, 'completed', { cv_mean: 0.9, cv_std: 0.01, accuracy: 0.8 }, [0.89, 0.91]);
    const pruned: TrialRecord = {
      ...record(1, 'pruned', { cv_mean: 0.95, cv_std: 0.02 }, [0.94, 0.96]),
      pruning: {
        reason: 'stopped at rung 1 (resource 27): …',
        rungs: [
          { resource: 9, mean: 0.9, folds: [] },
          { resource: 27, mean: 0.95, folds: [] },
        ],
        scoredAt: { rung: 1, resource: 27 },
      },
    };
    // The query engine answers the best completed value per metric: the pruned trial's higher cv_mean is not one.
    const comparison = compareTrials(
      's-abc123def',
      { metric: 'cv_mean', goal: 'maximize' },
      [full, pruned],
      new Map([
        ['cv_mean', 0.9],
        ['cv_std', 0.01],
        ['accuracy', 0.8],
      ]),
    );
    assert.deepEqual(comparison.metrics.find((m) => m.name === 'cv_mean')!.best, [full.id]);
    const text = renderComparison(comparison);
    assert.match(text, /^ {2}cv_mean +0\.9000 \* +0\.9500 @ rung 1 \(27 of 81 trees\)$/m);
    assert.match(text, /^ {2}fold 2 +0\.9100 +0\.9600 @ rung 1 \(27 of 81 trees\)$/m);
    assert.match(text, /^same in every trial: model=random_forest, n_estimators=81$/m);
    assert.match(text, /#1: stopped at rung 1/);
  });
});
