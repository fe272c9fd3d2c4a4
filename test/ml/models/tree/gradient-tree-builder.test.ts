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
