import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../shared/errors/index.js';
import type { FeatureMatrix } from '../../../shared/ml/dataset/dataset.js';
import { buildTransformers, transformerFromJSON } from '../../../shared/ml/preprocessing/build-preprocessing.js';
import { MinMaxScaler } from '../../../shared/ml/preprocessing/min-max-scaler.js';
import { RobustScaler } from '../../../shared/ml/preprocessing/robust-scaler.js';
import { SimpleImputer } from '../../../shared/ml/preprocessing/simple-imputer.js';
import { StandardScaler } from '../../../shared/ml/preprocessing/standard-scaler.js';
import { sortedPercentile } from '../../../shared/ml/preprocessing/transformer.js';

const nan = Number.NaN;
/** Rows as written below; stored columnar. */
const ROWS = [
  [1.5, nan, 3.0, 7.0, 0.1],
  [2.5, 4.0, 3.0, 7.0, 0.2],
  [nan, 4.0, 1.0, 7.0, 0.3],
  [-1.0, 2.0, 1.0, 7.0, 0.7],
  [10.0, 8.0, 5.0, 7.0, nan],
  [2.5, 2.0, 2.0, 7.0, 0.9],
];
function matrix(rows: number[][]): FeatureMatrix {
  const columns: Float64Array[] = [];
  for (let c = 0; c < rows[0]!.length; c++) columns.push(Float64Array.from(rows, (row) => row[c]!));
  return { nRows: rows.length, columns };
}
const X = matrix(ROWS);

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `[${i}] expected NaN, got ${a}`);
    else assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `[${i}] ${a} vs ${e}`);
  }
}

// Expected values: printed by scikit-learn 1.2.1 (numpy 1.24) estimators fitted on the matrix above.
describe('SimpleImputer', () => {
  const cases: Array<['mean' | 'median' | 'most_frequent', number[]]> = [
    ['mean', [3.1, 4.0, 2.5, 7.0, 0.44000000000000006]],
    ['median', [2.5, 4.0, 2.5, 7.0, 0.3]],
    ['most_frequent', [2.5, 2.0, 1.0, 7.0, 0.1]], // ties → smallest value (column 2: 2.0 and 4.0 twice each)
  ];
  for (const [strategy, expected] of cases) {
    it(`learns the ${strategy} of the observed values`, () => {
      const imputer = new SimpleImputer({ strategy });
      imputer.fit(X);
      assertClose(imputer.statistics!, expected);
      const out = imputer.transform(X);
      assert.equal(out.columns[0]![2], expected[0]);
      assert.equal(out.columns[1]![0], expected[1]);
      assert.equal(out.columns[0]![0], 1.5, 'observed values pass through');
    });
  }

  it('fills a constant', () => {
    const imputer = new SimpleImputer({ strategy: 'constant', fill_value: -9 });
    imputer.fit(X);
    assert.equal(imputer.transform(X).columns[4]![4], -9);
  });

  it('fits on the selected rows only', () => {
    const imputer = new SimpleImputer({ strategy: 'median' });
    imputer.fit(X, Uint32Array.from([0, 1, 3]));
    assertClose(imputer.statistics!, [1.5, 3.0, 3.0, 7.0, 0.2]);
  });

  it('fills 0 for a column with no observed value in the fit rows (keeps the shape)', () => {
    const imputer = new SimpleImputer({ strategy: 'mean' });
    imputer.fit(X, Uint32Array.from([2]));
    assert.equal(imputer.statistics![0], 0);
    assert.equal(imputer.transform(X).columns.length, 5);
  });

  for (const strategy of ['mean', 'median', 'most_frequent'] as const) {
    it(`fitted lazily on stable input, transforms and serialises exactly as an eager fit (${strategy})`, () => {
      const rows = Uint32Array.from([0, 1, 2, 4, 5]);
      const eager = new SimpleImputer({ strategy });
      eager.fit(X, rows);
      const lazy = new SimpleImputer({ strategy });
      lazy.fit(X, rows, true);
      // Transform first (computes only the statistics of columns with a NaN), then the rest on toJSON.
      assert.deepEqual(lazy.transform(X).columns, eager.transform(X).columns);
      assert.deepEqual(lazy.toJSON(), eager.toJSON());
      assert.deepEqual(lazy.statistics, eager.statistics);
    });
  }

  it('rejects invalid params with INVALID_SPEC', () => {
    assert.throws(
      () => new SimpleImputer({ strategy: 'mode' as never }),
      (e: unknown) => e instanceof InvalidInputError && e.code === 'INVALID_SPEC',
    );
  });
});

