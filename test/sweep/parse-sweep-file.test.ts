import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { MetricRegistry } from '../../shared/metrics/metric-registry.js';
import { ResolvedSweepSpecSchema, SweepSpecSchema } from '../../shared/schemas/sweep-spec.schema.js';
import { expandTrials } from '../../shared/search/expand-trials.js';
import { loadSweepFile } from '../../shared/sweep/load-sweep-file.js';
import { parseResolvedSweepSpec, parseSweepText } from '../../shared/sweep/parse-sweep-file.js';

const MINIMAL = `name: minimal
dataset:
  make_classification: {n_samples: 100, n_features: 5, n_informative: 3, n_redundant: 1}
trials:
  - {model: logistic_regression}
`;

/** Runs `fn`, expecting an InvalidInputError, and returns it. */
function rejection(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, `expected InvalidInputError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be rejected');
}

describe('parseSweepText', () => {
  it('fills in the documented defaults', () => {
    const spec = parseSweepText(MINIMAL, { source: 'minimal.yaml' });
    assert.equal(spec.seed, 0);
    assert.equal(spec.dataset.target, 'target');
    assert.deepEqual(spec.split, { test_size: 0.2, random_state: 42, stratify: false });
    // Scoring and objective default by task (accuracy for classification, r2 for regression) at submit.
    assert.deepEqual(spec.cv, { folds: 5, shuffle: false });
    assert.equal(spec.objective, undefined);
    assert.deepEqual(spec.pipeline, { imputer: null, scaler: null });
    assert.deepEqual(spec.trials, [{ model: 'logistic_regression', params: {} }]);
  });

  it('defaults the goal to minimize for log_loss and cv_std', () => {
    for (const metric of ['log_loss', 'cv_std']) {
      const spec = parseSweepText(`${MINIMAL}objective: {metric: ${metric}}\n`, { source: 's.yaml' });
      assert.equal(spec.objective?.goal, undefined, 'the file leaves the goal to the metric');
      const registry = new MetricRegistry({ cvScoring: spec.cv.scoring ?? 'accuracy', objective: spec.objective! });
      assert.equal(registry.objective.goal, 'minimize');
    }
  });

  it('leaves split out for train + test files', () => {
    const spec = parseSweepText('name: pair\ndataset: {train: a.csv, test: b.csv}\ntrials: [{model: decision_tree}]\n', { source: 's.yaml' });
    assert.equal(spec.split, undefined);
  });

  it('reads JSON by extension and by content', () => {
    const json = JSON.stringify({ name: 'j', dataset: { csv: 'a.csv' }, trials: [{ model: 'decision_tree' }] });
    assert.equal(parseSweepText(json, { source: 'x.json' }).name, 'j');
    assert.equal(parseSweepText(json, { source: 'stdin' }).name, 'j');
  });

  it('produces a spec that parses again to itself (it is stored and re-validated)', () => {
    const text = readFileSync(resolve(process.cwd(), 'sweeps/random-search.yaml'), 'utf8');
    const spec = parseSweepText(text, { source: 'random-search.yaml' });
    const again = parseSweepText(JSON.stringify(spec), { source: 'again.json' });
    assert.deepEqual(again, spec);
    assert.deepEqual(SweepSpecSchema.parse(JSON.parse(JSON.stringify(spec))), spec);
  });

  it('reports every issue as file:line:col at path: message, with YAML line numbers', () => {
    const text = [
      'name: ok_name', //                                1
      'seed: -1', //                                     2
      'dataset:', //                                     3
      '  csv: a.csv', //                                 4
      'trials:', //                                      5
      '  - model: random_forest', //                     6
      '    params:', //                                  7
      '      n_estimators: 0', //                        8
      '      colour: blue', //                           9
      'cv: {folds: 50}', //                              10
    ].join('\n');
    const error = rejection(() => parseSweepText(text, { source: 'multi.yaml' }));
    assert.equal(error.code, 'INVALID_SPEC');
    const lines = error.message.split('\n');
    assert.equal(lines.length, 4, error.message);
    assert.match(error.message, /^multi\.yaml:2:7 at seed: must be ≥ 0, got -1 \(/m);
    assert.match(error.message, /^multi\.yaml:8:21 at trials\[0\]\.params\.n_estimators: n_estimators = 0 is invalid for random_forest: must be ≥ 1/m);
    assert.match(error.message, /^multi\.yaml:9:7 at trials\[0\]\.params\.colour: unknown parameter "colour" for random_forest \(/m);
    assert.match(error.message, /^multi\.yaml:10:13 at cv\.folds: must be ≤ 20/m);
    assert.deepEqual(error.location, { file: 'multi.yaml', path: 'seed', line: 2, column: 7 });
    const details = error.details as Array<{ path: string; line: number }>;
    assert.equal(details.length, 4);
    assert.ok(details.every((d) => typeof d.line === 'number'));
  });

  it("checks a tree model's params against the task's estimator: regressor-only loss in a regression search, refused for classification", () => {
    const sweep = (task: string): string =>
      [
        'name: trees',
        `task: ${task}`,
        'dataset: {csv: data.csv, target: y}',
        'trials:',
        '  - {model: gradient_boosting, params: {loss: huber, alpha: 0.8}}',
        'search:',
        '  method: grid',
        '  space:',
        '    - model: gradient_boosting',
        '      params: {loss: {values: [squared_error, huber]}}',
        '    - model: random_forest',
        '      params: {max_depth: {values: [null, 6]}}',
      ].join('\n');
    const spec = parseSweepText(sweep('regression'), { source: 'trees.yaml' });
    assert.deepEqual(spec.trials?.[0]?.params, { loss: 'huber', alpha: 0.8 });
    assert.equal(expandTrials(spec, { maxTrials: 100 }).length, 1 + 2 + 2);
    const error = rejection(() => parseSweepText(sweep('classification'), { source: 'trees.yaml' }));
    assert.match(error.message, /trials\[0\]\.params\.loss: unknown parameter "loss" for gradient_boosting/);
    assert.match(error.message, /search\.space\[0\]\.params\.loss: unknown parameter "loss" for gradient_boosting/);
  });

  it('reports an unknown param of a sweep that names its task once, at the key', () => {
    const text = MINIMAL.replace(
      'trials:\n  - {model: logistic_regression}',
      'task: classification\ntrials:\n  - {model: random_forest, params: {n_estimator: 10}}',
    );
    const error = rejection(() => parseSweepText(text, { source: 'task.yaml' }));
    assert.equal(error.message.match(/unknown parameter "n_estimator"/g)?.length, 1, error.message);
    assert.match(
      error.message,
      /^task\.yaml:6:37 at trials\[0\]\.params\.n_estimator: unknown parameter "n_estimator" for random_forest \(did you mean "n_estimators"\?/,
    );
  });

  it('suggests the intended choice for swapped letters and for a short form', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['an imputer strategy with two letters swapped', 'pipeline: {imputer: {strategy: medain}}\n', /"medain" is not accepted \(did you mean "median"\?/],
      ['a scoring given by its short form', 'cv: {scoring: auc}\n', /"auc" is not accepted \(did you mean "auc_roc"\?/],
    ];
    for (const [label, extra, expected] of cases) {
      assert.match(rejection(() => parseSweepText(`${MINIMAL}${extra}`, { source: 'typo.yaml' })).message, expected, label);
    }
    const registry = new MetricRegistry({ cvScoring: 'accuracy', objective: { metric: 'auc_roc' } });
    assert.throws(
      () => registry.get('auc'),
      /unknown metric "auc" \(did you mean "auc_roc"\? metrics of this sweep: accuracy, precision, recall, f1_score, auc_roc, log_loss, cv_mean, cv_std\)/,
    );
  });

  it('points an unknown key at the key itself and suggests the intended one', () => {
    const error = rejection(() => parseSweepText(`${MINIMAL}splt: {test_size: 0.3}\n`, { source: 'typo.yaml' }));
    assert.match(error.message, /^typo\.yaml:6:1 at splt: unknown key "splt" \(did you mean "split"\?/);
  });

  it('takes search.tpe.conditional (per_model | optuna) and names the choices for anything else', () => {
    const tpe = (conditional: string): string => `name: tpe
dataset:
  make_classification: {n_samples: 100, n_features: 5, n_informative: 3, n_redundant: 1}
search:
  method: tpe
  max_trials: 10
  tpe: {conditional: ${conditional}}
  space:
    - model: logistic_regression
      params: {C: {distribution: log_uniform, min: 0.01, max: 10}}
`;
    const spec = parseSweepText(tpe('optuna'), { source: 'tpe.yaml' });
    assert.equal((spec.search as { tpe?: { conditional?: string } }).tpe?.conditional, 'optuna');
    const error = rejection(() => parseSweepText(tpe('grouped'), { source: 'tpe.yaml' }));
    assert.match(error.message, /tpe\.yaml:7:\d+ at search\.tpe\.conditional: .*per_model.*optuna/);
  });

  it('reports YAML syntax errors with their line and column', () => {
    const error = rejection(() => parseSweepText('name: a\ndataset:\n  csv: "unclosed\n', { source: 'broken.yaml' }));
    assert.equal(error.code, 'INVALID_SPEC');
    assert.match(error.message, /^broken\.yaml:\d+:\d+ at \(top level\): invalid YAML: /);
    assert.equal(typeof error.location?.line, 'number');
  });

  it('points an unclosed quote or bracket at where it opens, not at the line after', () => {
    // The yaml library notices these on the next token (the next key, or past the end of the file).
    for (const [text, line, column, what] of [
      ['name: a\ndataset:\n  csv: "data.csv\ntrials: []\n', 3, 8, /quote opened here is not closed/],
      ['name: a\nseed: [0\ndataset: {csv: a.csv}\n', 2, 7, /bracket opened here is not closed/],
      ['name: a\ncv: {folds: 2\nseed: 0\n', 2, 5, /bracket opened here is not closed/],
    ] as const) {
      const error = rejection(() => parseSweepText(text, { source: 'open.yaml' }));
      assert.equal(error.location?.line, line, text);
      assert.equal(error.location?.column, column, text);
      assert.match(error.message, new RegExp(`^open\\.yaml:${line}:${column} at \\(top level\\): invalid YAML: `));
      assert.match(error.message, what);
    }
    // A tab is reported on its own line, as before.
    const tab = rejection(() => parseSweepText('name: a\nseed: 0\n\tcv: 2\n', { source: 'tab.yaml' }));
    assert.deepEqual([tab.location?.line, tab.location?.column], [3, 1]);
  });

  it('reports JSON syntax errors with their line and column', () => {
    const error = rejection(() => parseSweepText('{\n  "name": "x",\n  "seed": 1,,\n}', { source: 'bad.json' }));
    assert.match(error.message, /^bad\.json:3:\d+ at \(top level\): invalid JSON/);
  });

  it('refuses files over 1 MiB with LIMIT_EXCEEDED before parsing them', () => {
    const error = rejection(() => parseSweepText(MINIMAL + '#'.repeat(1024 * 1024), { source: 'big.yaml' }));
    assert.equal(error.code, 'LIMIT_EXCEEDED');
  });

  it('refuses deep nesting cleanly, whatever the syntax', () => {
    const inputs: Array<[string, string]> = [
      ['deep.json', `{"name": "x", "description": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
      ['deep.yaml', `name: x\ndescription: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
      ['deep65.yaml', `name: x\ndescription: ${'['.repeat(65)}${']'.repeat(65)}\n`],
    ];
    for (const [source, text] of inputs) {
      const error = rejection(() => parseSweepText(text, { source }));
      assert.equal(error.code, 'INVALID_SPEC');
      assert.match(error.message, /nested too deeply/);
    }
  });

  it('accepts anchors and aliases within the alias limit', () => {
    const spec = parseSweepText(
      `${MINIMAL.replace('trials:\n  - {model: logistic_regression}\n', '')}trials:\n  - {model: logistic_regression, params: &p {C: 0.5}}\n  - {name: b, model: logistic_regression, params: *p}\n`,
      {
        source: 'alias.yaml',
      },
    );
    assert.deepEqual(spec.trials?.[1]?.params, { C: 0.5 });
  });

  it('never puts stack traces or zod wording in messages', () => {
    const error = rejection(() => parseSweepText('name: 5\ndataset: []\ntrials: 7\nsearch: {method: grid, space: [{model: x}]}\n', { source: 's.yaml' }));
    assert.doesNotMatch(error.message, /Invalid input|ZodError|at .*\.js:\d+/);
  });
});

describe('ResolvedSweepSpecSchema / parseResolvedSweepSpec', () => {
  const SHA = 'a'.repeat(64);

  it('accepts uploaded {sha256} datasets', () => {
    const spec = parseResolvedSweepSpec({ name: 'r', dataset: { csv: { sha256: SHA } }, trials: [{ model: 'decision_tree' }] });
    assert.deepEqual(spec.dataset.csv, { sha256: SHA });
  });

  it('rejects plain paths, telling the user to upload the file', () => {
    const error = rejection(() => parseResolvedSweepSpec({ name: 'r', dataset: { csv: '../../etc/passwd' }, trials: [{ model: 'decision_tree' }] }));
    assert.equal(error.code, 'INVALID_SPEC');
    assert.match(error.message, /at dataset\.csv: a file path is not accepted .*upload.*POST \/datasets/);
  });

  it('rejects values JSON cannot carry and prototype keys', () => {
    const polluted = JSON.parse(
      `{"name": "r", "dataset": {"csv": {"sha256": "${SHA}"}}, "trials": [{"model": "decision_tree", "params": {"__proto__": {"x": 1}}}]}`,
    ) as unknown;
    assert.match(rejection(() => parseResolvedSweepSpec(polluted)).message, /"__proto__" is not allowed/);
    assert.match(
      rejection(() => parseResolvedSweepSpec({ name: 'r', seed: Number.NaN, dataset: { csv: { sha256: SHA } }, trials: [{ model: 'decision_tree' }] })).message,
      /not a finite number/,
    );
  });
});

describe('loadSweepFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweepq-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves CSV paths relative to the sweep file and rewrites them to sha256 references', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    const csv = 'a,b,target\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n';
    writeFileSync(join(dir, 'data', 'd.csv'), csv);
    writeFileSync(
      join(dir, 'sweep.yaml'),
      'name: local\ndataset:\n  csv: data/d.csv\nsplit: {test_size: 0.4}\ncv: {folds: 0}\ntrials: [{model: decision_tree}]\n',
    );
    const { spec, files } = await loadSweepFile(join(dir, 'sweep.yaml'));
    const sha256 = createHash('sha256').update(csv).digest('hex');
    assert.deepEqual(spec.dataset.csv, { sha256 });
    assert.equal(files.length, 1);
    assert.equal(files[0]!.role, 'csv');
    assert.equal(files[0]!.sha256, sha256);
    assert.equal(files[0]!.path, join(dir, 'data', 'd.csv'));
    assert.equal(files[0]!.format, 'csv');
    assert.ok(ResolvedSweepSpecSchema.safeParse(spec).success);
  });

  it('refuses a linear model on numeric columns with missing cells and no imputer, and takes it with one', async () => {
    const csv = 'a,b,target\n1,2,0\n,4,1\n5,6,0\n7,,1\n9,10,0\n11,12,1\n13,14,0\n15,16,1\n17,18,0\n19,20,1\n';
    writeFileSync(join(dir, 'gaps.csv'), csv);
    const sweep = (pipeline: string, trials: string): string =>
      `name: gaps\ndataset: {csv: gaps.csv}\nsplit: {test_size: 0.2}\ncv: {folds: 2}\n${pipeline}trials: [${trials}]\n`;
    writeFileSync(join(dir, 'gaps.yaml'), sweep('', '{model: random_forest, params: {n_estimators: 5}}, {model: logistic_regression}'));
    await assert.rejects(loadSweepFile(join(dir, 'gaps.yaml')), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.code, 'INVALID_SPEC');
      assert.match(
        error.message,
        /trials\[1\]: logistic_regression cannot use missing values, and 2 numeric column\(s\) have some \(a 1, b 1\) while the pipeline has no numeric imputer; add one, e\.g\. pipeline: \{imputer: \{strategy: median\}\}/,
      );
      return true;
    });
    for (const [pipeline, trials] of [
      ['pipeline: {imputer: {strategy: median}}\n', '{model: logistic_regression}'],
      ['', '{model: logistic_regression, pipeline: {numeric.imputer.strategy: mean}}'],
    ] as const) {
      writeFileSync(join(dir, 'gaps.yaml'), sweep(pipeline, trials));
      await loadSweepFile(join(dir, 'gaps.yaml'));
    }
  });

  it('keeps the CSV location in CSV errors', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'a,target\n1,0\nx,1\n');
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\ndataset: {csv: bad.csv, columns: {numeric: [a]}}\ntrials: [{model: decision_tree}]\n');
    await assert.rejects(loadSweepFile(join(dir, 'bad.yaml')), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.code, 'INVALID_CSV');
      assert.deepEqual(error.location, { file: join(dir, 'bad.csv'), line: 3, column: 1 });
      return true;
    });
  });

  it('points a missing CSV at its line in the sweep file', async () => {
    writeFileSync(join(dir, 'missing.yaml'), 'name: m\ndataset:\n  csv: nope.csv\ntrials: [{model: decision_tree}]\n');
    await assert.rejects(loadSweepFile(join(dir, 'missing.yaml')), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.code, 'INVALID_SPEC');
      assert.equal(error.location?.line, 3);
      assert.match(error.message, /ENOENT/);
      return true;
    });
  });

  it('loads the sklearn train/test example with both files', async () => {
    const { spec, files } = await loadSweepFile(resolve(process.cwd(), 'sweeps/loan-default-sklearn.yaml'));
    assert.deepEqual(
      files.map((f) => f.role),
      ['train', 'test'],
    );
    assert.deepEqual(spec.dataset.train, { sha256: files[0]!.sha256 });
    assert.deepEqual(spec.dataset.test, { sha256: files[1]!.sha256 });
    assert.equal(expandTrials(spec, { maxTrials: 100 }).length, 5);
  });
});
