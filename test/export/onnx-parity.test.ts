/**
 * Parity of the ONNX export with sweepq itself, run through onnxruntime and mlflow.onnx in the project's
 * Python (bench/onnx/check_onnx.py): for every model kind and encoder setting, on the real test files
 * plus edge rows (every cell missing, missing tokens, unseen categories, values at, just above, just
 * below and float32-rounded from tree thresholds), onnxruntime's labels equal sweepq's exactly and its
 * probabilities / predictions are within 1e-9 (in practice bit-identical), and the graph passes
 * onnx.checker.check_model(full_check=True). Skips only when the project Python cannot be had.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { readTable } from '../../shared/ml/dataset/read-table.js';
import { takeTableRows, type Table, type TabularDataset } from '../../shared/ml/dataset/table.js';
import { exportOnnx, writeMlflowModel } from '../../shared/ml/export/onnx/index.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import type { PipelineSpecInput } from '../../shared/schemas/pipeline-spec.schema.js';
import { projectPython, runPython } from './project-python.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');
const TOLERANCE = 1e-9;

interface DatasetFiles {
  train: string;
  test: string;
  target: string;
  task: 'classification' | 'regression';
  columns?: { drop?: string[]; categorical?: string[] };
}

interface ParityCase {
  name: string;
  dataset: string;
  /** Fitted here from the spec, or a saved artefact (e.g. format version 1). */
  pipeline: PipelineSpecInput | { artefact: unknown };
  model: string;
  params?: Record<string, unknown>;
  /** Also save an MLflow Model directory and predict through mlflow.pyfunc. */
  mlflow?: boolean;
}

const STANDARD = { imputer: { strategy: 'median' }, scaler: 'standard' } as const;
const RAW_MEDIAN = { imputer: { strategy: 'median' }, scaler: 'none' } as const;
const MOST_FREQUENT = { strategy: 'most_frequent' } as const;

