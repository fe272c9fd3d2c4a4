import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy } from '../../../shared/ml/metrics/accuracy-score.js';
import { confusionMatrix } from '../../../shared/ml/metrics/confusion-matrix.js';
import { logLoss } from '../../../shared/ml/metrics/log-loss.js';
import { mean, meanStd, pairwiseSum, std } from '../../../shared/ml/metrics/mean-std.js';
import { computeMetrics, METRIC_NAMES } from '../../../shared/ml/metrics/metric-names.js';
import { f1, precision, precisionRecallF1, recall } from '../../../shared/ml/metrics/precision-recall-f1.js';
import { rocAuc } from '../../../shared/ml/metrics/roc-auc-score.js';

// Every expected number below was printed by scikit-learn 1.2.1 / numpy 1.24 for the same inputs.

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);

/** Row-major n×2 probabilities from P(class 1). */
function binaryProba(p1: number[]): Float64Array {
  const out = new Float64Array(p1.length * 2);
  for (let i = 0; i < p1.length; i++) {
    out[2 * i] = 1 - p1[i]!;
    out[2 * i + 1] = p1[i]!;
  }
  return out;
}

// Binary case with tied scores (0.35 ×3, 0.6 ×2).
const yBinary = Int32Array.from([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1]);
const pBinary = binaryProba([0.1, 0.8, 0.35, 0.35, 0.9, 0.2, 0.6, 0.6, 0.35, 0.0, 1.0, 0.45]);
const predBinary = Int32Array.from([0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0]);

// Three classes; row 3 ties classes 1 and 2 (argmax → 1).
const yMulti = Int32Array.from([0, 1, 2, 2, 1, 0, 2, 1, 0, 0, 2, 1, 1]);
const pMulti = Float64Array.from([
  0.33688219083814136, 0.5184083371625832, 0.1447094719992755, 0.13709494665374614, 0.42840825980005576, 0.43449679354619813, 0.32007545057654463,
  0.5539009248401536, 0.12602362458330174, 0.2, 0.4, 0.4, 0.4186865975755726, 0.130479458233856, 0.4508339441905714, 0.5147006070666018, 0.013979906642603743,
  0.4713194862907945, 0.25653040961266915, 0.45845913056750986, 0.285010459819821, 0.6112730371228834, 0.30043662472514254, 0.08829033815197407,
  0.29485418993104867, 0.5680393875027633, 0.13710642256618816, 0.07177192873300411, 0.1404058166659001, 0.7878222546010958, 0.519665082956237,
  0.1554897128400682, 0.3248452042036948, 0.7658271216155971, 0.19453332059514417, 0.039639557789258775, 0.45585920358073573, 0.351089614371888,
  0.19305118204737634,
]);
const predMulti = Int32Array.from([1, 2, 1, 1, 2, 0, 1, 0, 1, 2, 0, 0, 0]);

describe('accuracy', () => {
  it('is the fraction of exact matches', () => {
    close(accuracy(yBinary, predBinary), 0.6666666666666666);
    close(accuracy(yMulti, predMulti), 0.07692307692307693);
  });
  it('rejects mismatched lengths', () => {
    assert.throws(() => accuracy(Int32Array.from([0]), Int32Array.from([0, 1])), /1 labels but yPred has 2/);
  });
});

describe('confusionMatrix', () => {
  it('counts rows = true class, columns = predicted class', () => {
    assert.deepEqual(Array.from(confusionMatrix(yBinary, predBinary, 2)), [4, 1, 3, 4]);
    assert.deepEqual(Array.from(confusionMatrix(yMulti, predMulti, 3)), [1, 2, 1, 3, 0, 2, 1, 3, 0]);
  });
});

