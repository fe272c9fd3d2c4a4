import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rocAuc } from '../../../../shared/ml/metrics/roc-auc-score.js';
import { DecisionTreeClassifier } from '../../../../shared/ml/models/tree/decision-tree-classifier.js';
import { RandomForestClassifier } from '../../../../shared/ml/models/tree/random-forest-classifier.js';
import { accuracyOf, loanDefault, threeBlobs, treeDepth } from './tree-test-data.js';

describe('RandomForestClassifier', () => {
  it('is byte-identical for the same data, params and seed', () => {
    const data = threeBlobs(40, 2);
    const a = new RandomForestClassifier({ n_estimators: 10 }, 123);
    const b = new RandomForestClassifier({ n_estimators: 10 }, 123);
    a.fit(data, data.y);
    b.fit(data, data.y);
    assert.equal(JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON()));
  });

  it('differs for a different seed, and random_state overrides the seed', () => {
    const data = threeBlobs(40, 2);
    const fit = (params: Record<string, unknown>, seed: number): string => {
      const model = new RandomForestClassifier({ n_estimators: 10, ...params }, seed);
      model.fit(data, data.y);
      return JSON.stringify(model.toJSON().roots) + JSON.stringify(model.toJSON().threshold);
    };
    assert.notEqual(fit({}, 1), fit({}, 2));
    assert.equal(fit({ random_state: 9 }, 1), fit({ random_state: 9 }, 2));
  });

  it('grows n_estimators trees within max_depth', () => {
    const data = threeBlobs(50, 4);
    const model = new RandomForestClassifier({ n_estimators: 7, max_depth: 2 });
    model.fit(data, data.y);
    assert.equal(model.tree.roots.length, 7);
    for (const root of model.tree.roots) assert.ok(treeDepth(model.tree, root) <= 2);
  });

  it('averages the trees: without bootstrap and feature sampling every tree equals the decision tree', () => {
    const data = threeBlobs(30, 8);
    const forest = new RandomForestClassifier({ n_estimators: 3, bootstrap: false, max_features: null });
    forest.fit(data, data.y);
    const tree = new DecisionTreeClassifier({});
    tree.fit(data, data.y);
    const a = forest.predictProba(data);
    const b = tree.predictProba(data);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-12);
  });

  const classWeights = [null, 'balanced', 'balanced_subsample'] as const;
  for (const classWeight of classWeights) {
    it(`classifies three classes with probability rows summing to 1 (class_weight ${String(classWeight)})`, () => {
      const data = threeBlobs(60, 6);
      const model = new RandomForestClassifier({ n_estimators: 20, class_weight: classWeight, random_state: 1 });
      model.fit(data, data.y);
      const proba = model.predictProba(data);
      for (let i = 0; i < data.nRows; i++) {
        const sum = proba[i * 3]! + proba[i * 3 + 1]! + proba[i * 3 + 2]!;
        assert.ok(Math.abs(sum - 1) < 1e-9, `row ${i} sums to ${sum}`);
      }
      assert.ok(accuracyOf(model.predict(data), data.y) > 0.95);
    });
  }

  it('round-trips through JSON and predicts identically', () => {
    const data = threeBlobs(40, 10);
    const model = new RandomForestClassifier({ n_estimators: 5, random_state: 4 });
    model.fit(data, data.y);
    const loaded = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(loaded.predictProba(data), model.predictProba(data));
    assert.equal(loaded.nClasses, 3);
  });

  it('rejects an artefact whose roots do not cover the nodes', () => {
    const data = threeBlobs(20, 10);
    const model = new RandomForestClassifier({ n_estimators: 2, random_state: 4 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    assert.throws(() => RandomForestClassifier.fromJSON({ ...json, roots: [1] }), { code: 'INVALID_ARTIFACT' });
  });

  const loanCases = [
    { params: { n_estimators: 100, max_depth: null }, minAuc: 0.93, minAccuracy: 0.82 },
    { params: { n_estimators: 100, max_depth: 5 }, minAuc: 0.88, minAccuracy: 0.74 },
  ];
  for (const { params, minAuc, minAccuracy } of loanCases) {
    it(`beats sensible floors on loan_default with ${JSON.stringify(params)}`, async () => {
      const { train, test } = await loanDefault();
      const model = new RandomForestClassifier({ ...params, random_state: 42 });
      model.fit(train, train.y);
      const auc = rocAuc(test.y, model.predictProba(test), 2);
      const accuracy = accuracyOf(model.predict(test), test.y);
      assert.ok(auc > minAuc, `auc ${auc}`);
      assert.ok(accuracy > minAccuracy, `accuracy ${accuracy}`);
    });
  }
});
