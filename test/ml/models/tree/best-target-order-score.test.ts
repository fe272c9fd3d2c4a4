import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestTargetOrderScore, TARGET_ORDER_BOUND_MARGIN } from '../../../../shared/ml/models/tree/best-target-order-score.js';
import { scanSortedRegressionRows, SplitCandidate, STAT_TARGET } from '../../../../shared/ml/models/tree/histogram-split-search.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

/** A node of m rows: bootstrap-like weights 1–3 and targets in [−100, 100), gathered as the builder does. */
function node(m: number, seed: number) {
  const rng = new Rng(seed);
  const weight = new Float64Array(m);
  const weightedTarget = new Float64Array(m);
  let totalWeight = 0;
  let totalSum = 0;
  for (let i = 0; i < m; i++) {
    weight[i] = 1 + rng.nextInt(3);
    weightedTarget[i] = weight[i]! * (rng.next() * 200 - 100);
    totalWeight += weight[i]!;
    totalSum += weightedTarget[i]!;
  }
  return { weight, weightedTarget, totalWeight, totalSum, rng };
}

function bound(m: number, n: ReturnType<typeof node>): number {
  return bestTargetOrderScore(m, n.weight, n.weightedTarget, n.totalWeight, n.totalSum, new Int32Array(m), new Float64Array(m));
}

describe('bestTargetOrderScore', () => {
  for (const m of [2, 3, 5, 8, 11]) {
    it(`is the best score over every split of ${m} rows into two sides (brute force)`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const n = node(m, seed * 31 + m);
        let best = 0;
        for (let mask = 1; mask < (1 << m) - 1; mask++) {
          let weightL = 0;
          let sum = 0;
          for (let i = 0; i < m; i++) {
            if ((mask >> i) & 1) {
              weightL += n.weight[i]!;
              sum += n.weightedTarget[i]!;
            }
          }
          const weightR = n.totalWeight - weightL;
          const sumR = n.totalSum - sum;
          best = Math.max(best, (sum * sum) / weightL + (sumR * sumR) / weightR);
        }
        const found = bound(m, n);
        assert.ok(Math.abs(found - best) <= best * 1e-12, `seed ${seed}: ${found} vs brute force ${best}`);
      }
    });
  }

  it("is never beaten by a feature's best split (the sorted scan of random bins)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const m = 2 + (seed % 15);
      const n = node(m, seed);
      const bins = new Uint8Array(m);
      for (let i = 0; i < m; i++) bins[i] = n.rng.nextInt(1 + (seed % 6));
      const offsets = Int32Array.from({ length: m }, (_, i) => i);
      const totals = new Float64Array(3);
      totals[0] = m;
      totals[1] = n.totalWeight;
      totals[STAT_TARGET] = n.totalSum;
      const best = new SplitCandidate(3);
      scanSortedRegressionRows(new Int32Array(16), bins, offsets, 0, 255, m, n.weight, n.weightedTarget, totals, 1, 0, best);
      assert.ok(best.score <= bound(m, n) * (1 + TARGET_ORDER_BOUND_MARGIN), `seed ${seed}`);
    }
  });
});
