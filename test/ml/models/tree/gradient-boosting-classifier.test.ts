import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rocAuc } from '../../../../shared/ml/metrics/roc-auc-score.js';
import { GradientBoostingClassifier } from '../../../../shared/ml/models/tree/gradient-boosting-classifier.js';
import { accuracyOf, loanDefault, matrix, threeBlobs } from './tree-test-data.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('GradientBoostingClassifier', () => {
  it('starts from the prior log-odds', () => {
    // 3 of 4 rows are class 1 and the feature is constant: no tree can split, every leaf step is the prior's residual.
    const X = matrix([[1, 1, 1, 1]]);
    const model = new GradientBoostingClassifier({ n_estimators: 1, learning_rate: 1e-12 });
    model.fit(X, Int32Array.of(0, 1, 1, 1));
    const proba = model.predictProba(X, Uint32Array.of(0));
    assert.ok(Math.abs(proba[1]! - 0.75) < 1e-9);
    assert.ok(Math.abs(model.decisionFunction(X, Uint32Array.of(0))[0]! - Math.log(3)) < 1e-9);
  });

  it('sets leaf values by one Newton step Σr / Σp(1−p)', () => {
    // Balanced classes → prior 0 → p = 0.5, residuals ±0.5 → leaf value ±0.5n / 0.25n = ±2.
    const X = matrix([[1, 2, 3, 4]]);
    const model = new GradientBoostingClassifier({ n_estimators: 1, learning_rate: 1, max_depth: 1 });
    model.fit(X, Int32Array.of(0, 0, 1, 1));
    const raw = model.decisionFunction(X);
    assert.deepEqual(
      Array.from(raw).map((v) => Math.round(v * 1e9) / 1e9),
      [-2, -2, 2, 2],
    );
    assert.ok(Math.abs(model.predictProba(X)[3 * 2 + 1]! - sigmoid(2)) < 1e-12);
  });

  it('scales the multiclass Newton step by (K−1)/K', () => {
    // Three pure one-row-per-class groups; uniform prior → p_k = 1/3, r = 2/3 for the own class.
    const X = matrix([[0, 0, 5, 5, 10, 10]]);
    const y = Int32Array.of(0, 0, 1, 1, 2, 2);
    const model = new GradientBoostingClassifier({ n_estimators: 1, learning_rate: 1, max_depth: 2 });
    model.fit(X, y);
    const raw = model.decisionFunction(X, Uint32Array.of(0));
    // Own-class leaf: (2/3)·Σr/Σp(1−p) = (2/3)·(2·2/3)/(2·2/9) = 2, added to the prior log(1/3).
    assert.ok(Math.abs(raw[0]! - (Math.log(1 / 3) + 2)) < 1e-9);
  });

  it('respects max_depth in every tree', () => {
    const data = threeBlobs(50, 3);
    const model = new GradientBoostingClassifier({ n_estimators: 5, max_depth: 2 });
    model.fit(data, data.y);
    assert.equal(model.tree.roots.length, 5 * 3);
    for (let t = 0; t < model.tree.roots.length; t++) assert.ok(model.tree.treeSize(t) <= 7);
  });

  const variants = [{}, { subsample: 0.5 }, { max_features: 'sqrt' }, { min_samples_leaf: 5 }];
  for (const params of variants) {
    it(`classifies three classes with probability rows summing to 1 (${JSON.stringify(params)})`, () => {
      const data = threeBlobs(60, 9);
      const model = new GradientBoostingClassifier({ n_estimators: 30, ...params }, 5);
      model.fit(data, data.y);
      const proba = model.predictProba(data);
      for (let i = 0; i < data.nRows; i++) {
        const sum = proba[i * 3]! + proba[i * 3 + 1]! + proba[i * 3 + 2]!;
        assert.ok(Math.abs(sum - 1) < 1e-12);
      }
      assert.ok(accuracyOf(model.predict(data), data.y) > 0.95);
    });
  }

  it('is byte-identical for the same seed with subsampling', () => {
    const data = threeBlobs(40, 1);
    const fit = (seed: number): string => {
      const model = new GradientBoostingClassifier({ n_estimators: 10, subsample: 0.7 }, seed);
      model.fit(data, data.y);
      return JSON.stringify(model.toJSON());
    };
    assert.equal(fit(3), fit(3));
    assert.notEqual(fit(3), fit(4));
  });

  it('round-trips through JSON and predicts identically', () => {
    const data = threeBlobs(30, 12);
    const model = new GradientBoostingClassifier({ n_estimators: 8 });
    model.fit(data, data.y);
    const loaded = GradientBoostingClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(loaded.predictProba(data), model.predictProba(data));
  });

  it('rejects an artefact with the wrong number of init scores', () => {
    const data = threeBlobs(30, 12);
    const model = new GradientBoostingClassifier({ n_estimators: 2 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    assert.throws(() => GradientBoostingClassifier.fromJSON({ ...json, init: [0] }), { code: 'INVALID_ARTIFACT' });
  });

  it('beats sensible floors on loan_default (100 stages, lr 0.1, depth 3)', async () => {
    const { train, test } = await loanDefault();
    const model = new GradientBoostingClassifier({ n_estimators: 100, learning_rate: 0.1, random_state: 42 });
    model.fit(train, train.y);
    const auc = rocAuc(test.y, model.predictProba(test), 2);
    const accuracy = accuracyOf(model.predict(test), test.y);
    assert.ok(auc > 0.91, `auc ${auc}`);
    assert.ok(accuracy > 0.8, `accuracy ${accuracy}`);
  });
});
