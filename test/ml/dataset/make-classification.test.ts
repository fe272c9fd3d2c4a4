import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { applyMissing, makeClassification, MakeClassificationOptionsSchema } from '../../../shared/ml/dataset/make-classification.js';

function columnStats(column: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of column) sum += v;
  const mean = sum / column.length;
  let sq = 0;
  for (const v of column) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / column.length) };
}

/** Least-squares residual of column `target` regressed on `sources` (normal equations, tiny systems). */
function isLinearCombination(columns: readonly Float64Array[], target: number, sources: number[]): boolean {
  const k = sources.length;
  const n = columns[0]!.length;
  const a: number[][] = [];
  for (let r = 0; r < k; r++) {
    const row: number[] = [];
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += columns[sources[r]!]![i]! * columns[sources[c]!]![i]!;
      row.push(s);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += columns[sources[r]!]![i]! * columns[target]![i]!;
    row.push(s);
    a.push(row);
  }
  for (let p = 0; p < k; p++) {
    for (let r = p + 1; r < k; r++) {
      const f = a[r]![p]! / a[p]![p]!;
      for (let c = p; c <= k; c++) a[r]![c]! -= f * a[p]![c]!;
    }
  }
  const beta = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = a[r]![k]!;
    for (let c = r + 1; c < k; c++) s -= a[r]![c]! * beta[c]!;
    beta[r] = s / a[r]![r]!;
  }
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let r = 0; r < k; r++) fit += beta[r]! * columns[sources[r]!]![i]!;
    residual += (columns[target]![i]! - fit) ** 2;
    total += columns[target]![i]! ** 2;
  }
  return residual <= 1e-18 * total + 1e-18;
}

