/**
 * OneHotEncoder, OrdinalEncoder and the text SimpleImputer against scikit-learn 1.9.1's own outputs
 * (test/fixtures/tabular/encoders.reference.json, from bench/sklearn/make_data_references.py): category
 * order, infrequent grouping with min_frequency/max_categories and their ties, drop, missing values and
 * unknown categories.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import type { CategoricalColumn } from '../../../shared/ml/dataset/table.js';
import { CategoricalImputer } from '../../../shared/ml/preprocessing/categorical-imputer.js';
import { OneHotEncoder } from '../../../shared/ml/preprocessing/one-hot-encoder.js';
import { OrdinalEncoder } from '../../../shared/ml/preprocessing/ordinal-encoder.js';

interface EncoderCase {
  name: string;
  kind: 'onehot' | 'ordinal';
  params: Record<string, unknown>;
  fit: (string | null)[];
  transform: (string | null)[];
  categories: (string | null)[];
  infrequent: (string | null)[] | null;
  feature_names: string[];
  output: (number | null)[][] | null;
  error?: string;
}

interface ImputerCase {
  name: string;
  params: { strategy: 'most_frequent' | 'constant'; fill_value?: string };
  fit: (string | null)[];
  statistic: string;
  output: string[];
}

const file = path.resolve(process.cwd(), 'test/fixtures/tabular/encoders.reference.json');
const reference = JSON.parse(readFileSync(file, 'utf8')) as { encoders: EncoderCase[]; imputers: ImputerCase[] };

/** A column with its dictionary in first-seen order (unsorted on purpose: encoders must sort). */
function column(values: readonly (string | null)[]): CategoricalColumn {
  const categories: string[] = [];
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null) {
      codes[i] = -1;
      return;
    }
    let k = categories.indexOf(v);
    if (k < 0) k = categories.push(v) - 1;
    codes[i] = k;
  });
  return { type: 'categorical', name: 'x', codes, categories };
}

describe('encoders match scikit-learn 1.9.1', () => {
  for (const c of reference.encoders) {
    it(c.name, () => {
      const encoder = c.kind === 'onehot' ? new OneHotEncoder('x', c.params) : new OrdinalEncoder('x', c.params);
      encoder.fit(column(c.fit));
      const described = encoder.describe();
      assert.deepEqual(described.categories, c.categories, 'categories_');
      assert.deepEqual(described.infrequent, c.infrequent, 'infrequent_categories_');
      assert.deepEqual(encoder.featureNamesOut(), c.feature_names, 'get_feature_names_out');
      const width = c.feature_names.length;
      const out = Array.from({ length: width }, () => new Float64Array(c.transform.length));
      if (c.output === null) {
        assert.throws(
          () => encoder.transform(column(c.transform), out),
          (e: unknown) => e instanceof SweepqError && e.code === 'INVALID_CSV' && /not seen in training/.test(e.message),
        );
        return;
      }
      encoder.transform(column(c.transform), out);
      for (let i = 0; i < c.transform.length; i++) {
        const row = out.map((col) => (Number.isNaN(col[i]!) ? null : col[i]!));
        assert.deepEqual(row, c.output[i], `row ${i} (${String(c.transform[i])})`);
      }
    });
  }

  it('serialises and reloads every encoder with identical output', () => {
    for (const c of reference.encoders.filter((e) => e.output !== null)) {
      const encoder = c.kind === 'onehot' ? new OneHotEncoder('x', c.params) : new OrdinalEncoder('x', c.params);
      encoder.fit(column(c.fit));
      const loaded =
        c.kind === 'onehot'
          ? OneHotEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())))
          : OrdinalEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())));
      const width = c.feature_names.length;
      const a = Array.from({ length: width }, () => new Float64Array(c.transform.length));
      const b = Array.from({ length: width }, () => new Float64Array(c.transform.length));
      encoder.transform(column(c.transform), a);
      loaded.transform(column(c.transform), b);
      assert.deepEqual(b, a, c.name);
    }
  });
});

describe('CategoricalImputer matches SimpleImputer on text', () => {
  for (const c of reference.imputers) {
    it(c.name, () => {
      const imputer = new CategoricalImputer(c.params);
      const input = column(c.fit);
      imputer.fit(input);
      assert.equal(imputer.fill, c.statistic);
      const out = imputer.transform(input);
      assert.deepEqual(
        Array.from(out.codes, (k) => out.categories[k]),
        c.output,
      );
    });
  }
});
