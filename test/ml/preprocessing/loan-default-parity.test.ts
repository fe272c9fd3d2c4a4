import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readCsvFile } from '../../../shared/ml/dataset/read-csv.js';
import { SimpleImputer } from '../../../shared/ml/preprocessing/simple-imputer.js';
import { StandardScaler } from '../../../shared/ml/preprocessing/standard-scaler.js';

const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);

interface ReferenceRow {
  imputer_statistics: number[];
  scaler_mean: number[];
  scaler_scale: number[];
}

/** |a − b| ≤ tol · max(1, |b|) for every entry. */
function assertClose(actual: Float64Array, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const diff = Math.abs(actual[i]! - e);
    assert.ok(diff <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} vs scikit-learn ${e} (diff ${diff})`);
  }
}

describe('SimpleImputer(median) → StandardScaler on loan_default.train.csv', () => {
  it('matches scikit-learn 1.2.1 statistics_, mean_ and scale_ to 1e-12 (bit-exact in practice)', async () => {
    const reference = JSON.parse(readFileSync(fixture('loan_default.reference.json'), 'utf8')) as { rows: ReferenceRow[] };
    const expected = reference.rows[0]!;
    const train = await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' });

    const imputer = new SimpleImputer({ strategy: 'median' });
    imputer.fit(train);
    assertClose(imputer.statistics!, expected.imputer_statistics, 1e-12, 'imputer statistics');

    const imputed = imputer.transform(train);
    const scaler = new StandardScaler();
    scaler.fit(imputed);
    assertClose(scaler.mean!, expected.scaler_mean, 1e-12, 'scaler mean');
    assertClose(scaler.scale!, expected.scaler_scale, 1e-12, 'scaler scale');
  });

  it('reports the same statistics in every reference row (one pipeline, five models)', () => {
    const reference = JSON.parse(readFileSync(fixture('loan_default.reference.json'), 'utf8')) as { rows: ReferenceRow[] };
    for (const row of reference.rows) {
      if (row.scaler_mean === undefined) continue;
      assert.deepEqual(row.scaler_mean, reference.rows[0]!.scaler_mean);
    }
  });
});
