import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../../shared/ml/random/rng.js';
import {
  accumulateOrderedClassHistogram,
  accumulateOrderedRegressionHistogram,
  OCCUPIED_WORDS,
  scanBinaryGiniCut,
  scanFeatureHistogram,
  SplitCandidate,
  STAT_TARGET,
} from '../../../../shared/ml/models/tree/histogram-split-search.js';
import { accumulateTwoBinBinaryClassHistogram, accumulateTwoBinRegressionHistogram } from '../../../../shared/ml/models/tree/two-bin-histogram.js';

/** A node of `m` rows out of 200: a 0/1 column, bootstrap-like weights, two classes, real targets. */
function node(m: number, seed: number) {
  const rng = new Rng(seed);
  const bins = new Uint8Array(200);
  for (let r = 0; r < 200; r++) bins[r] = rng.next() < 0.3 ? 1 : 0;
  const rows = new Uint32Array(m);
  for (let i = 0; i < m; i++) rows[i] = (i * 7 + seed) % 200;
  const weight = new Float64Array(m);
  const target = new Int32Array(m);
  const weightedTarget = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    weight[i] = 1 + rng.nextInt(3);
    target[i] = STAT_TARGET + rng.nextInt(2);
    weightedTarget[i] = weight[i]! * (rng.next() * 200 - 100);
  }
  return { bins, rows, weight, target, weightedTarget };
}

/** Node totals (count, weight, targets…) from a histogram's value bins 0 and 1. */
function totalsOf(hist: Float64Array, stride: number): Float64Array {
  const totals = new Float64Array(stride);
  for (let s = 0; s < stride; s++) totals[s] = hist[s]! + hist[stride + s]!;
  return totals;
}

describe('two-bin histograms', () => {
  for (const m of [1, 2, 17, 150]) {
    it(`sum bin 0 to the same doubles as the general kernels, bin 1 as totals − bin 0 (${m} rows)`, () => {
      const { bins, rows, weight, target, weightedTarget } = node(m, m);
      const occupied = new Uint32Array(OCCUPIED_WORDS);

      const generalClass = new Float64Array(3 * 4);
      accumulateOrderedClassHistogram(generalClass, 4, bins, 1, 0, rows, 0, m, target, weight, occupied);
      const classTotals = totalsOf(generalClass, 4);
      const twoBinClass = new Float64Array(3 * 4);
      assert.equal(accumulateTwoBinBinaryClassHistogram(twoBinClass, bins, 1, 0, rows, 0, m, target, weight, classTotals), true);
      assert.deepEqual(twoBinClass.subarray(0, 4), generalClass.subarray(0, 4));
      for (let s = 0; s < 4; s++) assert.equal(twoBinClass[4 + s], classTotals[s]! - generalClass[s]!);

      const generalRegression = new Float64Array(3 * 3);
      accumulateOrderedRegressionHistogram(generalRegression, bins, Int32Array.from(rows), 0, m, weight, weightedTarget, occupied);
      const regressionTotals = totalsOf(generalRegression, 3);
      const twoBinRegression = new Float64Array(3 * 3);
      assert.equal(accumulateTwoBinRegressionHistogram(twoBinRegression, bins, 1, 0, rows, 0, m, weight, weightedTarget, regressionTotals), true);
      assert.deepEqual(twoBinRegression.subarray(0, 3), generalRegression.subarray(0, 3));
      assert.equal(twoBinRegression[3], generalRegression[3]);
    });
  }

  it('writes nothing and says so when a row of the node has the value missing (bin 2)', () => {
    const { bins, rows, weight, target, weightedTarget } = node(40, 3);
    bins[rows[39]!] = 2;
    const hist = new Float64Array(12);
    assert.equal(accumulateTwoBinBinaryClassHistogram(hist, bins, 1, 0, rows, 0, 40, target, weight, new Float64Array(4)), false);
    assert.equal(accumulateTwoBinRegressionHistogram(hist, bins, 1, 0, rows, 0, 40, weight, weightedTarget, new Float64Array(3)), false);
    assert.ok(hist.every((v) => v === 0));
  });

  it("scores a two-class column from bin 0's scalars as the general scan of bins 0 and 1 does", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const m = 2 + (seed % 30);
      const { bins, rows, weight, target } = node(m, seed);
      const hist = new Float64Array(3 * 4);
      accumulateOrderedClassHistogram(hist, 4, bins, 1, 0, rows, 0, m, target, weight, new Uint32Array(OCCUPIED_WORDS));
      const totals = totalsOf(hist, 4);
      for (const minLeaf of [1, 3]) {
        const general = new SplitCandidate(4);
        const listed = Int32Array.from([0, 1].filter((b) => hist[b * 4]! > 0));
        const nonConstant = scanFeatureHistogram('gini', hist, 0, 2, 4, listed, listed.length, totals, minLeaf, 7, new Float64Array(4), general);
        const scalar = new SplitCandidate(4);
        assert.equal(scanBinaryGiniCut(hist[0]!, hist[2]!, hist[3]!, hist[4]!, totals, minLeaf, 7, scalar), nonConstant);
        assert.deepEqual(
          [scalar.score, scalar.feature, scalar.lastLeftBin, scalar.firstRightBin, scalar.missingLeft, [...scalar.left]],
          [general.score, general.feature, general.lastLeftBin, general.firstRightBin, general.missingLeft, [...general.left]],
        );
      }
    }
  });
});
