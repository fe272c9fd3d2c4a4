/**
 * `POST /sweeps/:id/best/predict` against a real sweep: SweepService on Redis, an in-process worker
 * trains two trials on loan_default, and the route scores the test file in each request format; its
 * answers must equal what the best trial's artefact predicts. Bad input answers 4xx naming the column.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../../shared/config/config.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import { parseTable } from '../../../shared/ml/dataset/read-table.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { buildApp } from '../../../services/scheduler/app.js';
import { startWorker, type RunningWorker } from '../../../services/worker/worker-runtime.js';
import { runCli } from '../../support/processes.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';
import { waitForSweep } from '../../support/wait-for-sweep.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');
const TOKEN = 'test-token-0123456789abcdef';
const MAX_ROWS = 300;
const auth = { authorization: `Bearer ${TOKEN}` };

/** The test file as header + rows of numbers (null = missing), target dropped. */
function csvRows(text: string): { columns: string[]; rows: (number | null)[][] } {
  const lines = text.trim().split('\n');
  const header = lines[0]!.split(',');
  const target = header.indexOf('target');
  const columns = header.filter((_, i) => i !== target);
  const rows = lines.slice(1).map((line) =>
    line
      .split(',')
      .filter((_, i) => i !== target)
      .map((cell) => (cell === '' ? null : Number(cell))),
  );
  return { columns, rows };
}

