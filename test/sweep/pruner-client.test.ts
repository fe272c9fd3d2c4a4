/**
 * PrunerClient against a real Redis: rung values recorded per trial (a retried attempt overwrites
 * its own), ASHA judged against every trial at the rung, the median rule against completed trials.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { IndexKeys } from '../../shared/index/index-keys.js';
import type { RungScores } from '../../shared/ml/cross-validate-by-stages.js';
import { PrunerClient, type TrialPruning } from '../../shared/sweep/pruner-client.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

const rung = (resource: number, mean: number): RungScores => ({ resource, mean, folds: [mean, mean] });

describe('PrunerClient', () => {
  let redis: Redis;
  let keys: IndexKeys;
  let client: PrunerClient;

  before(() => {
    redis = new Redis(testEnv().redisUrl!);
    keys = new IndexKeys(uniquePrefix('pruner-client'));
    client = new PrunerClient(redis, keys);
  });
  after(async () => {
    const found = await redis.keys(`${keys.sweep('*')}*`);
    if (found.length > 0) await redis.del(...found);
    redis.disconnect();
  });

  it('plans rungs at min_resource · rf^k below the trial resource', () => {
    const spec = { method: 'asha' as const, resource: 'n_estimators' as const, min_resource: 5, reduction_factor: 3 };
    assert.deepEqual(PrunerClient.rungResources(spec, 100), [5, 15, 45]);
    assert.deepEqual(PrunerClient.rungResources(spec, 45), [5, 15]);
    assert.deepEqual(PrunerClient.rungResources({ ...spec, max_resource: 20 }, 100), [5, 15]);
    assert.deepEqual(PrunerClient.rungResources(spec, 5), []);
  });

  it('scaled_trees: skips rungs above the full resource / rf (each rung is a fit of its own)', () => {
    const spec = { method: 'asha' as const, resource: 'scaled_trees' as const, min_resource: 10, reduction_factor: 3 };
    assert.deepEqual(PrunerClient.rungResources(spec, 300), [10, 30, 90]);
    assert.deepEqual(PrunerClient.rungResources(spec, 270), [10, 30, 90]);
    assert.deepEqual(PrunerClient.rungResources(spec, 269), [10, 30]);
  });

  it('ASHA: keeps the top third of the trials at the rung, and a retried attempt replaces its own value', async () => {
    const trial = (index: number): TrialPruning => ({
      sweepId: 'asha',
      index,
      spec: { method: 'asha', resource: 'n_estimators', min_resource: 5, reduction_factor: 3 },
      goal: 'maximize',
      maxResource: 45,
    });
    // Worked by hand: 0.8 alone → best, goes on; 0.7 → not the best of 2 (0.8); 0.9 → best of 3.
    assert.equal((await client.judge(trial(0), rung(5, 0.8), [])).action, 'continue');
    assert.equal((await client.judge(trial(1), rung(5, 0.7), [])).action, 'stop');
    assert.equal((await client.judge(trial(2), rung(5, 0.9), [])).action, 'continue');
    // Trial 1 retried: its field is overwritten, so it competes with 0.8 and 0.9 only (3 values, not 4).
    const again = await client.judge(trial(1), rung(5, 0.7), []);
    assert.equal(again.action, 'stop');
    assert.match(
      again.action === 'stop' ? again.explanation : '',
      /^stopped at rung 0 \(resource 5\): 0\.7 is not in the top 1\/3 of 3 trials at this rung \(cut-off 0\.9\)$/,
    );
    assert.equal(Object.keys(await redis.hgetall(keys.rungs('asha'))).length, 3);
  });

  it('median: no pruning before n_startup_trials completed, then against the completed trials at the rung', async () => {
    const spec = { method: 'median' as const, resource: 'n_estimators' as const, min_resource: 5, reduction_factor: 3, n_startup_trials: 2 };
    const trial = (index: number): TrialPruning => ({ sweepId: 'median', index, spec, goal: 'maximize', maxResource: 45 });
    await redis.hset(keys.sweep('median'), 'completed', 1);
    await client.recordCompleted('median', 0, [rung(5, 0.8), rung(15, 0.85)]);
    assert.equal((await client.judge(trial(5), rung(5, 0.1), [rung(5, 0.1)])).action, 'continue', 'only 1 of 2 startup trials completed');
    await redis.hset(keys.sweep('median'), 'completed', 2);
    await client.recordCompleted('median', 1, [rung(5, 0.6), rung(15, 0.65)]);
    // Median of the completed at resource 5: (0.8 + 0.6) / 2 = 0.7.
    assert.equal((await client.judge(trial(6), rung(5, 0.75), [rung(5, 0.75)])).action, 'continue');
    const stopped = await client.judge(trial(7), rung(5, 0.65), [rung(5, 0.65)]);
    assert.equal(stopped.action, 'stop');
    assert.match(stopped.action === 'stop' ? stopped.explanation : '', /best value 0\.65 is below the median 0\.7 of 2 completed trials/);
  });
});