describe('precision / recall / f1', () => {
  it('uses class 1 as positive for two classes', () => {
    close(precision(yBinary, predBinary, 2), 0.8);
    close(recall(yBinary, predBinary, 2), 0.5714285714285714);
    close(f1(yBinary, predBinary, 2), 0.6666666666666666);
  });
  it('macro-averages over classes for more than two', () => {
    const s = precisionRecallF1(yMulti, predMulti, 3);
    close(s.precision, 0.06666666666666667);
    close(s.recall, 0.08333333333333333);
    close(s.f1, 0.07407407407407408);
  });
  it('averages only the labels present in yTrue or yPred (unique_labels)', () => {
    const s = precisionRecallF1(Int32Array.from([0, 1, 2, 0, 1, 2, 0]), Int32Array.from([0, 2, 2, 0, 1, 1, 1]), 4);
    close(s.precision, 0.611111111111111);
    close(s.recall, 0.5555555555555555);
    close(s.f1, 0.5666666666666668);
  });
  it('scores 0 when undefined (zero_division)', () => {
    assert.deepEqual(precisionRecallF1(Int32Array.from([0, 1, 0]), Int32Array.from([0, 0, 0]), 2), { precision: 0, recall: 0, f1: 0 });
  });
});

describe('rocAuc', () => {
  it('gives tied scores half credit (binary, column 1)', () => {
    close(rocAuc(yBinary, pBinary, 2), 0.8714285714285714);
  });
  it('is one-vs-rest macro for more than two classes', () => {
    close(rocAuc(yMulti, pMulti, 3), 0.39444444444444443);
  });
  it('is 1 for a perfect ranking and 0.5 for constant scores', () => {
    close(rocAuc(Int32Array.from([0, 0, 1, 1]), binaryProba([0.1, 0.2, 0.3, 0.4]), 2), 1);
    close(rocAuc(Int32Array.from([0, 1, 0, 1]), binaryProba([0.5, 0.5, 0.5, 0.5]), 2), 0.5);
  });
  it('is NaN (scikit-learn raises) when a class is missing from yTrue', () => {
    assert.ok(Number.isNaN(rocAuc(Int32Array.from([1, 1]), binaryProba([0.2, 0.7]), 2)));
    assert.ok(Number.isNaN(rocAuc(Int32Array.from([0, 1]), Float64Array.from([0.5, 0.3, 0.2, 0.1, 0.6, 0.3]), 3)));
  });
});

describe('logLoss', () => {
  it('averages −log p(true class)', () => {
    close(logLoss(yBinary, pBinary, 2), 0.4510882792409832);
    close(logLoss(yMulti, pMulti, 3), 1.3650417496477032);
  });
  it("clips with eps='auto' (float64 eps) and renormalises rows", () => {
    close(logLoss(Int32Array.from([0, 1, 1]), binaryProba([0, 1, 0]), 2), 12.014551129705717);
    close(logLoss(Int32Array.from([0, 1, 2]), Float64Array.from([0.5, 0.5, 0, 0.2, 0.3, 0.5, 0, 0, 1]), 3), 0.632373328295294);
  });
});

describe('mean / std', () => {
  it('matches numpy for cross-validation scores', () => {
    const scores = [0.69375, 0.7125, 0.65, 0.68125, 0.71875];
    assert.equal(mean(scores), 0.6912499999999999);
    assert.equal(std(scores), 0.02455860338048562);
  });
  it("reproduces numpy's pairwise summation bit for bit", () => {
    const x = new Float64Array(1000);
    for (let i = 0; i < 1000; i++) x[i] = ((i * 7919) % 1000) / 7 + 1e6;
    assert.equal(pairwiseSum(x), 1000071357.1428571);
    const s = meanStd(x);
    assert.equal(s.mean, 1000071.357142857);
    assert.equal(s.std, 41.23928432245859);
  });
});

describe('computeMetrics', () => {
  it('computes every metric from probabilities', () => {
    const m = computeMetrics(yBinary, pBinary, 2);
    assert.deepEqual(Object.keys(m).sort(), [...METRIC_NAMES].sort());
    close(m.accuracy, 0.6666666666666666);
    close(m.precision, 0.8);
    close(m.recall, 0.5714285714285714);
    close(m.f1_score, 0.6666666666666666);
    close(m.auc_roc, 0.8714285714285714);
    close(m.log_loss, 0.4510882792409832);
  });
});
