/**
 * Column orders shared beside a parsed dataset copy (fold jobs, issue 13 item 5 (g)): a workspace
 * seeded from another process's orders fits the same forest as a fresh one, and a damaged, foreign or
 * missing file only costs a sort.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCsvFile } from '../../shared/ml/dataset/read-csv.js';
import { fitForestTrees } from '../../shared/ml/fit-forest-trees.js';
import { ColumnOrderCache } from '../../shared/ml/models/tree/column-order-cache.js';
import { createPipelineWorkspace } from '../../shared/ml/pipeline.js';
import type { TrialInput } from '../../shared/ml/run-trial.js';
import { scoreCvFold } from '../../shared/ml/score-cv-fold.js';
import { columnOrderHintsFile, seedColumnOrders, writeColumnOrderHints } from '../../shared/sweep/column-order-hints.js';

const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);

describe('column order hints', () => {
  let dir: string;
  let parsedFile: string;
  let input: TrialInput;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-order-hints-'));
    parsedFile = path.join(dir, 'data.parsed-x.table');
    await writeFile(parsedFile, 'stands in for the parsed copy');
    input = {
      // loan_default has missing values: the imputed rows are out of place in another fold's order.
      train: await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' }),
      test: await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' }),
      pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
      model: 'random_forest',
      params: { n_estimators: 6 },
      seed: 3,
      cv: { folds: 5, scoring: 'accuracy' },
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("seeds a fresh workspace with the orders another process's fold sorted; its fits are unchanged", async () => {
    const first = createPipelineWorkspace();
    const foldScore = scoreCvFold(input, 1, first).score;
    writeColumnOrderHints(first.modelCache!.columnOrder, parsedFile);
    const features = first.modelCache!.columnOrder.storedOrders().filter((order) => order !== undefined).length;
    assert.ok(features > 0);

    const seeded = createPipelineWorkspace();
    assert.equal(await seedColumnOrders(seeded.modelCache!.columnOrder, parsedFile), features);
    // The seeded orders are another fold's (other imputed values): validated, then exact again.
    const range = fitForestTrees(input, { start: 0, end: 3 }, seeded).part;
    assert.deepEqual(range, fitForestTrees(input, { start: 0, end: 3 }, createPipelineWorkspace()).part);
    assert.equal(scoreCvFold(input, 1, seeded).score, foldScore);
  });

  it('writes once, and never for data without a parsed copy', async () => {
    const cache = new ColumnOrderCache();
    cache.orderOf(0, Float64Array.of(3, 1, 2));
    const written = await stat(columnOrderHintsFile(parsedFile));
    writeColumnOrderHints(cache, parsedFile);
    assert.equal((await stat(columnOrderHintsFile(parsedFile))).mtimeMs, written.mtimeMs);
    const uncached = path.join(dir, 'small.parsed-y.table');
    writeColumnOrderHints(cache, uncached);
    await assert.rejects(stat(columnOrderHintsFile(uncached)));
  });

  it('seeds nothing from a damaged or foreign file, and refuses an order that is not a permutation', async () => {
    const damaged = path.join(dir, 'damaged.table');
    const bytes = await readFile(columnOrderHintsFile(parsedFile));
    await writeFile(columnOrderHintsFile(damaged), bytes.subarray(0, 20));
    assert.equal(await seedColumnOrders(new ColumnOrderCache(), damaged), 0);
    await writeFile(columnOrderHintsFile(damaged), 'not a hints file at all');
    assert.equal(await seedColumnOrders(new ColumnOrderCache(), damaged), 0);
    assert.equal(await seedColumnOrders(new ColumnOrderCache(), path.join(dir, 'missing.table')), 0);

    const cache = new ColumnOrderCache();
    assert.equal(cache.seed(0, Uint32Array.of(0, 2, 2)), false, 'a row twice');
    assert.equal(cache.seed(0, Uint32Array.of(0, 3, 1)), false, 'a row out of range');
    const column = Float64Array.of(5, Number.NaN, 1, 3);
    assert.equal(cache.seed(0, Uint32Array.of(3, 2, 1, 0)), true);
    assert.equal(cache.seed(0, Uint32Array.of(0, 1, 2, 3)), false, 'an order is stored already');
    // A wrong but well-formed hint still gives the exact order.
    const { order, nonMissing } = cache.orderOf(0, column);
    assert.deepEqual([...order], [2, 3, 0, 1]);
    assert.equal(nonMissing, 3);
  });
});
