import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRows, type FeatureMatrix } from '../../../../shared/ml/dataset/dataset.js';
import { FeatureBinner } from '../../../../shared/ml/models/tree/binner.js';
import { findExclusiveBundles } from '../../../../shared/ml/models/tree/exclusive-bundles.js';
import { HistogramTreeBuilder, type TreeBuilderOptions } from '../../../../shared/ml/models/tree/histogram-tree-builder.js';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

const CARDINALITIES = [5, 12];

/**
 * Two numeric columns, the one-hot columns of two skewed categoricals (5 + 12 wide), and a dense
 * binary column that overlaps them; labels of 3 classes and an integer-valued target (exact sums).
 */
function oneHotTable(n: number): { X: FeatureMatrix; classes: Int32Array; targets: Float64Array } {
  const rng = new Rng(5);
  const columns: Float64Array[] = [];
  const score = new Float64Array(n);
  for (let j = 0; j < 2; j++) {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      column[i] = Math.round(rng.normal() * 20);
      score[i] = score[i]! + column[i]! / 20;
    }
    columns.push(column);
  }
  for (const k of CARDINALITIES) {
    const oneHot = Array.from({ length: k }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      const code = Math.min(k - 1, Math.floor(u * u * k));
      oneHot[code]![i] = 1;
      score[i] = score[i]! + Math.sin(code * 1.7 + k);
    }
    columns.push(...oneHot);
  }
  columns.push(Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)));
  const classes = Int32Array.from(score, (s, i) => (s + (i % 7) / 7 > 1 ? 2 : s > 0 ? 1 : 0));
  const targets = Float64Array.from(score, (s, i) => Math.round(s * 4) + (i % 5));
  return { X: { nRows: n, columns }, classes, targets };
}

function growTrees(criterion: 'gini' | 'entropy' | 'squared_error', nClasses: number, maxFeatures: number, useLayouts: boolean, weightScale = 1): NodeStore {
  const { X, classes, targets } = oneHotTable(3000);
  const labels = nClasses === 2 ? Int32Array.from(classes, (k) => (k === 0 ? 0 : 1)) : classes;
  const binner = new FeatureBinner(64);
  const bins = binner.fitBinRows(X, allRows(X.nRows), 'columns');
  const binned = { nRows: bins.nRows, columns: bins.columns!, nBins: bins.nBins };
  const options: TreeBuilderOptions = useLayouts ? { bundles: findExclusiveBundles(binned), binsInRecords: true } : {};
  const isClassification = criterion !== 'squared_error';
  const builder = new HistogramTreeBuilder(binned, binner, criterion, isClassification ? labels : null, nClasses, options);
  const store = new NodeStore(isClassification ? nClasses : 1, X.columns.length);
  const rng = new Rng(3);
  for (let t = 0; t < 3; t++) {
    // Bootstrap-like integer weights (or halves of them: not integers, so no packed counts): sums stay
    // exact, so both paths must pick the very same splits.
    const weights = Float64Array.from({ length: X.nRows }, (_, r) => ((r * 7 + t) % 4 === 0 ? 0 : 1 + ((r + t) % 3)) * weightScale);
    const rows = Uint32Array.from(allRows(X.nRows).filter((r) => weights[r]! > 0));
    builder.build(store, { rows, count: rows.length, weights, targets, limits: { maxDepth: 30, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures }, rng });
  }
  return store;
}

describe('findExclusiveBundles', () => {
  it("bundles each categorical's one-hot columns and leaves numeric and overlapping binary columns out", () => {
    const { X } = oneHotTable(2000);
    const binner = new FeatureBinner();
    const bins = binner.fitBinRows(X, allRows(X.nRows), 'columns');
    const bundles = findExclusiveBundles({ nRows: bins.nRows, columns: bins.columns!, nBins: bins.nBins })!;
    assert.equal(bundles.nBundles, 2);
    assert.deepEqual(Array.from(bundles.bundleOf), [-1, -1, ...Array<number>(5).fill(0), ...Array<number>(12).fill(1), -1]);
    assert.deepEqual(Array.from(bundles.codeOf.subarray(2, 7)), [0, 1, 2, 3, 4]);
    assert.equal(bundles.nSlots, 5 + 1 + 12 + 1);
    // A row's code in a bundle is the one column of it that is 1 there.
    for (let i = 0; i < X.nRows; i++) {
      for (let g = 0; g < 2; g++) {
        const code = bundles.codes[i * 2 + g]!;
        const first = g === 0 ? 2 : 7;
        assert.equal(X.columns[first + code]![i], 1);
      }
    }
  });

  it('finds nothing to bundle without two exclusive two-valued columns', () => {
    const columns = [Float64Array.of(0, 1, 1, 0), Float64Array.of(1, 1, 0, 0), Float64Array.of(0.5, 2, 3, 4)];
    const binner = new FeatureBinner();
    const bins = binner.fitBinRows({ nRows: 4, columns }, allRows(4), 'columns');
    assert.equal(findExclusiveBundles({ nRows: 4, columns: bins.columns!, nBins: bins.nBins }), null);
  });
});

describe('HistogramTreeBuilder with bundles and row-major bins', () => {
  const cases = [
    ['gini', 2, 5, 1],
    ['gini', 2, 5, 0.5],
    ['entropy', 2, 5, 1],
    ['gini', 3, 5, 1],
    ['gini', 2, 20, 1],
    ['squared_error', 1, 5, 1],
    ['squared_error', 1, 20, 1],
  ] as const;
  for (const [criterion, nClasses, maxFeatures, weightScale] of cases) {
    it(`grows the same trees as the column-only builder (${criterion}, ${nClasses} outputs, max_features ${maxFeatures}, weights × ${weightScale})`, () => {
      const plain = growTrees(criterion, nClasses, maxFeatures, false, weightScale);
      const fast = growTrees(criterion, nClasses, maxFeatures, true, weightScale);
      assert.ok(plain.size > 300, `trees of ${plain.size} nodes are too small to reach the small-node paths`);
      assert.equal(fast.size, plain.size);
      assert.deepEqual(fast.feature, plain.feature);
      assert.deepEqual(fast.threshold, plain.threshold);
      assert.deepEqual(fast.missingLeft, plain.missingLeft);
      for (let i = 0; i < plain.value.length; i++) assert.ok(Math.abs(fast.value[i]! - plain.value[i]!) < 1e-9);
    });
  }
});
