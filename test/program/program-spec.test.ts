/**
 * Program sweeps (issue 14), without processes: the `program:` block and its params, argument
 * rendering, report lines, bounded histories and output tails, and the clean environment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { expandTrials } from '../../shared/search/expand-trials.js';
import { parseProgramSweepSpec } from '../../shared/sweep/parse-sweep-file.js';
import { MetricHistory } from '../../services/worker/program/metric-history.js';
import { parseReportLine } from '../../services/worker/program/metric-report.js';
import { OutputTail } from '../../services/worker/program/output-tail.js';
import { programEnvironment } from '../../services/worker/program/program-env.js';
import { formatParamValue, renderCommand } from '../../shared/program/render-command.js';

const SPEC = {
  name: 'prog',
  program: { command: ['python3', 'train.py', '--lr', '${params.lr}', '--depth=${params.depth}'], env: { OMP_NUM_THREADS: '1' } },
  objective: { metric: 'val_auc', goal: 'maximize' },
  search: { method: 'random', max_trials: 5, space: [{ params: { lr: { distribution: 'log_uniform', min: 1e-4, max: 1e-1 }, depth: { values: [2, 4, 8] } } }] },
};

describe('ProgramSweepSpecSchema', () => {
  it('plans program trials like built-in ones and parses its own output again', () => {
    const spec = parseProgramSweepSpec(SPEC);
    assert.deepEqual(parseProgramSweepSpec(JSON.parse(JSON.stringify(spec))), spec);
    const trials = expandTrials(spec, { maxTrials: 100 });
    assert.equal(trials.length, 5);
    for (const trial of trials) {
      assert.equal(trial.model, 'program');
      assert.ok([2, 4, 8].includes(trial.params.depth as number));
      assert.ok((trial.params.lr as number) >= 1e-4 && (trial.params.lr as number) <= 1e-1);
    }
  });

  it('refuses a placeholder naming a param some trial lacks, at the argument', () => {
    const bad = { ...SPEC, trials: [{ params: { lr: 0.1 } }] };
    assert.throws(
      () => parseProgramSweepSpec(bad),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.match(error.message, /program\.command\[4\]: \$\{params\.depth\} names a param not every trial has \(params of every trial: lr;/);
        return true;
      },
    );
  });

  it('refuses a built-in metric ranked against its direction', () => {
    assert.throws(() => parseProgramSweepSpec({ ...SPEC, objective: { metric: 'log_loss', goal: 'maximize' } }), /log_loss is a built-in metric to minimize/);
  });

  const withPruner = (pruner: unknown) => ({ ...SPEC, search: { ...SPEC.search, pruner } });
  it('takes a pruner by report step, and parses its own output again', () => {
    const spec = parseProgramSweepSpec(withPruner({ method: 'asha', min_resource: 1, max_resource: 27 }));
    assert.deepEqual(spec.search?.pruner, { method: 'asha', resource: 'step', min_resource: 1, reduction_factor: 3, max_resource: 27 });
    assert.deepEqual(parseProgramSweepSpec(JSON.parse(JSON.stringify(spec))), spec);
  });
  const badPruners: Array<[string, unknown, RegExp]> = [
    ['no max_resource', { method: 'median', min_resource: 2 }, /search\.pruner\.max_resource: a program sweep's pruner needs max_resource/],
    ['max_resource not above min_resource', { method: 'asha', min_resource: 5, max_resource: 5 }, /max_resource 5 must be above min_resource 5/],
    ['a built-in resource', { method: 'asha', resource: 'n_estimators', min_resource: 1, max_resource: 9 }, /pruned by the step of its objective reports/],
    ['an unknown method', { method: 'hyperband', min_resource: 1, max_resource: 9 }, /pruner method "hyperband" is not known/],
  ];
  for (const [what, pruner, message] of badPruners) {
    it(`refuses a pruner with ${what}`, () => assert.throws(() => parseProgramSweepSpec(withPruner(pruner)), message));
  }
});

describe('renderCommand', () => {
  it('renders JSON scalars as text: shortest round-trip numbers, true/false, strings unquoted', () => {
    assert.equal(formatParamValue(0.1), '0.1');
    assert.equal(formatParamValue(1e-7), '1e-7');
    assert.equal(formatParamValue(100), '100');
    assert.equal(formatParamValue(0.30000000000000004), '0.30000000000000004');
    assert.equal(formatParamValue(true), 'true');
    assert.equal(formatParamValue(null), 'null');
    assert.equal(formatParamValue('a b; rm -rf /'), 'a b; rm -rf /');
    // A value stays one argument whatever it holds: no shell ever sees it.
    assert.deepEqual(renderCommand(['x', '--opt=${params.s}', '${params.n}${params.n}'], { s: 'a b', n: 2 }), ['x', '--opt=a b', '22']);
  });
});

describe('parseReportLine', () => {
  const cases: Array<[string, string]> = [
    ['{"metric": "val_auc", "value": 0.91, "step": 3}', 'report'],
    ['{"metric": "val_auc", "value": null}', 'report'],
    ['epoch 3 done', 'log'],
    ['{"loss": 1}', 'log'],
    ['{"metric": "val_auc", "value": "high"}', 'invalid'],
    ['{"metric": "Val AUC", "value": 1}', 'invalid'],
    ['{"metric": "val_auc", "value": 1, "step": -1}', 'invalid'],
    ['{"metric": "val_auc", "value": 1', 'invalid'],
  ];
  for (const [line, kind] of cases) {
    it(`reads ${line} as ${kind}`, () => assert.equal(parseReportLine(line).kind, kind));
  }
});

describe('MetricHistory', () => {
  it('keeps the curve bounded, first and last points included, steps numbered when absent', () => {
    const history = new MetricHistory(8);
    for (let i = 0; i < 100; i++) history.add(i / 100, undefined);
    const points = history.toJSON();
    assert.ok(points.length <= 9, `${points.length} points`);
    assert.deepEqual(points[0], [0, 0]);
    assert.deepEqual(points.at(-1), [99, 0.99]);
    assert.equal(history.last, 0.99);
    for (let i = 1; i < points.length; i++) assert.ok(points[i]![0] > points[i - 1]![0]);
  });
});

describe('OutputTail', () => {
  it('keeps the last lines, cut to length, across chunk boundaries', () => {
    const tail = new OutputTail(2, 5);
    const seen: string[] = [];
    tail.write('one\ntw', (l) => seen.push(l));
    tail.write('o\nthree-long\nfour', (l) => seen.push(l));
    tail.end((l) => seen.push(l));
    assert.deepEqual(seen, ['one', 'two', 'three-long', 'four']);
    assert.equal(tail.text(), 'three…\nfour');
  });
});

describe('programEnvironment', () => {
  it('passes the basics, the sweep env and the trial variables, and no credentials', () => {
    const worker = {
      PATH: '/usr/bin',
      HOME: '/root',
      REDIS_URL: 'redis://:pw@host',
      S3_SECRET_KEY: 's',
      SWEEPQ_API_TOKEN: 't',
      AWS_SECRET_ACCESS_KEY: 'a',
      LANG: 'C.UTF-8',
      MLFLOW_TRACKING_URI: 'http://scheduler:8080',
      MLFLOW_TRACKING_TOKEN: 'tok',
    };
    const env = programEnvironment(
      worker,
      { OMP_NUM_THREADS: '1' },
      {
        sweepId: 's-abcdef',
        trialId: 's-abcdef-t3',
        params: { lr: 0.1 },
        seed: 7,
        artifactDir: '/tmp/a',
        reportSocket: '/tmp/r.sock',
        mlflow: { trackingUri: 'http://127.0.0.1:1/x', runId: 's-abcdef-t3' },
      },
    );
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.OMP_NUM_THREADS, '1');
    assert.equal(env.SWEEPQ_PARAMS, '{"lr":0.1}');
    assert.equal(env.SWEEPQ_TRIAL_ID, 's-abcdef-t3');
    assert.equal(env.SWEEPQ_SEED, '7');
    assert.equal(env.SWEEPQ_ARTIFACT_DIR, '/tmp/a');
    assert.match(env.PYTHONPATH!, /python\/$/);
    assert.equal(env.MLFLOW_TRACKING_URI, 'http://127.0.0.1:1/x', "the attempt's own endpoint, not the worker's MLflow server");
    assert.equal(env.MLFLOW_RUN_ID, 's-abcdef-t3');
    for (const secret of ['REDIS_URL', 'S3_SECRET_KEY', 'SWEEPQ_API_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'MLFLOW_TRACKING_TOKEN'])
      assert.equal(env[secret], undefined, secret);
  });
});
