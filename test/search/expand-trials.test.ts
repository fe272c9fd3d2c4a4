import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { seedFrom } from '../../shared/ml/random/rng.js';
import { MODEL_PARAM_SCHEMAS } from '../../shared/schemas/model-params.schema.js';
import { SweepSpecSchema, type SweepSpecInput } from '../../shared/schemas/sweep-spec.schema.js';
import { distributionAt, quantize } from '../../shared/schemas/distribution-range.js';
import { countTrials, expandTrials, trialSeed } from '../../shared/search/expand-trials.js';
import { canonicalJson, defaultTrialName, TrialNameDeduplicator } from '../../shared/search/trial-name.js';
import { cpuMillis } from '../support/cpu-time.js';

const DATASET = { make_classification: { n_samples: 100, n_features: 5, n_informative: 3, n_redundant: 1 } };

function spec(parts: Partial<SweepSpecInput>) {
  return SweepSpecSchema.parse({ name: 'expand_test', dataset: DATASET, ...parts });
}

describe('expandTrials', () => {
  it('lists explicit trials first, in file order, then the search', () => {
    const plans = expandTrials(
      spec({
        trials: [
          { name: 'first', model: 'logistic_regression', params: { C: 1 } },
          { model: 'decision_tree', params: { max_depth: 3 } },
        ],
        search: { method: 'grid', space: [{ model: 'random_forest', params: { n_estimators: { values: [10, 20] } } }] },
      }),
      { maxTrials: 100 },
    );
    assert.deepEqual(
      plans.map((p) => [p.index, p.name, p.model]),
      [
        [0, 'first', 'logistic_regression'],
        [1, 'decision_tree(max_depth=3)', 'decision_tree'],
        [2, 'random_forest(n_estimators=10)', 'random_forest'],
        [3, 'random_forest(n_estimators=20)', 'random_forest'],
      ],
    );
  });

  it('walks a grid in scikit-learn ParameterGrid order: keys sorted, last key fastest', () => {
    const plans = expandTrials(
      spec({
        search: {
          method: 'grid',
          space: [
            { model: 'random_forest', params: { n_estimators: { values: [100, 200] }, max_depth: { values: [5, null] }, bootstrap: false } },
            { model: 'logistic_regression', params: { C: { values: [0.1, 1] } } },
          ],
        },
      }),
      { maxTrials: 100 },
    );
    assert.deepEqual(
      plans.map((p) => p.params),
      [
        { bootstrap: false, max_depth: 5, n_estimators: 100 },
        { bootstrap: false, max_depth: 5, n_estimators: 200 },
        { bootstrap: false, max_depth: null, n_estimators: 100 },
        { bootstrap: false, max_depth: null, n_estimators: 200 },
        { C: 0.1 },
        { C: 1 },
      ],
    );
  });

  it('counts a 10^12-point grid without materialising it and refuses it with LIMIT_EXCEEDED', () => {
    const values = { values: Array.from({ length: 100 }, (_, i) => i + 2) };
    const big = spec({
      search: {
        method: 'grid',
        space: [
          {
            model: 'random_forest',
            params: { n_estimators: values, max_depth: values, min_samples_split: values, min_samples_leaf: values, max_bins: values, max_features: values },
          },
        ],
      },
    });
    const ms = cpuMillis(() => {
      assert.equal(countTrials(big), 1e12);
      assert.throws(
        () => expandTrials(big, { maxTrials: 10_000 }),
        (error: unknown) =>
          error instanceof InvalidInputError &&
          error.code === 'LIMIT_EXCEEDED' &&
          error.message.includes('grid expands to 1000000000000 trials, more than the limit 10000') &&
          error.message.includes('SWEEPQ_MAX_TRIALS'),
      );
    });
    assert.ok(ms < 200, `${ms} ms of CPU`);
  });

  it('refuses a random search asking for more trials than the limit', () => {
    const s = spec({
      search: { method: 'random', max_trials: 500, space: [{ model: 'logistic_regression', params: { C: { distribution: 'uniform', min: 0.1, max: 1 } } }] },
    });
    assert.throws(
      () => expandTrials(s, { maxTrials: 100 }),
      (e: unknown) => e instanceof InvalidInputError && e.code === 'LIMIT_EXCEEDED',
    );
    assert.equal(expandTrials(s, { maxTrials: 500 }).length, 500);
  });

  it('draws the same random trials for the same seed and different ones for another', () => {
    const make = (seed: number) =>
      spec({
        search: {
          method: 'random',
          max_trials: 50,
          seed,
          space: [
            {
              model: 'gradient_boosting',
              params: { learning_rate: { distribution: 'log_uniform', min: 0.01, max: 1 }, n_estimators: { distribution: 'int_uniform', min: 10, max: 100 } },
            },
            { model: 'logistic_regression', params: { C: { values: [0.1, 1, 10] } } },
          ],
        },
      });
    const a = expandTrials(make(3), { maxTrials: 100 });
    const b = expandTrials(make(3), { maxTrials: 100 });
    const c = expandTrials(make(4), { maxTrials: 100 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.map((p) => p.params),
      c.map((p) => p.params),
    );
    const models = new Set(a.map((p) => p.model));
    assert.deepEqual([...models].sort(), ['gradient_boosting', 'logistic_regression']);
  });

  it('seeds the random search with the sweep seed when search.seed is absent', () => {
    const make = (parts: { seed?: number; searchSeed?: number }) =>
      spec({
        ...(parts.seed === undefined ? {} : { seed: parts.seed }),
        search: {
          method: 'random',
          max_trials: 5,
          ...(parts.searchSeed === undefined ? {} : { seed: parts.searchSeed }),
          space: [{ model: 'logistic_regression', params: { C: { distribution: 'uniform', min: 0.1, max: 10 } } }],
        },
      });
    const bySweepSeed = expandTrials(make({ seed: 9 }), { maxTrials: 10 }).map((p) => p.params);
    const bySearchSeed = expandTrials(make({ seed: 1, searchSeed: 9 }), { maxTrials: 10 }).map((p) => p.params);
    assert.deepEqual(bySweepSeed, bySearchSeed);
  });

  it('keeps every drawn value inside its distribution', () => {
    const plans = expandTrials(
      spec({
        search: {
          method: 'random',
          max_trials: 2000,
          space: [
            {
              model: 'gradient_boosting',
              params: {
                learning_rate: { distribution: 'log_uniform', min: 0.001, max: 10 },
                n_estimators: { distribution: 'int_uniform', min: 1, max: 3 },
                subsample: { distribution: 'q_uniform', min: 0.5, max: 1, q: 0.1 },
                max_features: { distribution: 'uniform', min: 0.2, max: 1 },
              },
            },
          ],
        },
      }),
      { maxTrials: 5000 },
    );
    const seenEstimators = new Set<unknown>();
    for (const plan of plans) {
      const p = plan.params as { learning_rate: number; n_estimators: number; subsample: number; max_features: number };
      assert.ok(p.learning_rate >= 0.001 && p.learning_rate <= 10);
      assert.ok(Number.isInteger(p.n_estimators) && p.n_estimators >= 1 && p.n_estimators <= 3);
      seenEstimators.add(p.n_estimators);
      assert.ok(p.subsample >= 0.5 && p.subsample <= 1);
      assert.equal(p.subsample, Number((Math.round(p.subsample * 10) / 10).toFixed(1)));
      assert.ok(p.max_features >= 0.2 && p.max_features <= 1);
      assert.ok(MODEL_PARAM_SCHEMAS.gradient_boosting.safeParse(plan.params).success);
    }
    assert.deepEqual([...seenEstimators].sort(), [1, 2, 3], 'int_uniform reaches both inclusive ends');
  });

  it('draws a finite random space without replacement, never more than the grid holds', () => {
    const plans = expandTrials(
      spec({
        search: {
          method: 'random',
          max_trials: 50,
          space: [{ model: 'decision_tree', params: { max_depth: { values: [1, 2, 3] }, criterion: { values: ['gini', 'entropy'] } } }],
        },
      }),
      { maxTrials: 100 },
    );
    assert.equal(plans.length, 6);
    assert.equal(new Set(plans.map((p) => p.name)).size, 6);
    assert.ok(plans.every((p) => !p.name.includes('#')));
  });

  it('derives each trial seed from the sweep seed, model and canonical params', () => {
    const s = spec({ seed: 11, trials: [{ model: 'random_forest', params: { n_estimators: 10, max_depth: 3 } }] });
    const [plan] = expandTrials(s, { maxTrials: 10 });
    assert.equal(plan!.seed, seedFrom(11, 'random_forest', '{"max_depth":3,"n_estimators":10}'));
    assert.equal(trialSeed(11, 'random_forest', { n_estimators: 10, max_depth: 3 }), trialSeed(11, 'random_forest', { max_depth: 3, n_estimators: 10 }));
    assert.notEqual(trialSeed(12, 'random_forest', { max_depth: 3 }), trialSeed(11, 'random_forest', { max_depth: 3 }));
  });

  it('suffixes duplicate names with #2, #3 and skips suffixes already taken', () => {
    const plans = expandTrials(
      spec({
        trials: [
          { name: 'a', model: 'logistic_regression' },
          { name: 'a#2', model: 'logistic_regression' },
          { name: 'a', model: 'logistic_regression' },
          { name: 'a', model: 'logistic_regression' },
          { model: 'logistic_regression', params: { C: 2 } },
          { model: 'logistic_regression', params: { C: 2 } },
        ],
      }),
      { maxTrials: 10 },
    );
    assert.deepEqual(
      plans.map((p) => p.name),
      ['a', 'a#2', 'a#3', 'a#4', 'logistic_regression(C=2)', 'logistic_regression(C=2)#2'],
    );
  });
});

describe('defaultTrialName', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['random_forest', { n_estimators: 100, max_depth: 5 }, 'random_forest(max_depth=5,n_estimators=100)'],
    ['logistic_regression', { C: 0.123456789 }, 'logistic_regression(C=0.1235)'],
    ['gradient_boosting', { learning_rate: 0.000012346 }, 'gradient_boosting(learning_rate=0.00001235)'],
    ['random_forest', { max_depth: null, max_features: 'sqrt', bootstrap: false }, 'random_forest(bootstrap=false,max_depth=null,max_features=sqrt)'],
    ['decision_tree', {}, 'decision_tree'],
    ['logistic_regression', { C: 123456.7 }, 'logistic_regression(C=123500)'],
  ];
  for (const [model, params, expected] of cases) {
    it(`names ${JSON.stringify(params)} ${expected}`, () => assert.equal(defaultTrialName(model, params), expected));
  }

  it('rounds only the name: the params keep full precision', () => {
    const [plan] = expandTrials(spec({ trials: [{ model: 'logistic_regression', params: { C: 0.123456789 } }] }), { maxTrials: 1 });
    assert.equal(plan!.name, 'logistic_regression(C=0.1235)');
    assert.equal(plan!.params.C, 0.123456789);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});

describe('TrialNameDeduplicator', () => {
  it('returns the name itself on first use', () => {
    const d = new TrialNameDeduplicator();
    assert.equal(d.claim('x'), 'x');
    assert.equal(d.claim('x'), 'x#2');
    assert.equal(d.claim('x'), 'x#3');
  });
});

describe('distributions', () => {
  it('quantizes to clean multiples of q', () => {
    assert.equal(quantize(0.3000001, 0.1), 0.3);
    assert.equal(quantize(0.26, 0.1), 0.3);
    assert.equal(quantize(17, 5), 15);
  });

  it('maps quantile 0 and 1 to the bounds', () => {
    assert.equal(distributionAt({ distribution: 'log_uniform', min: 0.01, max: 10 }, 1), 10);
    assert.equal(distributionAt({ distribution: 'log_uniform', min: 0.01, max: 10 }, 0), 0.01);
    assert.equal(distributionAt({ distribution: 'int_uniform', min: 1, max: 10 }, 1), 10);
  });
});
