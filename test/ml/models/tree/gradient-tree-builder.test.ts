import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRows } from '../../../../shared/ml/dataset/dataset.js';
import { FeatureBinner } from '../../../../shared/ml/models/tree/binner.js';
import { GradientTreeBuilder } from '../../../../shared/ml/models/tree/gradient-tree-builder.js';
import { HistogramTreeBuilder } from '../../../../shared/ml/models/tree/histogram-tree-builder.js';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { Rng } from '../../../../shared/ml/random/rng.js';
import { threeBlobs } from './tree-test-data.js';

describe('GradientTreeBuilder', () => {
  for (const withMissing of [false, true]) {
    it(`grows the CART builder's squared-error tree and reports its leaves as segments (missing ${withMissing})`, () => {
      const data = threeBlobs(80, 21);
      if (withMissing) for (let r = 0; r < data.nRows; r += 7) data.columns[r % 2]![r] = Number.NaN;
      const targets = Float64Array.from(data.y, (k, r) => k * 1.5 + Math.sin(r));
      const rows = allRows(data.nRows);
      const limits = { maxDepth: 4, minSamplesSplit: 2, minSamplesLeaf: 2, maxFeatures: 3 };

      const cartBinner = new FeatureBinner(32).fit(data);
      const cart = new NodeStore(1, 3);
      new HistogramTreeBuilder(cartBinner.transform(data), cartBinner, 'squared_error', null, 1).build(cart, {
        rows: rows.slice(),
        count: rows.length,
        weights: null,
        targets,
        limits,
        rng: new Rng(1),
      });

      const binner = new FeatureBinner(32);
      const builder = new GradientTreeBuilder(binner.fitBinRows(data, rows, 'both'), binner);
      const store = new NodeStore(1, 3);
      const positions = rows.slice();
      builder.build(store, { positions, count: rows.length, gradient: targets, limits, rng: new Rng(1), allPositions: true });

      assert.deepEqual(store.feature.subarray(0, store.size), cart.feature.subarray(0, cart.size));
      assert.deepEqual(store.threshold.subarray(0, store.size), cart.threshold.subarray(0, cart.size));
      assert.deepEqual(store.missingLeft.subarray(0, store.size), cart.missingLeft.subarray(0, cart.size));
      // Each leaf segment holds exactly the rows that reach that leaf, and the segments cover every row once.
      let covered = 0;
      for (let leaf = 0; leaf < builder.leafCount; leaf++) {
        for (let j = builder.leafStart[leaf]!; j < builder.leafEnd[leaf]!; j++) {
          assert.equal(store.findLeaf(0, data.columns, positions[j]!), builder.leafNode[leaf]);
          assert.equal(builder.leafOf(store, 0, positions[j]!), builder.leafNode[leaf]);
          covered++;
        }
      }
      assert.equal(covered, rows.length);
    });
  }
});

describe('GradientTreeBuilder with leafOfPosition', () => {
  for (const [withMissing, maxDepth] of [
    [false, 3],
    [true, 3],
    [true, 5],
  ] as const) {
    it(`grows the same tree and numbers every row's leaf (missing ${withMissing}, depth ${maxDepth})`, () => {
      const data = threeBlobs(120, 7);
      if (withMissing) for (let r = 0; r < data.nRows; r += 5) data.columns[r % 3]![r] = Number.NaN;
      const targets = Float64Array.from(data.y, (k, r) => k - 1 + 0.3 * Math.cos(r));
      const rows = allRows(data.nRows);
      const limits = { maxDepth, minSamplesSplit: 2, minSamplesLeaf: 3, maxFeatures: 3 };
      const binner = new FeatureBinner(16);
      const builder = new GradientTreeBuilder(binner.fitBinRows(data, rows, 'both'), binner);

      const plain = new NodeStore(1, 3);
      builder.build(plain, { positions: rows.slice(), count: rows.length, gradient: targets, limits, rng: new Rng(3), allPositions: true });
      const store = new NodeStore(1, 3);
      const leafOf = new Int32Array(rows.length).fill(-1);
      builder.build(store, {
        positions: rows.slice(),
        count: rows.length,
        gradient: targets,
        limits,
        rng: new Rng(3),
        allPositions: true,
        leafOfPosition: leafOf,
      });

      assert.deepEqual(store.feature.subarray(0, store.size), plain.feature.subarray(0, plain.size));
      assert.deepEqual(store.threshold.subarray(0, store.size), plain.threshold.subarray(0, plain.size));
      assert.deepEqual(store.value.subarray(0, store.size), plain.value.subarray(0, plain.size));
      const rowsPerLeaf = new Int32Array(builder.leafCount);
      for (let r = 0; r < rows.length; r++) {
        const leaf = leafOf[r]!;
        assert.ok(leaf >= 0 && leaf < builder.leafCount, `row ${r} has leaf ${leaf}`);
        assert.equal(builder.leafNode[leaf], store.findLeaf(0, data.columns, r));
        assert.equal(builder.leafIndexOf(store, 0, r), leaf);
        rowsPerLeaf[leaf] = rowsPerLeaf[leaf]! + 1;
      }
      for (let leaf = 0; leaf < builder.leafCount; leaf++) assert.equal(rowsPerLeaf[leaf], builder.leafEnd[leaf]! - builder.leafStart[leaf]!);
    });
  }
});