const CASES: ParityCase[] = [
  // Logistic regression: multiclass (softmax) and binary (sigmoid), one-hot / ordinal / infrequent.
  {
    name: 'lr_multiclass_onehot',
    dataset: 'penguins_species',
    model: 'logistic_regression',
    mlflow: true,
    pipeline: { numeric: STANDARD, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', handle_unknown: 'ignore' } } },
  },
  {
    name: 'lr_multiclass_ordinal_robust',
    dataset: 'penguins_species',
    model: 'logistic_regression',
    params: { C: 0.5 },
    pipeline: {
      numeric: { imputer: { strategy: 'mean' }, scaler: 'robust' },
      categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'ordinal', unknown_value: -1 } },
    },
  },
  {
    name: 'lr_binary_onehot_minmax',
    dataset: 'penguins_binary',
    model: 'logistic_regression',
    mlflow: true,
    pipeline: {
      numeric: { imputer: { strategy: 'most_frequent' }, scaler: 'minmax' },
      categorical: { imputer: { strategy: 'constant' }, encoder: { kind: 'onehot', drop: 'if_binary' } },
    },
  },
  {
    name: 'lr_binary_numeric',
    dataset: 'loan_default',
    model: 'logistic_regression',
    pipeline: { numeric: { imputer: { strategy: 'mean' }, scaler: 'standard' } },
  },
  {
    name: 'lr_cars_onehot_maxcat3',
    dataset: 'cars_origin',
    model: 'logistic_regression',
    pipeline: { numeric: STANDARD, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', max_categories: 3 } } },
  },
  // Trees, raw (unscaled) thresholds so the edge rows probe them; missing cells routed by the trees.
  {
    name: 'tree_multiclass_infrequent_missing_category',
    dataset: 'penguins_species',
    model: 'decision_tree',
    pipeline: { numeric: { imputer: null, scaler: 'none' }, categorical: { imputer: null, encoder: { kind: 'onehot', min_frequency: 60 } } },
  },
  {
    name: 'tree_binary_ordinal_nan_unknown',
    dataset: 'penguins_binary',
    model: 'decision_tree',
    params: { max_depth: 4 },
    pipeline: { numeric: RAW_MEDIAN, categorical: { imputer: null, encoder: { kind: 'ordinal', unknown_value: null } } },
  },
  {
    name: 'forest_multiclass_ordinal',
    dataset: 'penguins_species',
    model: 'random_forest',
    params: { n_estimators: 25 },
    mlflow: true,
    pipeline: { numeric: RAW_MEDIAN, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'ordinal', unknown_value: -1, min_frequency: 50 } } },
  },
  {
    name: 'forest_binary_missing_routed',
    dataset: 'loan_default',
    model: 'random_forest',
    params: { n_estimators: 20, max_depth: 8 },
    pipeline: { numeric: { imputer: null, scaler: 'none' } },
  },
  {
    name: 'forest_cars_infrequent_if_exist',
    dataset: 'cars_origin',
    model: 'random_forest',
    params: { n_estimators: 15 },
    pipeline: {
      numeric: RAW_MEDIAN,
      categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', handle_unknown: 'infrequent_if_exist', min_frequency: 10 } },
    },
  },
  {
    name: 'boosting_multiclass_onehot',
    dataset: 'penguins_species',
    model: 'gradient_boosting',
    params: { n_estimators: 30 },
    pipeline: {
      numeric: { imputer: null, scaler: 'none' },
      categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', max_categories: 2, handle_unknown: 'infrequent_if_exist' } },
    },
  },
  {
    name: 'boosting_binary_missing_routed',
    dataset: 'loan_default',
    model: 'gradient_boosting',
    params: { n_estimators: 40, subsample: 0.8 },
    mlflow: true,
    pipeline: { numeric: { imputer: null, scaler: 'none' } },
  },
  {
    name: 'boosting_binary_onehot_error',
    dataset: 'penguins_binary',
    model: 'gradient_boosting',
    params: { n_estimators: 20 },
    pipeline: { numeric: RAW_MEDIAN, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', handle_unknown: 'error' } } },
  },
  // Regressors.
  {
    name: 'linear_onehot_drop_first',
    dataset: 'penguins_mass',
    model: 'linear_regression',
    mlflow: true,
    pipeline: { numeric: STANDARD, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', drop: 'first' } } },
  },
  {
    name: 'linear_onehot_rank_deficient',
    dataset: 'penguins_mass',
    model: 'linear_regression',
    pipeline: { numeric: STANDARD, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot' } } },
  },
  // A single input column: mlflow feeds DataFrame.values, [N, 1].
  {
    name: 'forest_single_input',
    dataset: 'loan_single',
    model: 'random_forest',
    params: { n_estimators: 5 },
    mlflow: true,
    pipeline: { numeric: { imputer: null, scaler: 'none' } },
  },
  // Artefacts saved by sweepq before format version 2 (numeric features, v1 steps).
  ...savedV1Artefacts().map((a, i): ParityCase => ({
    name: `v1_${a.model}_${i}`,
    dataset: 'loan_default',
    model: a.model,
    pipeline: { artefact: a.pipeline },
  })),
  // Tree regressors (issue 9): raw thresholds for the edge rows; NaN routed by the trees; the forest's
  // mean and boosting's init + Σ leaf values in sweepq's order (squared error, Huber, subsampling).
  {
    name: 'tree_regressor_onehot_missing_routed',
    dataset: 'penguins_mass',
    model: 'decision_tree',
    pipeline: { numeric: { imputer: null, scaler: 'none' }, categorical: { imputer: null, encoder: { kind: 'onehot', handle_unknown: 'ignore' } } },
  },
  {
    name: 'forest_regressor_ordinal',
    dataset: 'penguins_mass',
    model: 'random_forest',
    params: { n_estimators: 20 },
    mlflow: true,
    pipeline: { numeric: RAW_MEDIAN, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'ordinal', unknown_value: -1 } } },
  },
  {
    name: 'forest_regressor_cars_sqrt_features',
    dataset: 'cars_mpg',
    model: 'random_forest',
    params: { n_estimators: 15, max_features: 'sqrt', max_depth: 6 },
    pipeline: {
      numeric: { imputer: null, scaler: 'none' },
      categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', handle_unknown: 'infrequent_if_exist', min_frequency: 10 } },
    },
  },
  {
    name: 'boosting_regressor_squared_error',
    dataset: 'penguins_mass',
    model: 'gradient_boosting',
    params: { n_estimators: 40 },
    mlflow: true,
    pipeline: { numeric: { imputer: null, scaler: 'none' }, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'onehot', handle_unknown: 'error' } } },
  },
  {
    name: 'boosting_regressor_huber_subsample',
    dataset: 'cars_mpg',
    model: 'gradient_boosting',
    params: { n_estimators: 30, loss: 'huber', subsample: 0.7, learning_rate: 0.2 },
    pipeline: { numeric: STANDARD, categorical: { imputer: MOST_FREQUENT, encoder: { kind: 'ordinal', unknown_value: -1 } } },
  },
  {
    name: 'ridge_ordinal_error',
    dataset: 'penguins_mass',
    model: 'ridge',
    params: { alpha: 10 },
    pipeline: {
      numeric: { imputer: { strategy: 'constant', fill_value: -1 }, scaler: 'robust' },
      categorical: { imputer: { strategy: 'constant' }, encoder: { kind: 'ordinal', handle_unknown: 'error' } },
    },
  },
];

