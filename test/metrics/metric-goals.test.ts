/**
 * Every built-in metric × every objective goal (none, maximize, minimize), through the sweep record and
 * the objective leaderboard in Redis: the direction a sweep ranks by is its explicit goal, else the
 * metric's natural one (`cv_mean` that of `cv.scoring`), and equal scores go to the lowest trial index.
 * The expected directions are written out here, not read from the registry under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex, type TrialCommit } from '../../shared/index/index.js';
import { METRIC_NAMES_BY_TASK } from '../../shared/ml/metrics/metric-names.js';
import { BUILTIN_METRICS, type Goal } from '../../shared/metrics/metric-registry.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createTestSweep } from '../support/index-fixtures.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

/** Natural directions as scikit-learn users know them. */
const NATURAL: Record<string, Goal> = {
  accuracy: 'maximize',
  precision: 'maximize',
  recall: 'maximize',
  f1_score: 'maximize',
  auc_roc: 'maximize',
  log_loss: 'minimize',
  r2: 'maximize',
  rmse: 'minimize',
  mae: 'minimize',
  mape: 'minimize',
  cv_std: 'minimize',
};
/** Trial i's value: trials 1 and 3 tie for the highest, 0 and 2 for the lowest. */
const VALUES = [0.25, 0.75, 0.25, 0.75];

describe('objective goals of every built-in metric', () => {
  let redis: Redis;
  let index: MetricsIndex;

  before(() => {
    redis = createRedisConnection(testEnv().redisUrl!, { name: 'metric-goals-test' });
    index = new MetricsIndex(redis, uniquePrefix('goals'));
  });
  after(() => redis.quit());

  it('the registry describes exactly the metrics the learners compute, per task, plus the CV summaries', () => {
    const byTask = (task: string): string[] => BUILTIN_METRICS.filter((m) => m.task === task).map((m) => m.name);
    assert.deepEqual(byTask('classification'), [...METRIC_NAMES_BY_TASK.classification]);
    assert.deepEqual(byTask('regression'), [...METRIC_NAMES_BY_TASK.regression]);
    assert.deepEqual(byTask('any'), ['cv_mean', 'cv_std']);
    assert.deepEqual(BUILTIN_METRICS.map((m) => m.name).sort(), [...Object.keys(NATURAL), 'cv_mean'].sort());
  });

  /** Creates a sweep ranking by `metric`, commits VALUES with the goal its record holds, returns goal and ranking. */
  async function rank(metric: string, goal: Goal | undefined, cvScoring: string | null): Promise<{ goal: Goal; indices: number[] }> {
    const id = await createTestSweep(index, { trials: VALUES.length, objective: goal === undefined ? { metric } : { metric, goal }, cvScoring });
    const record = (await index.sweeps.get(id))!;
    for (let i = VALUES.length - 1; i >= 0; i--) {
      assert.equal((await index.transitions.claim(id, i, `tok${i}`, 'w')).result, 'ok');
      const commit: TrialCommit = {
        token: `tok${i}`,
        durationMs: 1,
        metrics: { [metric]: VALUES[i]! },
        folds: [],
        timings: { fitMs: 1, cvMs: 0, evalMs: 0, totalMs: 1 },
        artifact: 'artifacts/x.json',
        objective: record.objective,
      };
      assert.equal(await index.transitions.commit(id, i, commit), 'ok');
    }
    return { goal: record.objective.goal, indices: (await index.leaderboard(id, 0, VALUES.length)).indices };
  }

  const expectedOrder = (goal: Goal): number[] => (goal === 'maximize' ? [1, 3, 0, 2] : [0, 2, 1, 3]);

  for (const metric of [...Object.keys(NATURAL), 'cv_mean']) {
    for (const explicit of [undefined, 'maximize', 'minimize'] as const) {
      it(`${metric} with goal ${explicit ?? '(none)'}`, async () => {
        const expected = explicit ?? (metric === 'cv_mean' ? 'maximize' : NATURAL[metric]!);
        const ranked = await rank(metric, explicit, metric === 'cv_mean' ? 'accuracy' : null);
        assert.equal(ranked.goal, expected);
        assert.deepEqual(ranked.indices, expectedOrder(expected), 'best first, ties by lowest index');
      });
    }
  }

  it('cv_mean without a goal takes the direction of every cv.scoring', async () => {
    for (const scoring of [...METRIC_NAMES_BY_TASK.classification, ...METRIC_NAMES_BY_TASK.regression]) {
      const ranked = await rank('cv_mean', undefined, scoring);
      assert.equal(ranked.goal, NATURAL[scoring], scoring);
      assert.deepEqual(ranked.indices, expectedOrder(NATURAL[scoring]!), scoring);
    }
  });
});