describe('POST /sweeps/:id/best/predict', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker;
  let app: FastifyInstance;
  let sweepId: string;
  let best: TrialRecord;
  let pipeline: Pipeline;
  let testCsv: string;
  let columns: string[];
  let rows: (number | null)[][];

  before(async () => {
    setup = await makeTestSetup('predict-route', { env: { SWEEPQ_API_TOKEN: TOKEN, SWEEPQ_PREDICT_MAX_ROWS: String(MAX_ROWS) } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    app = buildApp({ service, config: setup.config, logger: pino({ level: 'silent' }) });
    await app.ready();
    const train = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.train.csv')));
    const test = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.test.csv')));
    const submitted = await service.submit({
      name: 'predict_route',
      dataset: { train: { sha256: train.sha256 }, test: { sha256: test.sha256 }, target: 'target' },
      pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
      cv: { folds: 0, scoring: 'accuracy' },
      objective: { metric: 'auc_roc', goal: 'maximize' },
      trials: [
        { name: 'lr', model: 'logistic_regression', params: { C: 1.0, max_iter: 500 } },
        { name: 'rf', model: 'random_forest', params: { n_estimators: 10, max_depth: 4 } },
      ],
    });
    sweepId = submitted.sweepId;
    await waitForSweep(service, sweepId, 120_000);
    best = await service.best(sweepId);
    pipeline = Pipeline.fromJSON(JSON.parse((await service.artifact(sweepId, best.id)).toString('utf8')) as unknown);
    testCsv = await readFile(path.join(fixtures, 'loan_default.test.csv'), 'utf8');
    ({ columns, rows } = csvRows(testCsv));
  });

  after(async () => {
    await app?.close();
    await worker?.close(1000);
    await service?.close();
    await setup?.cleanup();
  });

  const predict = (payload: string, options: { type?: string; query?: string; headers?: Record<string, string> } = {}) =>
    app.inject({
      method: 'POST',
      url: `/sweeps/${sweepId}/best/predict${options.query ?? ''}`,
      headers: { ...auth, 'content-type': options.type ?? 'application/json', ...options.headers },
      payload,
    });

  function expectedLabels(): string[] {
    const predicted = pipeline.predict(parseTable(testCsv, { ...pipeline.predictionReadOptions(), target: null }));
    return Array.from(predicted, (k) => pipeline.classes[k]!);
  }

  it("answers the best trial's labels for dataframe_split, dataframe_records and CSV bodies alike", async () => {
    const expected = expectedLabels();
    const records = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    const bodies: Array<[string, string, string]> = [
      ['dataframe_split', JSON.stringify({ dataframe_split: { columns, data: rows } }), 'application/json'],
      ['dataframe_records', JSON.stringify({ dataframe_records: records }), 'application/json'],
      ['csv', testCsv, 'text/csv'],
    ];
    for (const [label, payload, type] of bodies) {
      const res = await predict(payload, { type });
      assert.equal(res.statusCode, 200, `${label}: ${res.body}`);
      assert.equal(res.headers['x-sweepq-trial-id'], best.id);
      assert.deepEqual(res.json<{ predictions: string[] }>().predictions, expected, label);
    }
  });

  it("answers probabilities with ?proba=true, equal to the artefact's, and scores the trial that ?metric= picks", async () => {
    const res = await predict(JSON.stringify({ dataframe_split: { columns, data: rows.slice(0, 5) } }), { query: '?proba=true' });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json<{ predictions: Record<string, number | string>[] }>().predictions;
    const proba = pipeline.predictProba(parseTable(testCsv, { ...pipeline.predictionReadOptions(), target: null }));
    for (let i = 0; i < 5; i++) {
      assert.equal(answer[i]!.probability_0, proba[2 * i]);
      assert.equal(answer[i]!.probability_1, proba[2 * i + 1]);
    }
    const byAccuracy = await service.best(sweepId, 'accuracy');
    const other = await predict(JSON.stringify({ dataframe_split: { columns, data: rows.slice(0, 1) } }), { query: '?metric=accuracy' });
    assert.equal(other.statusCode, 200, other.body);
    assert.equal(other.headers['x-sweepq-trial-id'], byAccuracy.id);
  });

  it('refuses bad input with a 4xx that names the column, the row or the limit', async () => {
    const without = columns.filter((c) => c !== 'feature_7');
    const cases: Array<{ label: string; payload: string; type?: string; status: number; code: string; mentions: RegExp }> = [
      {
        label: 'a missing column',
        payload: JSON.stringify({ dataframe_split: { columns: without, data: rows.slice(0, 2).map((r) => r.filter((_, i) => columns[i] !== 'feature_7')) } }),
        status: 400,
        code: 'INVALID_ARGUMENT',
        mentions: /feature_7/,
      },
      {
        label: 'a string in a numeric column',
        payload: JSON.stringify({ dataframe_records: [{ ...Object.fromEntries(columns.map((c) => [c, 0.5])), feature_3: 'high' }] }),
        status: 400,
        code: 'INVALID_ARGUMENT',
        mentions: /dataframe_records\[0\]: column "feature_3": "high" is a string/,
      },
      { label: 'a CSV without a column', payload: `feature_0,feature_1\n1,2\n`, type: 'text/csv', status: 400, code: 'INVALID_CSV', mentions: /feature_2/ },
      {
        label: 'too many rows',
        payload: JSON.stringify({ dataframe_split: { columns, data: [...rows, ...rows] } }),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        mentions: new RegExp(`${2 * rows.length} rows; at most ${MAX_ROWS}`),
      },
      {
        label: 'another content type',
        payload: 'x',
        type: 'text/plain',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        mentions: /application\/json or text\/csv/,
      },
      { label: 'no JSON', payload: '{"dataframe_split": ', status: 400, code: 'INVALID_ARGUMENT', mentions: /not valid JSON/ },
    ];
    for (const c of cases) {
      const res = await predict(c.payload, c.type === undefined ? {} : { type: c.type });
      assert.equal(res.statusCode, c.status, `${c.label}: ${res.body}`);
      const { error } = res.json<{ error: { code: string; message: string } }>();
      assert.equal(error.code, c.code, c.label);
      assert.match(error.message, c.mentions, c.label);
    }
  });

  it("exports the sweep's best trial, or a given one, from the CLI (sweepq export --sweep)", async () => {
    const out = path.join(setup.stateDir, 'best.onnx');
    const exported = await runCli(['export', '--sweep', sweepId, '--format', 'onnx', '--out', out, '--json'], setup.env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((JSON.parse(exported.stdout) as { trial: { id: string } }).trial.id, best.id);
    assert.ok((await stat(out)).size > 0);
    // Onto the file just written: refused without --force, replaced with it.
    const refused = await runCli(['export', '--sweep', sweepId, '--trial', '1', '--format', 'onnx', '--out', out], setup.env);
    assert.equal(refused.code, 2, refused.stderr);
    const other = await runCli(['export', '--sweep', sweepId, '--trial', '1', '--format', 'onnx', '--out', out, '--force', '--json'], setup.env);
    assert.equal(other.code, 0, other.stderr);
    assert.equal((JSON.parse(other.stdout) as { trial: { id: string } }).trial.id, `${sweepId}-t1`);
  });

  it('answers 404 for an unknown sweep, 401 without a credential, 413 past the body limit', async () => {
    const body = JSON.stringify({ dataframe_split: { columns, data: rows.slice(0, 1) } });
    const unknown = await app.inject({
      method: 'POST',
      url: '/sweeps/s-000000000000/best/predict',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
    const anonymous = await app.inject({
      method: 'POST',
      url: `/sweeps/${sweepId}/best/predict`,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(anonymous.statusCode, 401);
    const small = buildApp({
      service,
      config: loadConfig({ ...setup.env, SWEEPQ_API_TOKEN: TOKEN, SWEEPQ_PREDICT_BODY_LIMIT_BYTES: '1024' }),
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await small.inject({
        method: 'POST',
        url: `/sweeps/${sweepId}/best/predict`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ dataframe_split: { columns, data: rows.slice(0, 20) } }),
      });
      assert.equal(res.statusCode, 413, res.body);
    } finally {
      await small.close();
    }
  });
});