interface Prepared {
  name: string;
  model: string;
  data: string;
  expected: string;
  mlflow: string | null;
  outputs: string[];
}

interface CaseReport {
  name: string;
  checker: string;
  rows: number;
  onnxruntime: Record<string, OutputReport>;
  mlflow?: Record<string, OutputReport>;
  mlflow_columns?: string[];
}
interface OutputReport {
  mismatches?: number;
  max_abs_diff?: number;
  exact?: number;
  first?: unknown[];
  missing?: boolean;
  length?: number[];
}

describe('ONNX export parity (onnxruntime and mlflow.onnx vs sweepq)', () => {
  const python = projectPython();
  let dir = '';
  let reports = new Map<string, CaseReport>();

  before(async () => {
    if (python.python === null) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'sweepq-onnx-'));
    const datasets = datasetFiles(dir);
    const prepared: Prepared[] = [];
    for (const c of CASES) prepared.push(await prepare(c, datasets[c.dataset]!, dir));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ cases: prepared }));
    const stdout = runPython(python.python, 'bench/onnx/check_onnx.py', [path.join(dir, 'manifest.json'), '--tolerance', String(TOLERANCE)]);
    const report = JSON.parse(stdout) as { cases: CaseReport[] };
    reports = new Map(report.cases.map((r) => [r.name, r]));
  });

  after(() => {
    if (dir !== '' && process.env.SWEEPQ_KEEP_ONNX_PARITY === undefined) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.model} on ${c.dataset}${c.mlflow ? ' (also through mlflow.pyfunc)' : ''}`, { skip: python.reason ?? false }, (t) => {
      const report = reports.get(c.name);
      assert.ok(report, `no report for ${c.name}`);
      assert.equal(report.checker, 'ok');
      assertOutputs(report.onnxruntime, 'onnxruntime');
      if (c.mlflow) {
        assert.ok(report.mlflow, 'mlflow was not checked');
        assertOutputs(report.mlflow, 'mlflow.pyfunc');
      }
      const diffs = Object.entries(report.onnxruntime).map(
        ([name, r]) =>
          `${name} ${r.max_abs_diff === undefined ? `${r.mismatches ?? '?'} mismatches` : `max|Δ| ${r.max_abs_diff.toExponential(1)} (${r.exact}/${report.rows} bit-equal)`}`,
      );
      t.diagnostic(`${report.rows} rows: ${diffs.join('; ')}`);
    });
  }
});

function assertOutputs(outputs: Record<string, OutputReport>, runtime: string): void {
  for (const [name, r] of Object.entries(outputs)) {
    assert.ok(!r.missing && r.length === undefined, `${runtime}: output ${name} missing or of the wrong length (${JSON.stringify(r)})`);
    assert.equal(r.mismatches, 0, `${runtime}: ${name} differs from sweepq on ${r.mismatches} rows, e.g. ${JSON.stringify(r.first)}`);
  }
}

function savedV1Artefacts(): Array<{ model: string; pipeline: unknown }> {
  return (JSON.parse(readFileSync(path.join(fixtures, 'models/pipelines-v1.json'), 'utf8')) as { artefacts: Array<{ model: string; pipeline: unknown }> })
    .artefacts;
}

/**
 * The train/test files of each dataset; derived into `dir`: `penguins_binary` (Adelie vs other) and
 * `loan_single` (loan_default's feature_3 alone).
 */
function datasetFiles(dir: string): Record<string, DatasetFiles> {
  const tabular = path.join(fixtures, 'tabular');
  const binary = (file: string): string => {
    const lines = readFileSync(path.join(tabular, file), 'utf8').trimEnd().split('\n');
    const out = [lines[0]!, ...lines.slice(1).map((line) => line.replace(/^(Chinstrap|Gentoo),/, 'other,'))].join('\n');
    const target = path.join(dir, file.replace('species', 'binary'));
    writeFileSync(target, `${out}\n`);
    return target;
  };
  const single = (file: string): string => {
    const lines = readFileSync(path.join(fixtures, file), 'utf8').trimEnd().split('\n');
    const target = path.join(dir, file.replace('loan_default', 'loan_single'));
    writeFileSync(
      target,
      `${lines
        .map((line) => {
          const cells = line.split(',');
          return `${cells[3]},${cells[cells.length - 1]}`;
        })
        .join('\n')}\n`,
    );
    return target;
  };
  return {
    loan_single: { train: single('loan_default.train.csv'), test: single('loan_default.test.csv'), target: 'target', task: 'classification' },
    penguins_species: {
      train: path.join(tabular, 'penguins_species.train.csv'),
      test: path.join(tabular, 'penguins_species.test.csv'),
      target: 'species',
      task: 'classification',
    },
    penguins_binary: { train: binary('penguins_species.train.csv'), test: binary('penguins_species.test.csv'), target: 'species', task: 'classification' },
    loan_default: {
      train: path.join(fixtures, 'loan_default.train.csv'),
      test: path.join(fixtures, 'loan_default.test.csv'),
      target: 'target',
      task: 'classification',
    },
    penguins_mass: {
      train: path.join(tabular, 'penguins_mass.train.csv'),
      test: path.join(tabular, 'penguins_mass.test.csv'),
      target: 'body_mass_g',
      task: 'regression',
    },
    cars_mpg: {
      train: path.join(tabular, 'cars_mpg.train.csv'),
      test: path.join(tabular, 'cars_mpg.test.csv'),
      target: 'Miles_per_Gallon',
      task: 'regression',
      columns: { drop: ['Name'], categorical: ['Cylinders'] },
    },
    cars_origin: {
      train: path.join(tabular, 'cars_origin.train.csv'),
      test: path.join(tabular, 'cars_origin.test.csv'),
      target: 'Origin',
      task: 'classification',
      columns: { drop: ['Name'], categorical: ['Cylinders'] },
    },
  };
}

/** Fits the case, writes its ONNX file, its test rows (+ edge rows) and sweepq's outputs on them. */
async function prepare(c: ParityCase, files: DatasetFiles, dir: string): Promise<Prepared> {
  let pipeline: Pipeline;
  if ('artefact' in c.pipeline) pipeline = Pipeline.fromJSON(c.pipeline.artefact);
  else {
    const train = await readTable(files.train, { target: files.target, task: files.task, columns: files.columns });
    pipeline = Pipeline.create(c.pipeline, c.model as never, c.params ?? {}, 7, files.task).fit(train);
  }
  const json = 'artefact' in c.pipeline ? c.pipeline.artefact : pipeline.toJSON();
  const modelPath = path.join(dir, `${c.name}.onnx`);
  writeFileSync(modelPath, exportOnnx(json));
  let mlflow: string | null = null;
  if (c.mlflow) {
    mlflow = path.join(dir, `${c.name}.mlflow`);
    await writeMlflowModel(mlflow, json);
  }

  const test = await readTable(files.test, { target: files.target, task: files.task, columns: files.columns });
  const dataPath = path.join(dir, `${c.name}.csv`);
  writeFileSync(
    dataPath,
    readFileSync(files.test, 'utf8').trimEnd() +
      '\n' +
      edgeRows(readFileSync(files.test, 'utf8').split('\n')[0]!, test, pipeline, pipeline.toJSON().model, files.target),
  );
  const rows = await readTable(dataPath, pipeline.predictionReadOptions());
  const outputs = sweepqOutputs(pipeline, rows);
  const expectedPath = path.join(dir, `${c.name}.expected.json`);
  writeFileSync(expectedPath, JSON.stringify({ outputs }));
  return { name: c.name, model: modelPath, data: dataPath, expected: expectedPath, mlflow, outputs: Object.keys(outputs) };
}

/**
 * Extra CSV rows after the test file's: all cells empty; missing tokens and unseen categories; and,
 * for tree models, rows whose numeric cell is a split threshold, its neighbours and its float32
 * rounding (thresholds are raw values when the case has no scaler; otherwise these rows are still valid
 * data, just not at a threshold).
 */
function edgeRows(headerLine: string, test: TabularDataset, pipeline: Pipeline, model: unknown, target: string): string {
  const header = headerLine.trim().split(',');
  const base = new Map<string, string>();
  for (const column of test.columns) {
    if (column.type === 'numeric') base.set(column.name, String(column.values.find((v) => v === v) ?? 0));
    else base.set(column.name, column.categories[0] ?? 'x');
  }
  const targetCell = test.target.task === 'classification' ? test.target.classes[0]! : '1';
  const row = (cell: (name: string, type: 'numeric' | 'categorical' | null) => string): string =>
    header
      .map((name) => {
        if (name === target) return targetCell;
        const input = pipeline.inputColumns.find((c) => c.name === name);
        return cell(name, input?.type ?? null);
      })
      .join(',');
  const lines: string[] = [];
  lines.push(row(() => ''));
  lines.push(row((name, type) => (type === 'categorical' ? 'NA' : type === 'numeric' ? 'NaN' : (base.get(name) ?? 'x'))));
  lines.push(row((name, type) => (type === 'categorical' ? 'Atlantis' : (base.get(name) ?? 'x'))));
  lines.push(row((name, type) => (type === 'categorical' ? 'None' : (base.get(name) ?? 'x'))));
  const numeric = (pipeline.toJSON().columnTransformer as { numeric: { columns: string[] } }).numeric.columns;
  const nodes = model as { feature?: number[]; threshold?: number[] };
  if (nodes.feature && nodes.threshold) {
    let probes = 0;
    for (let i = 0; i < nodes.feature.length && probes < 40; i++) {
      const f = nodes.feature[i]!;
      if (f < 0 || f >= numeric.length) continue;
      const t = nodes.threshold[i]!;
      probes++;
      for (const v of [t, nextUp(t), nextDown(t), Math.fround(t)]) {
        // A CSV cell cannot hold ±Infinity (the neighbours of a ±MAX_VALUE threshold, which splits
        // present values from missing ones; missing cells are probed above).
        if (!Number.isFinite(v)) continue;
        lines.push(row((name, type) => (name === numeric[f] ? String(v) : type === 'categorical' ? (base.get(name) ?? 'x') : (base.get(name) ?? 'x'))));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** sweepq's outputs by ONNX output name; rows sweepq refuses (handle_unknown: error) get '' / NaN. */
function sweepqOutputs(pipeline: Pipeline, rows: Table): Record<string, (string | number)[]> {
  const n = rows.nRows;
  const refused = new Uint8Array(n);
  const predictRows = <T>(predict: (table: Table) => T, pick: (result: T) => (string | number)[]): (string | number)[][] => {
    try {
      return [pick(predict(rows))];
    } catch (error) {
      if (!(error instanceof SweepqError && error.code === 'INVALID_CSV')) throw error;
    }
    const perRow: (string | number)[][] = [];
    for (let i = 0; i < n; i++) {
      try {
        perRow.push(pick(predict(takeTableRows(rows, Uint32Array.of(i)))));
      } catch (error) {
        if (!(error instanceof SweepqError && error.code === 'INVALID_CSV')) throw error;
        refused[i] = 1;
        perRow.push([]);
      }
    }
    return perRow;
  };
  if (pipeline.task === 'regression') {
    const parts = predictRows(
      (t) => pipeline.predictValues(t),
      (v) => Array.from(v),
    );
    const values = parts.length === 1 ? parts[0]! : parts.map((p) => (p.length === 0 ? Number.NaN : p[0]!));
    return { prediction: values };
  }
  const k = pipeline.classes.length;
  const parts = predictRows(
    (t) => pipeline.predictProba(t),
    (p) => Array.from(p),
  );
  const proba = parts.length === 1 ? parts[0]! : parts.flatMap((p) => (p.length === 0 ? new Array<number>(k).fill(Number.NaN) : p));
  const outputs: Record<string, (string | number)[]> = { label: [] };
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((proba[i * k + c] as number) > (proba[i * k + best] as number)) best = c;
    outputs.label!.push(refused[i] === 1 ? '' : pipeline.classes[best]!);
  }
  pipeline.classes.forEach((c, j) => {
    outputs[`probability_${c}`] = Array.from({ length: n }, (_, i) => proba[i * k + j]!);
  });
  // Cross-check the label rule against sweepq's own predict on the rows it accepts.
  if (!refused.includes(1))
    assert.deepEqual(
      outputs.label,
      Array.from(pipeline.predict(rows), (c) => pipeline.classes[c]!),
    );
  return outputs;
}

function nextUp(x: number): number {
  return stepDouble(x, 1);
}
function nextDown(x: number): number {
  return stepDouble(x, -1);
}
/** The adjacent double towards +∞ (direction 1) or −∞ (−1). */
function stepDouble(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === direction > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}
