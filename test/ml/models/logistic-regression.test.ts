import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { takeRows, type Dataset } from '../../../shared/ml/dataset/dataset.js';
import { LogisticRegression } from '../../../shared/ml/models/logistic-regression.js';

/**
 * 60 rows × 3 features defined by formula, so scikit-learn can rebuild the same data:
 *   X[i, j] = sin(i·(j+1)·0.7 + j)·(j+1)
 *   y3[i] = floor(3·((sin(1.3·i) + 0.3·X[i,0] + 1.7) mod 1)),  yb[i] = X[i,0] + 0.5·X[i,1] + sin(1.3·i) > 0
 * Reference values: sklearn 1.2.1 LogisticRegression(max_iter=100000, tol=1e-13, ...).
 */
const N = 60;
const columns = [0, 1, 2].map((j) => {
  const col = new Float64Array(N);
  for (let i = 0; i < N; i++) col[i] = Math.sin(i * (j + 1) * 0.7 + j) * (j + 1);
  return col;
});
const X = { nRows: N, columns };
const y3 = new Int32Array(N);
const yb = new Int32Array(N);
for (let i = 0; i < N; i++) {
  const v = Math.sin(i * 1.3) + columns[0]![i]! * 0.3 + 1.7;
  y3[i] = Math.floor(3 * (v % 1));
  yb[i] = columns[0]![i]! + 0.5 * columns[1]![i]! + Math.sin(i * 1.3) > 0 ? 1 : 0;
}

const CASES = [
  { name: 'binary, C=1', params: {}, y: yb, coef: [1.498914046, 0.850250292, 0.005549694], intercept: [0.062325837] },
  {
    name: 'binary, C=0.3, balanced class weights',
    params: { C: 0.3, class_weight: 'balanced' },
    y: yb,
    coef: [1.001883901, 0.685235213, -0.030775001],
    intercept: [-0.039681613],
  },
  {
    name: 'multinomial, 3 classes',
    params: {},
    y: y3,
    coef: [-0.090644757, -0.118179535, 0.112618692, -0.259860218, -0.008608045, -0.021510634, 0.350504975, 0.12678758, -0.091108058],
    intercept: [-0.21776941, 0.09361608, 0.124153329],
  },
  {
    name: 'multinomial without intercept, C=2',
    params: { C: 2, fit_intercept: false },
    y: y3,
    coef: [-0.100519407, -0.111775507, 0.097251809, -0.303231117, -0.020500496, -0.011340441, 0.403750524, 0.132276004, -0.085911368],
    intercept: [0, 0, 0],
  },
];

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('LogisticRegression', () => {
  for (const c of CASES) {
    it(`reaches scikit-learn's optimum (${c.name})`, () => {
      const model = new LogisticRegression(c.params);
      model.fit(X, c.y);
      // sklearn's lbfgs stops ~1e-6 short of the optimum even at tol=1e-13 (scipy's factr test); Newton
      // lands on it (gradient ~1e-10), so the comparison allows 1e-5.
      assertClose(model.coef, c.coef, 1e-5);
      assertClose(model.intercept, c.intercept, 1e-5);
    });
  }

  it('returns probability rows that sum to one', () => {
    const model = new LogisticRegression({});
    model.fit(X, y3);
    const proba = model.predictProba(X);
    assert.equal(proba.length, N * 3);
    for (let i = 0; i < N; i++) assert.ok(Math.abs(proba[3 * i]! + proba[3 * i + 1]! + proba[3 * i + 2]! - 1) < 1e-12);
  });

  it('fits a row subset exactly as it fits the compacted rows', () => {
    const rows = Uint32Array.from({ length: 40 }, (_, i) => (i * 7) % N);
    const dataset: Dataset = { ...X, y: yb, featureNames: ['a', 'b', 'c'], classes: ['0', '1'] };
    const onRows = new LogisticRegression({});
    onRows.fit(X, yb, rows);
    const onCopy = new LogisticRegression({});
    const compact = takeRows(dataset, rows);
    onCopy.fit(compact, compact.y);
    assert.deepEqual(Array.from(onRows.coef), Array.from(onCopy.coef));
    assert.deepEqual(Array.from(onRows.predictProba(X, rows)), Array.from(onCopy.predictProba(compact)));
  });

  it('stops after max_iter iterations', () => {
    const model = new LogisticRegression({ max_iter: 1 });
    model.fit(X, yb);
    assert.equal(model.nIter, 1);
  });

  it('round-trips through JSON with identical predictions', () => {
    const model = new LogisticRegression({ C: 0.5 });
    model.fit(X, y3);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
    const loaded = LogisticRegression.fromJSON(json);
    assert.deepEqual(Array.from(loaded.predictProba(X)), Array.from(model.predictProba(X)));
    assert.equal(JSON.stringify(loaded.toJSON()), JSON.stringify(model.toJSON()));
  });

  const BAD_ARTIFACTS: Array<[string, unknown]> = [
    ['not an object', 42],
    ['wrong name', { name: 'random_forest' }],
    ['coef of the wrong size', { name: 'logistic_regression', version: 1, params: {}, nClasses: 2, nFeatures: 3, coef: [1], intercept: [0], nIter: 1 }],
    ['unknown version', { name: 'logistic_regression', version: 9, params: {}, nClasses: 2, nFeatures: 1, coef: [1], intercept: [0], nIter: 1 }],
  ];
  for (const [label, json] of BAD_ARTIFACTS) {
    it(`rejects a malformed artefact (${label}) with INVALID_ARTIFACT`, () => {
      assert.throws(
        () => LogisticRegression.fromJSON(json),
        (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_ARTIFACT',
      );
    });
  }

  it('rejects an out-of-range parameter with INVALID_MODEL naming it', () => {
    assert.throws(
      () => new LogisticRegression({ C: -1 }),
      (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_MODEL' && error.message.includes('C'),
    );
  });
});
