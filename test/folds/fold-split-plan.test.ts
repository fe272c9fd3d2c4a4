import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldSplitOf } from '../../shared/folds/fold-split-plan.js';
import { fitTreeRangesOf } from '../../shared/folds/fit-tree-ranges.js';
import { flowToken, foldJobId, parseFoldJobId, partName, partsOf } from '../../shared/folds/fold-job.schema.js';
import { artifactKey, type SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import { TEST_CONTEXT } from '../support/index-fixtures.js';

/** A sweep context with 5-fold CV on 16,000 × 40 rows and the default threshold. */
function context(overrides: Partial<SweepContext> = {}, cv: Partial<SweepContext['cv']> = {}): SweepContext {
  return {
    ...TEST_CONTEXT,
    cv: { folds: 5, scoring: 'accuracy', shuffle: false, ...cv },
    fold_split: { rows: 16_000, features: 40, min_cost: 200_000_000 },
    ...overrides,
  };
}

const FOREST = { n_estimators: 100 };

describe('foldSplitOf', () => {
  const cases: Array<[string, SweepContext, string, Record<string, unknown>, number | null]> = [
    ['splits a 100-tree forest on 16k × 40 (auto)', context(), 'random_forest', FOREST, 5],
    ['keeps a logistic regression whole (auto)', context(), 'logistic_regression', {}, null],
    ['keeps a 5-tree forest whole (auto)', context(), 'random_forest', { n_estimators: 5, max_depth: 3 }, null],
    ['splits anything with split_folds: always', context({}, { split_folds: 'always' }), 'logistic_regression', {}, 5],
    ['never splits with split_folds: never', context({}, { split_folds: 'never' }), 'random_forest', FOREST, null],
    ['never splits without CV', context({}, { folds: 0, split_folds: 'always' }), 'random_forest', FOREST, null],
    [
      'never splits under a pruner (rungs need every fold)',
      context(
        { pruner: { method: 'asha', resource: 'n_estimators', min_resource: 10, reduction_factor: 3 } as SweepContext['pruner'] },
        { split_folds: 'always' },
      ),
      'random_forest',
      FOREST,
      null,
    ],
    ['never splits a sweep from before fold jobs (auto, no shape)', { ...context(), fold_split: undefined }, 'random_forest', FOREST, null],
    ['splits everything at threshold 0', context({ fold_split: { rows: 10, features: 2, min_cost: 0 } }), 'logistic_regression', {}, 5],
  ];
  for (const [title, ctx, model, params, expected] of cases) {
    it(title, () => assert.equal(foldSplitOf(ctx, model, params), expected));
  }
});

describe('fitTreeRangesOf', () => {
  it("splits a random forest's final fit into two tree ranges, nothing else", () => {
    assert.deepEqual(fitTreeRangesOf('random_forest', { n_estimators: 101 }), [
      [0, 50],
      [50, 101],
    ]);
    assert.deepEqual(fitTreeRangesOf('random_forest', {}), [
      [0, 50],
      [50, 100],
    ]);
    assert.equal(fitTreeRangesOf('random_forest', { n_estimators: 1 }), undefined, 'one tree stays one part');
    assert.equal(fitTreeRangesOf('gradient_boosting', { n_estimators: 100 }), undefined, 'boosting stages are sequential');
  });

  it('lists the ranges first, then the fit that merges them, then the folds', () => {
    const parts = partsOf({
      folds: 2,
      fitTrees: [
        [0, 5],
        [5, 10],
      ],
    });
    assert.deepEqual(parts.map(partName), ['t0-5', 't5-10', 'fit', 'f0', 'f1']);
  });
});

describe('fold job ids and flow tokens', () => {
  it('names each part after its trial job and parses back to the trial', () => {
    assert.equal(foldJobId('s-abcdef12-t7-r2', { kind: 'fold', fold: 3 }), 's-abcdef12-t7-r2-f3');
    assert.deepEqual(parseFoldJobId('s-abcdef12-t7-r2-f3'), { sweepId: 's-abcdef12', index: 7, retries: 2 });
    assert.deepEqual(parseFoldJobId('s-abcdef12-t7-fit'), { sweepId: 's-abcdef12', index: 7, retries: 0 });
    assert.equal(foldJobId('s-abcdef12-t7', { kind: 'trees', start: 50, end: 100 }), 's-abcdef12-t7-t50-100');
    assert.deepEqual(parseFoldJobId('s-abcdef12-t7-t50-100'), { sweepId: 's-abcdef12', index: 7, retries: 0 });
    assert.equal(parseFoldJobId('s-abcdef12-t7'), null, 'a trial job is not a part');
  });

  it('derives a distinct hex token per job, so artefact keys of different flows never collide', () => {
    const a = flowToken('s-abcdef12-t7');
    const b = flowToken('s-abcdef12-t7-r1');
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(a, flowToken('s-abcdef12-t7'), 'deterministic');
    assert.notEqual(artifactKey('s-abcdef12', 's-abcdef12-t7', a), artifactKey('s-abcdef12', 's-abcdef12-t7', b));
  });
});
