/**
 * A trial's diagnostics are stored without fsync (services/worker/trial-files.ts), so after a machine
 * crash they may be empty or cut short: reading them is then "no diagnostics" (NOT_FOUND, a 404),
 * never a server error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SweepAnalytics } from '../../shared/analytics/sweep-analytics.js';
import { diagnosticsKey } from '../../shared/schemas/trial-diagnostics.schema.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { createTestSweep } from '../support/index-fixtures.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

describe('SweepAnalytics.diagnostics', () => {
  let setup: TestSetup;
  let service: SweepService;

  before(async () => {
    setup = await makeTestSetup('diagnostics-read');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  it('answers NOT_FOUND for diagnostics cut short, and reads whole ones', async () => {
    const sweepId = await createTestSweep(service.index, { trials: 2 });
    const analytics = new SweepAnalytics(service);
    for (const index of [0, 1]) {
      const artifact = `artifacts/${sweepId}/${sweepId}-t${index}/a${index}.json`;
      assert.equal((await service.index.transitions.claim(sweepId, index, `tok${index}`, 'w1')).result, 'ok');
      const commit = {
        token: `tok${index}`,
        durationMs: 1,
        metrics: { accuracy: 0.5 },
        folds: [],
        timings: { fitMs: 1, cvMs: 0, evalMs: 0, totalMs: 1 },
        artifact,
        objective: { metric: 'accuracy', goal: 'maximize' as const },
      };
      assert.equal(await service.index.transitions.commit(sweepId, index, commit), 'ok');
      await service.store.put(
        diagnosticsKey(artifact),
        index === 0
          ? '{"confusion":[[1,'
          : JSON.stringify({
              version: 1,
              task: 'classification',
              testRows: 2,
              classes: ['a', 'b'],
              confusion: [
                [1, 0],
                [0, 1],
              ],
              roc: [],
              pr: [],
              importances: null,
            }),
      );
    }
    await assert.rejects(analytics.diagnostics(sweepId, `${sweepId}-t0`), { code: 'NOT_FOUND' });
    assert.deepEqual((await analytics.diagnostics(sweepId, `${sweepId}-t1`)).confusion, [
      [1, 0],
      [0, 1],
    ]);
  });
});
