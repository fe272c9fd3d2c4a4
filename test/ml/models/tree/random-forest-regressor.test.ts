import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecisionTreeRegressor } from '../../../../shared/ml/models/tree/decision-tree-regressor.js';
import { RandomForestRegressor } from '../../../../shared/ml/models/tree/random-forest-regressor.js';
import { r2Of, range, wavyRegression } from './regression-test-data.js';

describe('RandomForestRegressor', () => {
  it('predicts the mean of its trees', () => {
    const data = wavyRegression(200, 2);
    const model = new RandomForestRegressor({ n_estimators: 7, max_depth: 5 }, 3);
    model.fit(data, data.y);
    const store = model.tree;
    assert.equal(store.roots.length, 7);
    const predicted = model.predict(data);
    for (let r = 0; r < data.nRows; r += 17) {
      let sum = 0;
      for (const root of store.roots) sum += store.value[store.findLeaf(root, data.columns, r)]!;
      assert.ok(Math.abs(predicted[r]! - sum / 7) < 1e-12);
    }
  });

  it('considers every feature at each split by default (scikit-learn 1.0 for regression)', () => {
    // Without bootstrap and feature sampling nothing is random: every tree is the same tree.
    const data = wavyRegression(300, 4);
    const model = new RandomForestRegressor({ n_estimators: 3, bootstrap: false }, 9);
    model.fit(data, data.y);
    const { roots } = model.tree;
    assert.equal(model.params.max_features, null);
    const size = model.tree.treeSize(0);
    for (let t = 1; t < 3; t++) {
      assert.equal(model.tree.treeSize(t), size);
      for (let i = 0; i < size; i++) assert.equal(model.tree.threshold[roots[t]! + i], model.tree.threshold[i]);
    }
    // With the classifier's default ('sqrt') the trees differ.
    const sampled = new RandomForestRegressor({ n_estimators: 2, bootstrap: false, max_features: 'sqrt' }, 9);
    sampled.fit(data, data.y);
    const tree = (t: number): number[] => Array.from(sampled.tree.feature.subarray(sampled.tree.roots[t], sampled.tree.roots[t]! + sampled.tree.treeSize(t)));
    assert.notDeepEqual(tree(0), tree(1));
  });

  it('generalises on a non-linear target and beats one tree out of sample', () => {
    const data = wavyRegression(1200, 5);
    const train = range(0, 900);
    const test = range(900, 1200);
    const yTest = data.y.slice(900, 1200);
    const forest = new RandomForestRegressor({ n_estimators: 60 }, 1);
    forest.fit(data, data.y, train);
    const tree = new DecisionTreeRegressor();
    tree.fit(data, data.y, train);
    const forestR2 = r2Of(yTest, forest.predict(data, test));
    const treeR2 = r2Of(yTest, tree.predict(data, test));
    assert.ok(forestR2 > 0.8, `forest r2 ${forestR2}`);
    assert.ok(forestR2 > treeR2 + 0.05, `forest r2 ${forestR2} vs tree ${treeR2}`);
  });

  it('is byte-identical for the same seed and differs for another', () => {
    const data = wavyRegression(150, 6, true);
    const fit = (seed: number): string => {
      const model = new RandomForestRegressor({ n_estimators: 5, max_features: 0.5 }, seed);
      model.fit(data, data.y);
      return JSON.stringify(model.toJSON());
    };
    assert.equal(fit(3), fit(3));
    assert.notEqual(fit(3), fit(4));
  });

  it('round-trips through JSON byte for byte and predicts identically', () => {
    const data = wavyRegression(150, 7, true);
    const model = new RandomForestRegressor({ n_estimators: 4, min_samples_leaf: 3 }, 2);
    model.fit(data, data.y);
    const text = JSON.stringify(model.toJSON());
    const loaded = RandomForestRegressor.fromJSON(JSON.parse(text));
    assert.equal(JSON.stringify(loaded.toJSON()), text);
    assert.deepEqual(loaded.predict(data), model.predict(data));
  });
});