describe('makeClassification', () => {
  it('uses scikit-learn defaults: 100 × 20, two classes, names feature_0..', () => {
    const d = makeClassification({ random_state: 1 });
    assert.equal(d.nRows, 100);
    assert.equal(d.columns.length, 20);
    assert.equal(d.featureNames[0], 'feature_0');
    assert.equal(d.featureNames[19], 'feature_19');
    assert.deepEqual(d.classes, ['0', '1']);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = makeClassification({ n_samples: 50, random_state: 7 });
    const b = makeClassification({ n_samples: 50, random_state: 7 });
    const c = makeClassification({ n_samples: 50, random_state: 8 });
    assert.deepEqual(Array.from(a.columns[3]!), Array.from(b.columns[3]!));
    assert.deepEqual(Array.from(a.y), Array.from(b.y));
    assert.notDeepEqual(Array.from(a.columns[3]!), Array.from(c.columns[3]!));
  });

  it('balances classes by weights (flip_y 0)', () => {
    const d = makeClassification({ n_samples: 1000, n_classes: 3, n_informative: 3, weights: [0.5, 0.3], flip_y: 0, random_state: 2 });
    const counts = [0, 0, 0];
    for (const k of d.y) counts[k]!++;
    // scikit-learn 1.2.1 gives [501 301 198] too: 1 − 0.8 = 0.19999…, truncated per cluster, remainder round-robin.
    assert.deepEqual(counts, [501, 301, 198]);
  });

  it('places informative, redundant, repeated and noise features as scikit-learn does (shuffle off)', () => {
    const d = makeClassification({ n_samples: 300, n_features: 8, n_informative: 3, n_redundant: 2, n_repeated: 1, shuffle: false, random_state: 3 });
    // Redundant columns 3, 4 are exact linear combinations of informative 0..2.
    assert.ok(isLinearCombination(d.columns, 3, [0, 1, 2]));
    assert.ok(isLinearCombination(d.columns, 4, [0, 1, 2]));
    // The repeated column copies one of columns 0..4.
    let copies = 0;
    for (let j = 0; j < 5; j++) if (d.columns[j]!.every((v, i) => v === d.columns[5]![i])) copies++;
    assert.equal(copies, 1);
    // Useless columns are standard normal noise, unrelated to the informative ones.
    const noise = columnStats(d.columns[7]!);
    assert.ok(Math.abs(noise.mean) < 0.2 && Math.abs(noise.std - 1) < 0.15, JSON.stringify(noise));
    assert.ok(!isLinearCombination(d.columns, 7, [0, 1, 2]));
    // Without shuffling the rows are grouped by cluster: labels alternate in blocks (y = cluster % n_classes).
    assert.equal(d.y[0], 0);
  });

  it('puts cluster centroids at ±class_sep on informative features', () => {
    const d = makeClassification({
      n_samples: 4000,
      n_features: 2,
      n_informative: 2,
      n_redundant: 0,
      n_clusters_per_class: 1,
      class_sep: 3,
      flip_y: 0,
      shuffle: false,
      random_state: 4,
    });
    // Class means sit near two distinct hypercube vertices with coordinates ±3.
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 2; j++) {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < d.nRows; i++)
          if (d.y[i] === k) {
            sum += d.columns[j]![i]!;
            n++;
          }
        assert.ok(Math.abs(Math.abs(sum / n) - 3) < 0.25, `class ${k} feature ${j} mean ${sum / n}`);
      }
    }
  });

  it('flips about flip_y of the labels', () => {
    const clean = makeClassification({ n_samples: 5000, flip_y: 0, random_state: 5, shuffle: false });
    const noisy = makeClassification({ n_samples: 5000, flip_y: 0.2, random_state: 5, shuffle: false });
    let changed = 0;
    for (let i = 0; i < 5000; i++) if (clean.y[i] !== noisy.y[i]) changed++;
    // Flipped labels pick a random class, so half of them land on the same class: ~10%.
    assert.ok(changed > 400 && changed < 600, `changed ${changed}`);
  });

  it('applies shift and scale, random when null', () => {
    const d = makeClassification({ n_samples: 2000, n_features: 5, n_informative: 2, n_redundant: 0, shift: 10, scale: 2, random_state: 6 });
    for (const column of d.columns) assert.ok(Math.abs(columnStats(column).mean - 20) < 3);
    const r = makeClassification({ n_samples: 200, n_features: 5, n_informative: 2, n_redundant: 0, shift: null, scale: null, random_state: 6 });
    assert.ok(r.columns.some((column) => columnStats(column).std > 3));
  });

  it('supports more than 30 informative features and no hypercube', () => {
    const d = makeClassification({ n_samples: 50, n_features: 35, n_informative: 32, n_redundant: 0, hypercube: false, random_state: 1 });
    assert.equal(d.columns.length, 35);
    for (const column of d.columns) for (const v of column) assert.ok(Number.isFinite(v));
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['too many special features', { n_features: 4, n_informative: 2, n_redundant: 2, n_repeated: 1 }, 'at most n_features'],
    ['too many clusters', { n_informative: 2, n_classes: 3, n_clusters_per_class: 2 }, '2 ** n_informative'],
    ['wrong weights length', { weights: [0.2, 0.3, 0.5, 0.1] }, 'weights has 4 entries'],
    ['too many cells', { n_samples: 10_000_000, n_features: 6 }, 'exceeds the limit'],
    ['unknown option', { n_sample: 3 }, 'n_sample'],
  ];
  for (const [what, options, fragment] of invalid) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => makeClassification(options),
        (error: unknown) => error instanceof InvalidInputError && error.code === 'INVALID_SPEC' && error.message.includes(fragment),
      );
    });
  }

  it('exposes the schema with scikit-learn defaults', () => {
    const defaults = MakeClassificationOptionsSchema.parse({});
    assert.equal(defaults.n_samples, 100);
    assert.equal(defaults.flip_y, 0.01);
    assert.equal(defaults.class_sep, 1);
    assert.equal(defaults.hypercube, true);
  });
});

describe('applyMissing', () => {
  it('NaN-outs the seed blocks without touching the input', () => {
    const d = makeClassification({ n_samples: 300, n_features: 10, random_state: 42 });
    const m = applyMissing(d, [
      { column: 2, rows: [50, 70] },
      { column: 7, rows: [200, 220] },
    ]);
    let missing = 0;
    for (let c = 0; c < 10; c++) for (let i = 0; i < 300; i++) if (Number.isNaN(m.columns[c]![i]!)) missing++;
    assert.equal(missing, 40);
    assert.ok(Number.isNaN(m.columns[2]![50]!) && Number.isNaN(m.columns[2]![69]!) && !Number.isNaN(m.columns[2]![70]!));
    assert.ok(Number.isNaN(m.columns[7]![200]!) && !Number.isNaN(m.columns[7]![199]!));
    assert.ok(!Number.isNaN(d.columns[2]![50]!), 'input unchanged');
    assert.equal(m.columns[0], d.columns[0], 'untouched columns are shared');
  });

  it('rejects blocks outside the dataset', () => {
    const d = makeClassification({ n_samples: 10, n_features: 4, n_informative: 2, n_redundant: 0, random_state: 1 });
    assert.throws(() => applyMissing(d, [{ column: 4, rows: [0, 1] }]), /column 4 does not exist/);
    assert.throws(() => applyMissing(d, [{ column: 0, rows: [5, 11] }]), /outside/);
  });
});
