/**
 * `sweepq serve`: MLflow's scoring contract (/ping, /invocations with JSON and CSV bodies) for a
 * pipeline with numeric and categorical columns, answers equal to the pipeline's own predictions,
 * errors in MLflow's shape naming the column; and the real CLI process serving and exporting a model.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { parseTable, readTable } from '../../../shared/ml/dataset/read-table.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import { Scorer } from '../../../shared/serving/index.js';
import { buildScoringApp } from '../../../services/serving/scoring.app.js';
import { runCli } from '../../support/processes.js';

const tabular = path.resolve(process.cwd(), 'test/fixtures/tabular');
const MAX_ROWS = 50;
const COLUMNS = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year'];

/** The first `n` rows of a CSV as dataframe_split rows (numbers parsed, empty → null), target dropped. */
function splitRows(csv: string, n: number): (string | number | null)[][] {
  const lines = csv.trim().split('\n');
  const header = lines[0]!.split(',');
  return lines.slice(1, n + 1).map((line) => {
    const cells = line.split(',');
    return COLUMNS.map((name) => {
      const cell = cells[header.indexOf(name)]!;
      if (cell === '') return null;
      return name === 'island' || name === 'sex' ? cell : Number(cell);
    });
  });
}

describe('sweepq serve', () => {
  let dir: string;
  let pipeline: Pipeline;
  let app: FastifyInstance;
  let testCsv: string;
  let expected: string[];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-serve-test-'));
    const train = await readTable(path.join(tabular, 'penguins_species.train.csv'), { target: 'species' });
    pipeline = Pipeline.create(
      { numeric: { imputer: { strategy: 'median' }, scaler: 'standard' }, categorical: { encoder: { kind: 'onehot' } } },
      'logistic_regression',
      { max_iter: 300 },
      0,
    ).fit(train);
    testCsv = await readFile(path.join(tabular, 'penguins_species.test.csv'), 'utf8');
    const predicted = pipeline.predict(parseTable(testCsv, { ...pipeline.predictionReadOptions(), target: null }));
    expected = Array.from(predicted, (k) => pipeline.classes[k]!);
    app = buildScoringApp({ scorer: new Scorer(pipeline), maxRows: MAX_ROWS, bodyLimitBytes: 1024 * 1024, logger: pino({ level: 'silent' }) });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const invoke = (payload: string, type = 'application/json') =>
    app.inject({ method: 'POST', url: '/invocations', headers: { 'content-type': type }, payload });

  it('answers /ping once the model is loaded', async () => {
    const res = await app.inject({ method: 'GET', url: '/ping' });
    assert.equal(res.statusCode, 200);
  });

  it('scores dataframe_split, dataframe_records, instances and CSV bodies like the pipeline', async () => {
    const rows = splitRows(testCsv, 40);
    const records = rows.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]])));
    const csv = testCsv.trim().split('\n').slice(0, 41).join('\n');
    const bodies: Array<[string, string, string]> = [
      ['dataframe_split', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }), 'application/json'],
      // Python's json.dumps writes NaN for a missing float: MLflow's own client sends it.
      ['dataframe_split with NaN', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }).replaceAll('null', 'NaN'), 'application/json'],
      ['dataframe_records', JSON.stringify({ dataframe_records: records }), 'application/json'],
      ['instances', JSON.stringify({ instances: records }), 'application/json'],
      ['csv', csv, 'text/csv; charset=utf-8'],
    ];
    for (const [label, payload, type] of bodies) {
      const res = await invoke(payload, type);
      assert.equal(res.statusCode, 200, `${label}: ${res.body}`);
      assert.deepEqual(res.json<{ predictions: string[] }>().predictions, expected.slice(0, 40), label);
    }
  });

  it('answers one probability record per row with params.proba', async () => {
    const res = await invoke(JSON.stringify({ dataframe_split: { columns: COLUMNS, data: splitRows(testCsv, 3) }, params: { proba: true } }));
    assert.equal(res.statusCode, 200, res.body);
    const proba = pipeline.predictProba(parseTable(testCsv, { ...pipeline.predictionReadOptions(), target: null }));
    const k = pipeline.classes.length;
    const answer = res.json<{ predictions: Record<string, string | number>[] }>().predictions;
    for (let i = 0; i < 3; i++) {
      assert.equal(answer[i]!.label, expected[i]);
      for (let c = 0; c < k; c++) assert.equal(answer[i]![`probability_${pipeline.classes[c]!}`], proba[i * k + c]);
    }
  });

  it("refuses bad input in MLflow's error shape, naming the column", async () => {
    const rows = splitRows(testCsv, 2);
    const cases: Array<{ label: string; payload: string; type?: string; status: number; mentions: RegExp }> = [
      {
        label: 'a missing column',
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS.slice(1), data: rows.map((r) => r.slice(1)) } }),
        status: 400,
        mentions: /island/,
      },
      {
        label: 'a string in a numeric column',
        payload: JSON.stringify({
          dataframe_split: { columns: COLUMNS, data: [rows[0], rows[1]!.map((v, i) => (COLUMNS[i] === 'body_mass_g' ? 'heavy' : v))] },
        }),
        status: 400,
        mentions: /dataframe_split\.data\[1\]: column "body_mass_g": "heavy" is a string/,
      },
      {
        label: 'an object in a categorical column',
        payload: JSON.stringify({ dataframe_records: [{ ...Object.fromEntries(COLUMNS.map((c, i) => [c, rows[0]![i]])), sex: { a: 1 } }] }),
        status: 400,
        mentions: /column "sex"/,
      },
      { label: 'a CSV without a column', payload: 'island,sex\nDream,male\n', type: 'text/csv', status: 400, mentions: /bill_length_mm/ },
      {
        label: 'too many rows',
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: Array.from({ length: MAX_ROWS + 1 }, () => rows[0]) } }),
        status: 413,
        mentions: /at most 50/,
      },
      {
        label: 'two formats',
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows }, instances: [] }),
        status: 400,
        mentions: /exactly one of/,
      },
      {
        label: 'an unknown param',
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows }, params: { temperature: 1 } }),
        status: 400,
        mentions: /unknown param "temperature"/,
      },
      { label: 'another content type', payload: 'x', type: 'application/x-www-form-urlencoded', status: 415, mentions: /Content-Type must be/ },
      { label: 'another charset', payload: '{}', type: 'application/json; charset=latin1', status: 415, mentions: /UTF-8/ },
    ];
    for (const c of cases) {
      const res = await invoke(c.payload, c.type);
      assert.equal(res.statusCode, c.status, `${c.label}: ${res.body}`);
      const body = res.json<{ error_code: string; message: string }>();
      assert.equal(body.error_code, 'BAD_REQUEST', c.label);
      assert.match(body.message, c.mentions, c.label);
    }
    const unknown = await app.inject({ method: 'GET', url: '/predict' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json<{ error_code: string }>().error_code, 'ENDPOINT_NOT_FOUND');
  });

  /** Runs `sweepq ARGS` (a scoring server) in the state folder, calls `use` with its address, then stops it with SIGTERM. */
  async function serving(args: string[], use: (address: string) => Promise<void>): Promise<void> {
    const child = spawn(process.execPath, ['bin/sweepq.js', ...args], {
      env: { PATH: process.env.PATH ?? '', SWEEPQ_STATE_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          const match = /at (http:\/\/\S+)\/invocations/.exec(stderr);
          if (match !== null) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`sweepq ${args[0]} exited ${code}: ${stderr}`)));
      });
      await use(address);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, 'serve exits 0 on SIGTERM');
    }
  }

  /** The server's predictions for the first `n` test rows. */
  async function predictions(address: string, n: number): Promise<string[]> {
    const res = await fetch(`${address}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: splitRows(testCsv, n) } }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { predictions: string[] }).predictions;
  }

  it('refuses rows a model without an imputer cannot predict (missing values) with a 400 naming them, instead of null probabilities', async () => {
    // Rows with every cell present: the model is fitted without ever meeting a missing value.
    const trainCsv = await readFile(path.join(tabular, 'penguins_species.train.csv'), 'utf8');
    const complete = parseTable(
      trainCsv
        .trim()
        .split('\n')
        .filter((line) => !/(^|,)(,|$)/.test(line))
        .join('\n'),
      { target: 'species' },
    );
    const noImputer = Pipeline.create(
      { numeric: { imputer: null, scaler: 'standard' }, categorical: { encoder: { kind: 'onehot' } } },
      'logistic_regression',
      { max_iter: 300 },
      0,
    ).fit(complete);
    const strict = buildScoringApp({ scorer: new Scorer(noImputer), maxRows: MAX_ROWS, bodyLimitBytes: 1024 * 1024, logger: pino({ level: 'silent' }) });
    try {
      const rows: (string | number | null)[][] = splitRows(testCsv, 3).map((row) => row.map((v) => (v === null ? 0 : v)));
      rows[2]![COLUMNS.indexOf('bill_depth_mm')] = null;
      const res = await strict.inject({
        method: 'POST',
        url: '/invocations',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }),
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(
        res.json<{ message: string }>().message,
        /the model cannot predict 1 row\(s\), data row\(s\) 3 \(counting from 1\): they have missing values its pipeline has no imputer for/,
      );
      rows[2]![COLUMNS.indexOf('bill_depth_mm')] = 17;
      const ok = await strict.inject({
        method: 'POST',
        url: '/invocations',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }),
      });
      assert.equal(ok.statusCode, 200, ok.body);
    } finally {
      await strict.close();
    }
  });

  it('serves the best model of a sweep in the state folder (--sweep), as `sweepq predict` predicts with it', async () => {
    const sweepFile = path.join(dir, 'species.yaml');
    await writeFile(
      sweepFile,
      [
        'name: serve_sweep',
        'dataset: {train: ' +
          JSON.stringify(path.join(tabular, 'penguins_species.train.csv')) +
          ', test: ' +
          JSON.stringify(path.join(tabular, 'penguins_species.test.csv')) +
          ', target: species, columns: {drop: [year]}}',
        // Four numeric columns have missing cells: a linear model needs them imputed.
        'pipeline: {imputer: {strategy: median}}',
        'cv: {folds: 3, scoring: accuracy}',
        'objective: {metric: accuracy}',
        'trials:',
        '  - {model: logistic_regression, params: {C: 0.01}}',
        '  - {model: logistic_regression, params: {C: 1.0}}',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', sweepFile], { SWEEPQ_STATE_DIR: dir });
    assert.equal(run.code, 0, run.stderr);
    const best = /best model saved to (\S+\.json)/.exec(run.stdout + run.stderr)?.[1];
    assert.ok(best, `run names the best model file: ${run.stdout}`);
    const sweeps = JSON.parse((await runCli(['sweeps', '--json'], { SWEEPQ_STATE_DIR: dir })).stdout) as { sweeps: Array<{ id: string; name: string }> };
    const sweepId = sweeps.sweeps.find((s) => s.name === 'serve_sweep')!.id;
    const testFile = path.join(dir, 'species-test.csv');
    await writeFile(testFile, `${testCsv.trim().split('\n').slice(0, 21).join('\n')}\n`);
    const predicted = await runCli(['predict', best, testFile], { SWEEPQ_STATE_DIR: dir });
    assert.equal(predicted.code, 0, predicted.stderr);
    await serving(['serve', '--sweep', sweepId, '--port', '0'], async (address) => {
      assert.deepEqual(await predictions(address, 20), predicted.stdout.trim().split('\n'));
    });
    // `best --out` onto an existing file: refused with a hint (exit 2, the file untouched), --force overwrites.
    const saved = await readFile(best);
    await writeFile(best, 'mine');
    const refused = await runCli(['best', sweepId, '--out', best], { SWEEPQ_STATE_DIR: dir });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /already exists: add --force to overwrite it, or give another --out/);
    assert.equal(await readFile(best, 'utf8'), 'mine');
    const forced = await runCli(['best', sweepId, '--out', best, '--force'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(await readFile(best), saved);
    // A trial the sweep lacks: the sweep is here, so no "look in another state folder" hint, but its trials.
    const noTrial = await runCli(['export', '--sweep', sweepId, '--trial', '9', '--format', 'onnx'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(noTrial.code, 2, noTrial.stderr);
    assert.match(noTrial.stderr, /^sweepq: sweep s-\S+ has no trial s-\S+-t9: its trials are 0 to 1 \(`sweepq trials s-\S+` lists them\)\n$/);
    const unknown = await runCli(['serve', '--sweep', 's-000000000000', '--port', '0'], { SWEEPQ_STATE_DIR: dir });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /s-000000000000/);
  });

  it('serves a saved model from the CLI until SIGTERM, and exports it as ONNX and as an MLflow model', async () => {
    const model = path.join(dir, 'penguins.json');
    await writeFile(model, JSON.stringify(pipeline.toJSON()));
    await serving(['serve', model, '--port', '0'], async (address) => {
      assert.equal((await fetch(`${address}/ping`)).status, 200);
      assert.deepEqual(await predictions(address, 5), expected.slice(0, 5));
    });

    const onnx = await runCli(['export', model, '--format', 'onnx', '--json'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(onnx.code, 0, onnx.stderr);
    assert.equal((JSON.parse(onnx.stdout) as { out: string }).out, path.join(dir, 'penguins.onnx'));
    const mlflowDir = path.join(dir, 'penguins-mlflow');
    const mlflow = await runCli(['export', model, '--format', 'mlflow', '--out', mlflowDir], { SWEEPQ_STATE_DIR: dir });
    assert.equal(mlflow.code, 0, mlflow.stderr);
    assert.ok((await readdir(mlflowDir)).includes('MLmodel'));
    assert.ok((await readdir(mlflowDir)).includes('model.onnx'));
    const again = await runCli(['export', model, '--format', 'mlflow', '--out', mlflowDir], { SWEEPQ_STATE_DIR: dir });
    assert.equal(again.code, 2, 'an existing MLflow directory is refused');
    assert.match(again.stderr, /already exists: add --force to replace it/);
    // Every user-named output alike: an existing ONNX file is refused the same way (not overwritten
    // silently), and --force overwrites it / replaces the model directory, never another folder.
    const onnxFile = path.join(dir, 'penguins.onnx');
    await writeFile(onnxFile, 'mine');
    const onnxAgain = await runCli(['export', model, '--format', 'onnx'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(onnxAgain.code, 2, onnxAgain.stderr);
    assert.match(onnxAgain.stderr, /penguins\.onnx already exists: add --force to overwrite it, or give another --out/);
    assert.equal(await readFile(onnxFile, 'utf8'), 'mine', 'the refused file is untouched');
    const onnxForced = await runCli(['export', model, '--format', 'onnx', '--force'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(onnxForced.code, 0, onnxForced.stderr);
    assert.notEqual(await readFile(onnxFile, 'utf8'), 'mine');
    await writeFile(path.join(mlflowDir, 'stale.txt'), 'from the old export');
    const replaced = await runCli(['export', model, '--format', 'mlflow', '--out', mlflowDir, '--force'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual((await readdir(mlflowDir)).includes('stale.txt'), false, 'replaced whole, not merged');
    assert.ok((await readdir(mlflowDir)).includes('MLmodel'));
    const notAModel = await runCli(['export', model, '--format', 'mlflow', '--out', dir, '--force'], { SWEEPQ_STATE_DIR: dir });
    assert.equal(notAModel.code, 2, notAModel.stderr);
    assert.match(notAModel.stderr, /is not an MLflow model directory \(no MLmodel file in it\)/);
    assert.ok((await readdir(dir)).includes('penguins.json'), 'a folder that is no model is never deleted');
  });
});
