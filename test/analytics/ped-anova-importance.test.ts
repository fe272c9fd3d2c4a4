/**
 * PED-ANOVA importance (issue 10's importance chart) against a hand computation and against Optuna's
 * PedAnovaImportanceEvaluator on the same synthetic sweep (reference numbers made once by
 * test/fixtures/ped-anova/make-reference.py with the pinned optuna): the param that decides the
 * objective gets nearly all the importance, the one that does not gets almost none.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { paramAxis, type ParamAxis } from '../../shared/analytics/param-axis.js';
import { pedAnovaImportance } from '../../shared/analytics/ped-anova-importance.js';
import { TrialTable } from '../../shared/query/index.js';

type Goal = 'maximize' | 'minimize';
type Params = Record<string, string | number | null>;

interface ReferenceCase {
  goal: Goal;
  trials: Array<{ params: Params; value: number }>;
  optuna: Record<string, number>;
}

/** The trials as the dashboard sees them: a TrialTable and the axes of its params. */
function axesOf(trials: Array<{ params: Params; value: number }>): { axes: ParamAxis[]; values: Float64Array } {
  const table = new TrialTable();
  const values = new Float64Array(trials.length);
  trials.forEach((trial, i) => {
    table.upsert(i, { status: 'completed', name: `t${i}`, params: trial.params, metrics: { score: trial.value } });
    values[i] = trial.value;
  });
  const rows = table.presentRows();
  return { axes: table.paramNames().map((name) => paramAxis(table, name, rows)!), values };
}

describe('pedAnovaImportance', () => {
  it('gives a categorical param the Pearson divergence of its smoothed top-set and all-trials frequencies', () => {
    // 10 trials, the top set is the best 2 (max(2, ceil(10 × 0.1))), both of kind 'a'.
    const trials = [0.9, 0.8, 0.1, 0.2, 0.3, 0.15, 0.25, 0.35, 0.05, 0.12].map((value, i) => ({
      params: { kind: i < 5 ? 'a' : 'b', same: 'x' },
      value,
    }));
    const { axes, values } = axesOf(trials);
    const [kind, same] = pedAnovaImportance(axes, values, 'maximize');
    // With one pseudo-count per category: all = (5+1, 5+1)/12, top = (2+1, 0+1)/4.
    // Σ q (p/q − 1)² = 0.5 × (0.75/0.5 − 1)² + 0.5 × (0.25/0.5 − 1)² = 0.25.
    assert.equal(kind!.name, 'kind');
    assert.ok(Math.abs(kind!.divergence - 0.25) < 1e-12, `divergence ${kind!.divergence}`);
    assert.equal(kind!.importance, 1);
    assert.deepEqual(same, { name: 'same', importance: 0, divergence: 0 }, 'a param with one value cannot matter');
  });

  it('turns the ranking around when the goal flips', () => {
    const trials = [0.9, 0.8, 0.1, 0.2, 0.3, 0.15, 0.25, 0.35, 0.05, 0.12].map((value, i) => ({ params: { kind: i < 5 ? 'a' : 'b' }, value }));
    const { axes, values } = axesOf(trials);
    // Minimizing, the top 2 are 0.05 (b) and 0.1 (a): top = (1+1, 1+1)/4 = all's (0.5, 0.5).
    assert.equal(pedAnovaImportance(axes, values, 'minimize')[0]!.divergence, 0);
  });

  const reference = JSON.parse(readFileSync(path.resolve(process.cwd(), 'test/fixtures/ped-anova/reference.json'), 'utf8')) as {
    cases: ReferenceCase[];
  };
  for (const { goal, trials, optuna } of reference.cases) {
    it(`agrees with Optuna's PedAnovaImportanceEvaluator on a sweep where only x matters (${goal})`, () => {
      const { axes, values } = axesOf(trials);
      const ours = pedAnovaImportance(axes, values, goal);
      const share = Object.fromEntries(ours.map((p) => [p.name, p.importance]));
      const detail = `ours ${JSON.stringify(share)} vs Optuna ${JSON.stringify(optuna)}`;
      assert.equal(ours[0]!.name, 'x', detail);
      assert.ok(Math.abs(ours.reduce((sum, p) => sum + p.importance, 0) - 1) < 1e-12, 'shares add up to 1');
      // x decides the objective: nearly all the importance in both. lr and kind are noise: next to none
      // in both (their order between themselves is noise too, so it is not compared).
      assert.ok(share.x! > 0.97 && optuna.x! > 0.97, detail);
      assert.ok(Math.abs(share.x! - optuna.x!) < 0.02, detail);
      for (const noise of ['lr', 'kind']) assert.ok(share[noise]! < 0.02 && optuna[noise]! < 0.02, `${noise}: ${detail}`);
    });
  }
});