describe('StandardScaler', () => {
  it('matches scikit-learn mean_, scale_ and transform, keeping NaN', () => {
    const scaler = new StandardScaler();
    scaler.fit(X);
    assertClose(scaler.mean!, [3.1, 4.0, 2.5, 7.0, 0.44000000000000006]);
    assertClose(scaler.scale!, [3.67967389859482, 2.1908902300206643, 1.3844373104863459, 1.0, 0.3072458299147443]);
    const row0 = scaler.transform(X).columns.map((column) => column[0]!);
    assertClose(row0, [-0.43482114015891515, nan, 0.3611575592573076, 0.0, -1.1066057433370031]);
  });

  it('gives scale 1 to a near-constant column (_is_constant_feature)', () => {
    const scaler = new StandardScaler();
    scaler.fit(matrix([[0.1], [0.1], [0.1], [0.1 + 1e-17]]));
    assert.equal(scaler.scale![0], 1);
  });

  it('transforms into a supplied buffer, in place', () => {
    const scaler = new StandardScaler();
    const copy = matrix(ROWS);
    scaler.fit(copy);
    const out = scaler.transform(copy, copy.columns as Float64Array[]);
    assert.equal(out.columns[0], copy.columns[0]);
    assertClose([copy.columns[0]![0]!], [-0.43482114015891515]);
  });

  it('refuses to transform before fit or with a different width', () => {
    const scaler = new StandardScaler();
    assert.throws(() => scaler.transform(X), /must be fitted/);
    scaler.fit(X);
    assert.throws(() => scaler.transform({ nRows: 1, columns: [new Float64Array(1)] }), /fitted on 5 features/);
  });
});

describe('MinMaxScaler', () => {
  it('matches scikit-learn scale_ and min_', () => {
    const scaler = new MinMaxScaler();
    scaler.fit(X);
    assertClose(scaler.scale!, [0.09090909090909091, 0.16666666666666666, 0.25, 1.0, 1.25]);
    assertClose(scaler.min!, [0.09090909090909091, -0.3333333333333333, -0.25, -7.0, -0.125]);
    const t = scaler.transform(X);
    assertClose([t.columns[0]![3]!, t.columns[0]![4]!], [0, 1]);
  });
});

describe('RobustScaler', () => {
  it('matches scikit-learn center_ (median) and scale_ (IQR, 1 when zero)', () => {
    const scaler = new RobustScaler();
    scaler.fit(X);
    assertClose(scaler.center!, [2.5, 4.0, 2.5, 7.0, 0.3]);
    assertClose(scaler.scale!, [1.0, 2.0, 1.75, 1.0, 0.49999999999999994]);
  });

  it('interpolates percentiles like numpy (linear)', () => {
    const v = Float64Array.from([0.1, 0.2, 0.3, 0.7, 0.9, 1.3, 2.9]);
    // numpy.percentile: 0.25, 1.1 (7 values); 0.225, 0.85 (first 6)
    assert.equal(sortedPercentile(v, 7, 25), 0.25);
    assert.equal(sortedPercentile(v, 7, 75), 1.1);
    assert.equal(sortedPercentile(v, 6, 25), 0.225);
    assert.equal(sortedPercentile(v, 6, 75), 0.85);
  });
});

describe('serialization', () => {
  const fitted = [() => new SimpleImputer({ strategy: 'median' }), () => new StandardScaler(), () => new MinMaxScaler([-1, 1]), () => new RobustScaler()];
  for (const make of fitted) {
    const transformer = make();
    it(`round-trips ${transformer.name} through JSON`, () => {
      transformer.fit(X);
      const json = JSON.parse(JSON.stringify(transformer.toJSON())) as unknown;
      const loaded = transformerFromJSON(json);
      assert.equal(loaded.name, transformer.name);
      assert.deepEqual(loaded.transform(X), transformer.transform(X));
    });
  }

  const bad: Array<[string, unknown]> = [
    ['unknown name', { name: 'pca', version: 1 }],
    ['not an object', 42],
    ['wrong version', { name: 'standard_scaler', version: 9, mean: [0], scale: [1] }],
    ['mismatched lengths', { name: 'standard_scaler', version: 1, mean: [0, 1], scale: [1] }],
    ['zero scale', { name: 'robust_scaler', version: 1, center: [0], scale: [0] }],
    ['bad strategy', { name: 'simple_imputer', version: 1, params: { strategy: 'x', fill_value: 0 }, statistics: [] }],
  ];
  for (const [what, json] of bad) {
    it(`rejects ${what} with INVALID_ARTIFACT`, () => {
      assert.throws(
        () => transformerFromJSON(json),
        (e: unknown) => e instanceof InvalidInputError && e.code === 'INVALID_ARTIFACT',
      );
    });
  }
});

describe('buildTransformers', () => {
  it('builds imputer then scaler', () => {
    const steps = buildTransformers({ imputer: { strategy: 'median', fill_value: 0 }, scaler: 'robust' });
    assert.deepEqual(
      steps.map((s) => s.name),
      ['simple_imputer', 'robust_scaler'],
    );
  });
  it("skips null and 'none'", () => {
    assert.deepEqual(buildTransformers({ imputer: null, scaler: 'none' }), []);
    assert.deepEqual(buildTransformers({ imputer: null, scaler: null }), []);
    assert.deepEqual(
      buildTransformers({ imputer: null, scaler: 'minmax' }).map((s) => s.name),
      ['min_max_scaler'],
    );
    assert.deepEqual(
      buildTransformers({ imputer: null, scaler: 'standard' }).map((s) => s.name),
      ['standard_scaler'],
    );
  });
});
