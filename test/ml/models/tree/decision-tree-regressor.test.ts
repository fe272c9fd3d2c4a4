import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../../shared/errors/index.js';
import { DecisionTreeRegressor } from '../../../../shared/ml/models/tree/decision-tree-regressor.js';
import { matrix, treeDepth } from './tree-test-data.js';
import { r2Of, range, wavyRegression } from './regression-test-data.js';

const isCode = (code: string) => (error: unknown) => error instanceof SweepqError && error.code === code;

describe('DecisionTreeRegressor', () => {
  it('splits where the variance reduction is largest (hand-computed)', () => {
    // y = 1 1 2 8 9 10, total SSE 90.83. Feature 0 (1…6) split at 3.5: left {1,1,2} SSE 0.67, right
    // {8,9,10} SSE 2 → reduction 88.17; its split at 2.5 gives 52.08 and at 4.5 56.33. Feature 1
    // (1 1 2 2 2 2) can only split at 1.5 → {1,1} | {2,8,9,10}: reduction 52.08. Best: feature 0 at 3.5.
    const X = matrix([
      [1, 2, 3, 4, 5, 6],
      [1, 1, 2, 2, 2, 2],
    ]);
    const model = new DecisionTreeRegressor({ max_depth: 1 });
    model.fit(X, Float64Array.of(1, 1, 2, 8, 9, 10));
    const tree = model.tree;
    assert.equal(tree.size, 3);
    assert.equal(tree.feature[0], 0);
    assert.equal(tree.threshold[0], 3.5); // sklearn: feature 0, threshold 3.5, values 5.1667 / 1.3333 / 9
    assert.ok(Math.abs(tree.value[0]! - 31 / 6) < 1e-12);
    assert.ok(Math.abs(tree.value[1]! - 4 / 3) < 1e-12);
    assert.equal(tree.value[2], 9);
  });

  it('gives every leaf the mean target of the training rows that reach it', () => {
    const data = wavyRegression(400, 3);
    const model = new DecisionTreeRegressor({ min_samples_leaf: 7 });
    model.fit(data, data.y);
    const sums = new Map<number, { sum: number; count: number }>();
    for (let r = 0; r < data.nRows; r++) {
      const leaf = model.tree.findLeaf(0, data.columns, r);
      const entry = sums.get(leaf) ?? { sum: 0, count: 0 };
      entry.sum += data.y[r]!;
      entry.count++;
      sums.set(leaf, entry);
    }
    assert.ok(sums.size > 10);
    for (const [leaf, { sum, count }] of sums) {
      assert.ok(count >= 7, `leaf ${leaf} has ${count} rows`);
      assert.ok(Math.abs(model.tree.value[leaf]! - sum / count) < 1e-9, `leaf ${leaf}: ${model.tree.value[leaf]} vs mean ${sum / count}`);
    }
  });

  it('grows to pure leaves without limits and stops on a constant target', () => {
    const data = wavyRegression(300, 5);
    const full = new DecisionTreeRegressor();
    full.fit(data, data.y);
    assert.ok(r2Of(data.y, full.predict(data)) > 0.999999);
    const constant = new DecisionTreeRegressor();
    constant.fit(data, new Float64Array(data.nRows).fill(4.25));
    assert.equal(constant.nodeCount, 1);
    assert.equal(constant.tree.value[0], 4.25);
  });

  it("places every threshold midway between the node's neighbouring values, small nodes included", () => {
    // 3,000 rows on a grid of step 1/40 (≤ 255 distinct values: lossless bins): the top of the tree uses
    // full histograms, the rest searches from rows. Each threshold must be the midpoint of the largest
    // value going left and the smallest going right among the node's own training rows (sklearn's).
    const data = wavyRegression(3000, 8);
    for (const column of data.columns) for (let i = 0; i < column.length; i++) column[i] = Math.round(column[i]! * 40) / 40;
    const model = new DecisionTreeRegressor({ min_samples_leaf: 2 });
    model.fit(data, data.y);
    const tree = model.tree;
    const maxLeft = new Float64Array(tree.size).fill(Number.NEGATIVE_INFINITY);
    const minRight = new Float64Array(tree.size).fill(Number.POSITIVE_INFINITY);
    for (let r = 0; r < data.nRows; r++) {
      let node = 0;
      while (tree.left[node] !== -1) {
        const x = data.columns[tree.feature[node]!]![r]!;
        if (x <= tree.threshold[node]!) {
          maxLeft[node] = Math.max(maxLeft[node]!, x);
          node = tree.left[node]!;
        } else {
          minRight[node] = Math.min(minRight[node]!, x);
          node = tree.right[node]!;
        }
      }
    }
    let splits = 0;
    for (let node = 0; node < tree.size; node++) {
      if (tree.left[node] === -1) continue;
      splits++;
      const midpoint = (maxLeft[node]! + minRight[node]!) / 2;
      assert.ok(Math.abs(tree.threshold[node]! - midpoint) < 1e-9, `node ${node}: threshold ${tree.threshold[node]} vs midpoint ${midpoint}`);
    }
    assert.ok(splits > 500);
  });

  it('learns where missing values go', () => {
    const X = matrix([[1, 2, 3, 4, Number.NaN, Number.NaN, Number.NaN, 1.5]]);
    const model = new DecisionTreeRegressor({ max_depth: 1 });
    model.fit(X, Float64Array.of(0, 0, 0, 0, 10, 10, 10, 0));
    assert.equal(model.tree.missingLeft[0], 0);
    assert.deepEqual(Array.from(model.predict(matrix([[Number.NaN, 2.5]]))), [10, 0]);
  });

  const limitCases = [
    { params: { max_depth: 3 }, maxDepth: 3, minLeaf: 1 },
    { params: { min_samples_leaf: 20 }, maxDepth: Infinity, minLeaf: 20 },
    { params: { min_samples_leaf: 0.1 }, maxDepth: Infinity, minLeaf: 30 },
  ];
  for (const { params, maxDepth, minLeaf } of limitCases) {
    it(`respects ${JSON.stringify(params)}`, () => {
      const data = wavyRegression(300, 7);
      const model = new DecisionTreeRegressor(params);
      model.fit(data, data.y);
      assert.ok(treeDepth(model.tree, 0) <= maxDepth);
      const perLeaf = new Map<number, number>();
      for (let r = 0; r < data.nRows; r++) {
        const leaf = model.tree.findLeaf(0, data.columns, r);
        perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
      }
      for (const count of perLeaf.values()) assert.ok(count >= minLeaf, `leaf with ${count} < ${minLeaf} samples`);
    });
  }

  it('fits on a row subset exactly as on a copy of those rows', () => {
    const data = wavyRegression(500, 11, true);
    const rows = range(100, 400);
    const subset = new DecisionTreeRegressor({ max_depth: 6 });
    subset.fit(data, data.y, rows);
    const copy = new DecisionTreeRegressor({ max_depth: 6 });
    copy.fit({ nRows: 300, columns: data.columns.map((c) => c.slice(100, 400)) }, data.y.slice(100, 400));
    assert.equal(JSON.stringify(subset.toJSON()), JSON.stringify(copy.toJSON()));
  });

  it('round-trips through JSON byte for byte and predicts identically', () => {
    const data = wavyRegression(300, 12, true);
    const model = new DecisionTreeRegressor({ max_depth: 8, max_features: 0.6 }, 4);
    model.fit(data, data.y);
    const text = JSON.stringify(model.toJSON());
    const loaded = DecisionTreeRegressor.fromJSON(JSON.parse(text));
    assert.equal(JSON.stringify(loaded.toJSON()), text);
    assert.deepEqual(loaded.predict(data), model.predict(data));
  });

  it('rejects an artefact with two trees, or without task regression', () => {
    const data = wavyRegression(50, 1);
    const model = new DecisionTreeRegressor({ max_depth: 2 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    assert.throws(() => DecisionTreeRegressor.fromJSON({ ...json, roots: [0, 1] }), isCode('INVALID_ARTIFACT'));
    assert.throws(() => DecisionTreeRegressor.fromJSON({ ...json, task: undefined }), isCode('INVALID_ARTIFACT'));
  });

  it('refuses to predict before fit, and a non-finite target', () => {
    assert.throws(() => new DecisionTreeRegressor().predict(matrix([[1]])), isCode('INVALID_ARGUMENT'));
    assert.throws(() => new DecisionTreeRegressor().fit(matrix([[1, 2]]), Float64Array.of(1, Number.NaN)), /targets must be finite/);
  });
});
