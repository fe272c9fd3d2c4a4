import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { approximateMode, trainTestSplit } from '../../../shared/ml/dataset/train-test-split.js';
import { Rng } from '../../../shared/ml/random/rng.js';

function labels(counts: number[]): Int32Array {
  const y: number[] = [];
  for (let k = 0; k < counts.length; k++) for (let i = 0; i < counts[k]!; i++) y.push(k);
  // Interleave deterministically so classes are not in blocks.
  const out = Int32Array.from(y);
  new Rng(99).shuffle(out);
  return out;
}

function assertPartition(n: number, train: Uint32Array, test: Uint32Array): void {
  const seen = new Uint8Array(n);
  for (const i of train) seen[i]!++;
  for (const i of test) seen[i]!++;
  assert.ok(
    seen.every((v) => v === 1),
    'train and test partition the rows',
  );
}

describe('trainTestSplit', () => {
  it('sizes the test set as ceil(test_size × n) (scikit-learn)', () => {
    const y = labels([50, 51]);
    const { train, test } = trainTestSplit(y, 2, { testSize: 0.25, randomState: 1, stratify: false });
    assert.equal(test.length, 26); // ceil(25.25)
    assert.equal(train.length, 75);
    assertPartition(101, train, test);
  });

  it('accepts an integer test count', () => {
    const { train, test } = trainTestSplit(labels([10, 10]), 2, { testSize: 3, randomState: 1, stratify: false });
    assert.equal(test.length, 3);
    assert.equal(train.length, 17);
  });

  it('is deterministic for a seed', () => {
    const y = labels([40, 60]);
    const a = trainTestSplit(y, 2, { testSize: 0.2, randomState: 5, stratify: true });
    const b = trainTestSplit(y, 2, { testSize: 0.2, randomState: 5, stratify: true });
    const c = trainTestSplit(y, 2, { testSize: 0.2, randomState: 6, stratify: true });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.test, c.test);
  });

  it('keeps class proportions when stratifying (scikit-learn allocation)', () => {
    // 1000 rows, 70/20/10 %: test 200 → 140/40/20, train 560/160/80.
    const y = labels([700, 200, 100]);
    const { train, test } = trainTestSplit(y, 3, { testSize: 0.2, randomState: 3, stratify: true });
    assertPartition(1000, train, test);
    const testCounts = [0, 0, 0];
    for (const i of test) testCounts[y[i]!]!++;
    assert.deepEqual(testCounts, [140, 40, 20]);
  });

  it('rounds stratified allocations like _approximate_mode', () => {
    // 3 classes of 5, 5, 3 rows; test ceil(0.3 × 13) = 4, train 9 → train 3/3/2 or 4/3/2 etc.
    const y = labels([5, 5, 3]);
    for (let seed = 0; seed < 20; seed++) {
      const { train, test } = trainTestSplit(y, 3, { testSize: 0.3, randomState: seed, stratify: true });
      assert.equal(test.length, 4);
      assert.equal(train.length, 9);
      const trainCounts = [0, 0, 0];
      for (const i of train) trainCounts[y[i]!]!++;
      // continuous: 3.46, 3.46, 2.08 → floors 3, 3, 2 plus one for class 0 or 1.
      assert.equal(trainCounts[2], 2);
      assert.equal(trainCounts[0]! + trainCounts[1]!, 7);
    }
  });

  it('takes the last rows as test without shuffle', () => {
    const { train, test } = trainTestSplit(labels([5, 5]), 2, { testSize: 0.3, randomState: 0, stratify: false, shuffle: false });
    assert.deepEqual(Array.from(test), [7, 8, 9]);
    assert.deepEqual(Array.from(train), [0, 1, 2, 3, 4, 5, 6]);
  });

  const errors: Array<[string, Int32Array, number, Parameters<typeof trainTestSplit>[2], RegExp]> = [
    ['a class with one member', labels([10, 1]), 2, { testSize: 0.3, randomState: 0, stratify: true }, /only 1 member/],
    ['a test set smaller than the class count', labels([10, 10, 10]), 3, { testSize: 2, randomState: 0, stratify: true }, /at least one row per class/],
    ['test_size 0', labels([5, 5]), 2, { testSize: 0, randomState: 0, stratify: false }, /fraction in \(0, 1\)/],
    ['test_size ≥ n', labels([5, 5]), 2, { testSize: 10, randomState: 0, stratify: false }, /smaller than the number of rows/],
    ['stratify without shuffle', labels([5, 5]), 2, { testSize: 0.5, randomState: 0, stratify: true, shuffle: false }, /requires shuffle/],
  ];
  for (const [what, y, k, options, pattern] of errors) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => trainTestSplit(y, k, options),
        (error: unknown) => error instanceof InvalidInputError && pattern.test(error.message),
      );
    });
  }
});

describe('approximateMode', () => {
  it('returns the floors plus the largest remainders', () => {
    const rng = new Rng(1);
    assert.deepEqual(Array.from(approximateMode(Float64Array.from([700, 200, 100]), 200, rng)), [140, 40, 20]);
    // 10 × [0.5, 0.3, 0.2] = 5, 3, 2 exactly; 7 draws of [3, 3, 1]: 3, 3, 1.
    assert.deepEqual(Array.from(approximateMode(Float64Array.from([3, 3, 1]), 7, rng)), [3, 3, 1]);
    // 4 draws of [2, 2, 2]: 1.33 each → 1, 1, 1 plus one at random.
    const r = approximateMode(Float64Array.from([2, 2, 2]), 4, rng);
    assert.equal(r[0]! + r[1]! + r[2]!, 4);
    assert.ok(r.every((v) => v === 1 || v === 2));
  });
});
