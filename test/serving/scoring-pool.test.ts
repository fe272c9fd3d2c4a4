/**
 * The scheduler's scoring thread: answers equal the Scorer's, a model is loaded once however many
 * requests wait for it, errors keep their code, and a request past the deadline is refused while the
 * next one is served by a new thread.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTable } from '../../shared/ml/dataset/read-table.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { Scorer, ScoringPool } from '../../shared/serving/index.js';
import type { SweepqError } from '../../shared/errors/index.js';

/**
 * A deadline far below what a 100-tree forest needs for SLOW_ROWS rows (about 6 s of CPU on the
 * development machine, ~100,000 rows per CPU-second), and far above a one-row request on a new thread.
 */
const DEADLINE_MS = 2000;
const SLOW_ROWS = 600_000;

describe('ScoringPool', () => {
  let pipeline: Pipeline;
  let artifact: Buffer;
  let columns: string[];
  let pool: ScoringPool;
  let loads = 0;

  before(async () => {
    const train = await readTable(path.resolve(process.cwd(), 'test/fixtures/loan_default.train.csv'), { target: 'target' });
    pipeline = Pipeline.create({ imputer: { strategy: 'median' }, scaler: 'standard' }, 'logistic_regression', {}, 0).fit(train);
    artifact = Buffer.from(JSON.stringify(pipeline.toJSON()));
    columns = pipeline.inputColumns.map((c) => c.name);
    pool = new ScoringPool({ timeoutMs: 30_000, cacheModels: 2 });
  });
  after(async () => {
    await pool.close();
  });

  const body = (rows: number): Buffer =>
    Buffer.from(JSON.stringify({ dataframe_split: { columns, data: Array.from({ length: rows }, (_, r) => columns.map((_, c) => Math.sin(r * 7 + c))) } }));
  const request = (key: string, payload: Buffer, maxRows = 1000) => ({
    key,
    loadArtifact: async () => {
      loads++;
      return artifact;
    },
    body: payload,
    contentType: 'application/json',
    proba: true,
    maxRows,
  });

  it('answers what the Scorer answers, loading a model once for the requests that wait for it', async () => {
    const payload = body(20);
    const expected = new Scorer(pipeline).score({ body: payload, contentType: 'application/json', proba: true }, { maxRows: 1000 });
    const before = loads;
    const answers = await Promise.all([1, 2, 3, 4].map(() => pool.score(request('model-a', payload))));
    for (const answer of answers) assert.equal(answer, expected);
    assert.equal(loads - before, 1, 'one artefact load for four concurrent requests');
    await pool.score(request('model-a', payload));
    assert.equal(loads - before, 1, 'a cached model is not loaded again');
  });

  it("keeps the scorer's error codes and messages", async () => {
    const tooMany = pool.score(request('model-a', body(30), 10));
    await assert.rejects(tooMany, (error: SweepqError) => error.code === 'PAYLOAD_TOO_LARGE' && /30 rows; at most 10/.test(error.message));
    const broken = pool.score({ ...request('broken', body(1)), loadArtifact: async () => Buffer.from('{"format": "nope"}') });
    await assert.rejects(broken, (error: SweepqError) => error.code === 'INVALID_ARTIFACT');
  });

  it('refuses a request past the deadline with LIMIT_EXCEEDED and serves the next one on a new thread', async () => {
    const train = await readTable(path.resolve(process.cwd(), 'test/fixtures/loan_default.train.csv'), { target: 'target' });
    const forest = Buffer.from(JSON.stringify(Pipeline.create({}, 'random_forest', { n_estimators: 100 }, 0).fit(train).toJSON()));
    const limited = new ScoringPool({ timeoutMs: DEADLINE_MS, cacheModels: 2 });
    try {
      const slow = limited.score({ ...request('forest', body(SLOW_ROWS), 1_000_000), loadArtifact: async () => forest });
      await assert.rejects(slow, (error: SweepqError) => error.code === 'LIMIT_EXCEEDED' && /SWEEPQ_PREDICT_TIMEOUT_MS/.test(error.message));
      // A one-row request takes well under a millisecond once warm; a cold thread on a heavily loaded
      // machine may still miss the deadline, so the pool gets three tries (any other error fails).
      let answer: string | undefined;
      for (let attempt = 0; attempt < 3 && answer === undefined; attempt++) {
        try {
          answer = await limited.score(request('model-a', body(1)));
        } catch (error) {
          if ((error as SweepqError).code !== 'LIMIT_EXCEEDED') throw error;
        }
      }
      assert.match(answer ?? '', /^\{"predictions":\[\{"label":/);
    } finally {
      await limited.close();
    }
  });
});
