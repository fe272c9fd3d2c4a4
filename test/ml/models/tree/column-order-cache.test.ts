import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColumnOrderCache } from '../../../../shared/ml/models/tree/column-order-cache.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

/** Checks `order` is a permutation: ascending non-missing values, then exactly the NaN rows. */
function assertExactOrder(column: Float64Array, order: Uint32Array, nonMissing: number): void {
  const seen = new Uint8Array(column.length);
  for (let j = 0; j < order.length; j++) {
    assert.equal(seen[order[j]!], 0, 'each row once');
    seen[order[j]!] = 1;
    const v = column[order[j]!]!;
    if (j < nonMissing) {
      assert.ok(!Number.isNaN(v));
      if (j > 0) assert.ok(column[order[j - 1]!]! <= v, `ascending at ${j}`);
    } else {
      assert.ok(Number.isNaN(v), 'missing rows last');
    }
  }
}

describe('ColumnOrderCache', () => {
  it('returns the exact order after the column is rewritten the way CV folds rewrite it', () => {
    const rng = new Rng(11);
    const raw = Float64Array.from({ length: 2000 }, (_, i) => (i % 17 === 0 ? Number.NaN : rng.normal()));
    const column = new Float64Array(raw.length);
    const cache = new ColumnOrderCache();
    // Fold-like rewrites: a fresh scale/shift and a fresh fill value for the missing rows each time.
    for (let fold = 0; fold < 6; fold++) {
      const shift = rng.normal();
      const scale = 0.5 + rng.nextInt(100) / 50;
      const fill = rng.normal();
      for (let i = 0; i < raw.length; i++) column[i] = Number.isNaN(raw[i]!) ? fill : (raw[i]! - shift) / scale;
      const { order, nonMissing } = cache.orderOf(0, column);
      assert.equal(nonMissing, column.length);
      assertExactOrder(column, order, nonMissing);
    }
  });

  it('falls back to a fresh sort when the values change wholesale, and keeps NaN rows last', () => {
    const rng = new Rng(5);
    const cache = new ColumnOrderCache();
    const column = Float64Array.from({ length: 500 }, () => rng.normal());
    cache.orderOf(2, column);
    for (let i = 0; i < column.length; i++) column[i] = i % 9 === 0 ? Number.NaN : rng.normal();
    const { order, nonMissing } = cache.orderOf(2, column);
    assert.equal(nonMissing, column.length - Math.ceil(column.length / 9));
    assertExactOrder(column, order, nonMissing);
  });
});
