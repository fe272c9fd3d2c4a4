import assert from 'node:assert/strict';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { datasetKey, type SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import { readTablesFile } from '../../shared/ml/dataset/table-file.js';
import { loadSweepFile } from '../../shared/sweep/load-sweep-file.js';
import { parsedDataPath } from '../../shared/sweep/parsed-data-cache.js';
import { readSpecOf } from '../../shared/sweep/sweep-data.js';
import { loadTrainTest } from '../../shared/sweep/sweep-data.js';
import { prepareSweepContext, type PreparedSweepContext } from '../../shared/sweep/sweep-context-preparation.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');

/** A sweep file of `name` on `dataset` (YAML is JSON), written into `dir`. */
async function sweepFile(dir: string, name: string, dataset: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  const spec = {
    name,
    dataset,
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: 0 },
    trials: [{ name: 'lr', model: 'logistic_regression', params: { C: 1, max_iter: 5 } }],
  };
  await writeFile(file, JSON.stringify(spec));
  return file;
}

/** The same preparation, with the resolved context's timeout set to `timeoutS`: shows whose context a sweep got. */
function marked(prepared: PreparedSweepContext, timeoutS: number): PreparedSweepContext {
  return {
    spec: prepared.spec,
    resolved: prepared.resolved.then((r) => ({ ...r, context: { ...r.context, limits: { ...r.context.limits!, timeout_s: timeoutS } } })),
  };
}

describe('prepareSweepContext (a context resolved before the service exists)', () => {
  let setup: TestSetup;
  let service: SweepService;
  const generated = { make_classification: { n_samples: 120, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 1 }, target: 'target' };

  async function contextOf(sweepId: string): Promise<SweepContext> {
    const context = (await service.index.sweeps.get(sweepId))?.context;
    assert.ok(context !== undefined && context !== null && !('kind' in context), `sweep ${sweepId} has a built-in context`);
    return context;
  }

  before(async () => {
    setup = await makeTestSetup('prepared-context');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  it("is the context submit gives a sweep of the spec it was resolved from, and not another spec's", async () => {
    const loaded = await loadSweepFile(await sweepFile(setup.config.stateDir, 'prepared_same', generated));
    const prepared = marked(prepareSweepContext({ config: setup.config, spec: loaded.spec, files: loaded.files }), 4321);
    const same = await service.submit(loaded.spec, { prepared });
    assert.equal((await contextOf(same.sweepId)).limits?.timeout_s, 4321);

    const other = await loadSweepFile(await sweepFile(setup.config.stateDir, 'prepared_other', generated));
    const resolvedAfresh = await service.submit(other.spec, { prepared });
    assert.equal((await contextOf(resolvedAfresh.sweepId)).limits?.timeout_s, setup.config.limits.trialTimeoutS);
  });

  it("stores the sweep file's data files before resolving, and the sweep refers to them", async () => {
    await copyFile(path.join(fixtures, 'loan_default.train.csv'), path.join(setup.config.stateDir, 'train.csv'));
    const loaded = await loadSweepFile(await sweepFile(setup.config.stateDir, 'prepared_local', { csv: 'train.csv', target: 'target' }));
    const prepared = prepareSweepContext({ config: setup.config, spec: loaded.spec, files: loaded.files });
    const { context } = await prepared.resolved;
    assert.equal(context.dataset.train, loaded.files[0]!.sha256);
    assert.ok(await service.store.exists(datasetKey(loaded.files[0]!.sha256, 'csv')), 'the data file is in the store');
    const submitted = await service.submit(loaded.spec, { prepared });
    assert.equal((await contextOf(submitted.sweepId)).dataset.train, loaded.files[0]!.sha256);
  });

  it("leaves the checked data's parsed pair where the trials' training processes look for it, equal to their own parse", async () => {
    const withMissing = { ...generated, missing: [{ column: 1, rows: [3, 9] }] };
    const loaded = await loadSweepFile(await sweepFile(setup.config.stateDir, 'prepared_parsed', withMissing));
    const { context } = await prepareSweepContext({ config: setup.config, spec: loaded.spec, files: loaded.files }).resolved;
    const read = readSpecOf({ dataset: context.dataset, task: context.task });
    // Where a worker of this state folder keeps the data (DatasetCache) and so its parsed copy.
    const cached = path.join(setup.config.stateDir, 'cache', 'datasets', `${context.dataset.train}.csv`);
    const copy = parsedDataPath(read, context.dataset.split, { train: cached, test: null });
    assert.ok(copy !== null);
    const tables = await readTablesFile(copy);
    const stored = path.join(setup.config.stateDir, 'stored-generated.csv');
    await service.store.getToFile(datasetKey(context.dataset.train, 'csv'), stored);
    try {
      const parsed = await loadTrainTest(read, context.dataset.split, { train: stored, test: null });
      assert.deepEqual(tables, [parsed.train, parsed.test]);
      assert.ok(
        parsed.train.columns.some((c) => c.type === 'numeric' && c.values.some((v) => Number.isNaN(v))),
        'missing cells kept as NaN',
      );
    } finally {
      await rm(stored, { force: true });
    }
  });

  it('rejects as submit would for a dataset that was never stored, and the submit creates no sweep', async () => {
    const loaded = await loadSweepFile(await sweepFile(setup.config.stateDir, 'prepared_missing', { csv: { sha256: 'c'.repeat(64) }, target: 'target' }));
    const prepared = prepareSweepContext({ config: setup.config, spec: loaded.spec, files: loaded.files });
    const notStored = (error: Error & { code?: string }) => error.code === 'INVALID_SPEC' && /has not been uploaded/.test(error.message);
    await assert.rejects(prepared.resolved, notStored);
    const before = (await service.listSweeps()).length;
    await assert.rejects(service.submit(loaded.spec, { prepared }), notStored);
    assert.equal((await service.listSweeps()).length, before);
  });
});
