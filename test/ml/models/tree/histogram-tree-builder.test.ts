import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRows } from '../../../../shared/ml/dataset/dataset.js';
import { FeatureBinner } from '../../../../shared/ml/models/tree/binner.js';
import { HistogramTreeBuilder } from '../../../../shared/ml/models/tree/histogram-tree-builder.js';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { Rng } from '../../../../shared/ml/random/rng.js';
import { threeBlobs } from './tree-test-data.js';

/** Grows one tree; maxFeatures p uses histogram subtraction, p − 0.5 the per-feature path over all p features. */
function grow(criterion: 'gini' | 'entropy' | 'squared_error', maxFeatures: number, withMissing: boolean, weighted: boolean): NodeStore {
  const data = threeBlobs(80, 21);
  if (withMissing) for (let r = 0; r < data.nRows; r += 7) data.columns[r % 2]![r] = Number.NaN;
  const binner = new FeatureBinner(32).fit(data);
  const classes = criterion === 'squared_error' ? null : data.y;
  const builder = new HistogramTreeBuilder(binner.transform(data), binner, criterion, classes, 3);
  const store = new NodeStore(criterion === 'squared_error' ? 1 : 3, 3);
  const weights = weighted ? Float64Array.from({ length: data.nRows }, (_, r) => 1 + (r % 3)) : null;
  const targets = Float64Array.from(data.y, (k, r) => k * 1.5 + Math.sin(r));
  const rows = allRows(data.nRows);
  builder.build(store, {
    rows,
    count: rows.length,
    weights,
    targets,
    // Classification leaves are kept large: in small pure-able nodes several features tie, and the
    // per-feature path visits features in random order, so a tie could pick another feature.
    limits: { maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: classes === null ? 2 : 15, maxFeatures },
    rng: new Rng(1),
  });
  return store;
}

describe('HistogramTreeBuilder', () => {
  const cases = [
    ['gini', false, false],
    ['gini', true, true],
    ['entropy', true, false],
    ['squared_error', false, false],
    ['squared_error', true, true],
  ] as const;
  for (const [criterion, withMissing, weighted] of cases) {
    it(`grows the same tree with and without histogram subtraction (${criterion}, missing ${withMissing}, weighted ${weighted})`, () => {
      const subtraction = grow(criterion, 3, withMissing, weighted);
      const direct = grow(criterion, 2.5, withMissing, weighted);
      assert.equal(direct.size, subtraction.size);
      assert.deepEqual(direct.feature, subtraction.feature);
      assert.deepEqual(direct.threshold, subtraction.threshold);
      assert.deepEqual(direct.missingLeft, subtraction.missingLeft);
      for (let i = 0; i < direct.value.length; i++) assert.ok(Math.abs(direct.value[i]! - subtraction.value[i]!) < 1e-9);
    });
  }
});
