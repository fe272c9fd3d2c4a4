/**
 * A numeric param's chart axis is log-scaled when its values spread evenly in log space (a log-uniform
 * draw, a decade grid), and stays linear for a uniform draw that also spans orders of magnitude.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paramAxis } from '../../shared/analytics/param-axis.js';
import { TrialTable } from '../../shared/query/index.js';
import { seededRandom } from '../support/seeded-random.js';

function axisLog(values: number[]): boolean {
  const table = new TrialTable();
  values.forEach((x, i) => table.upsert(i, { status: 'completed', name: `t${i}`, params: { x }, metrics: { score: 0 } }));
  const axis = paramAxis(table, 'x', table.presentRows())!;
  assert.equal(axis.kind, 'numeric');
  return axis.kind === 'numeric' && axis.log;
}

describe('param axis scale', () => {
  const random = seededRandom(11);
  const draws = (n: number, draw: () => number): number[] => Array.from({ length: n }, draw);

  it('is logarithmic for a log-uniform draw and for a decade grid', () => {
    assert.equal(axisLog(draws(200, () => Math.exp(Math.log(1e-4) + random() * Math.log(1e4)))), true);
    assert.equal(axisLog([0.001, 0.01, 0.1, 1, 10, 100]), true);
  });

  it('is linear for a uniform draw over [0.001, 1], though it spans 1000×', () => {
    const values = draws(200, () => 0.001 + random() * 0.999);
    assert.ok(Math.max(...values) / Math.min(...values) > 100, 'the draw spans more than two decades');
    assert.equal(axisLog(values), false);
  });

  it('is linear within two decades, and with zero or negative values', () => {
    assert.equal(axisLog([1, 5, 20, 80]), false);
    assert.equal(axisLog([0, 0.001, 1, 1000]), false);
    assert.equal(axisLog([-1, 0.01, 1, 100]), false);
  });
});
