/**
 * PED-ANOVA importance (issue 10's importance chart) against hand computations and against Optuna's
 * PedAnovaImportanceEvaluator on the same synthetic sweeps (reference numbers made once by
 * test/fixtures/ped-anova/make-reference.py with the pinned optuna): one sweep where only x matters,
 * one mixing floats, a log-scaled float, an int, two categoricals and a conditional float.
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
  name: string;
  goal: Goal;
  trials: Array<{ params: Params; value: number }>;
  /** Optuna's shares with distributions spanning the observed ranges (sweepq's axes). */
  optuna: Record<string, number>;
  /** The same, unnormalised. */
  optuna_raw: Record<string, number>;
  /** Optuna's shares with the declared ranges. */
  optuna_declared: Record<string, number>;
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

/** 20 trials, kind 'a' for the first ten: maximizing, the top 2 (⌈20 × 0.1⌉) are both 'a'; minimizing, one 'a' and one 'b'. */
const TWENTY = [0.9, 0.8, 0.02, 0.3, 0.4, 0.35, 0.45, 0.5, 0.55, 0.6, 0.01, 0.3, 0.31, 0.32, 0.33, 0.34, 0.36, 0.37, 0.38, 0.39];

describe('pedAnovaImportance', () => {
  it("gives a categorical param Optuna's categorical-kernel divergence (not a Gaussian over category codes)", () => {
    const trials = TWENTY.map((value, i) => ({ params: { kind: i < 10 ? 'a' : 'b', same: 'x' }, value }));
    const { axes, values } = axesOf(trials);
    const [kind, same] = pedAnovaImportance(axes, values, 'maximize');
    // Each observed category's kernel holds 1 + p/K on it and p/K on the other (p = 1, K = observed
    // categories + 1), normalised; a uniform prior kernel of weight p joins the mixture.
    // All trials (10 a, 10 b): symmetric, (1/2, 1/2). Top (2 a): K = 2, kernel (3/4, 1/4) weighted
    // 2/3, prior (1/2, 1/2) weighted 1/3: (2/3, 1/3). Σ q (p/q − 1)² = 1/2 (1/3)² × 2 = 1/9, × γ′² = (2/20)².
    assert.equal(kind!.name, 'kind');
    assert.ok(Math.abs(kind!.divergence - 0.01 / 9) < 1e-12, `divergence ${kind!.divergence}`);
    assert.equal(kind!.importance, 1);
    assert.deepEqual(same, { name: 'same', importance: 0, divergence: 0 }, 'a param with one value cannot matter');
  });

  it('turns the ranking around when the goal flips', () => {
    const trials = TWENTY.map((value, i) => ({ params: { kind: i < 10 ? 'a' : 'b' }, value }));
    const { axes, values } = axesOf(trials);
    // Minimizing, the top 2 are 0.01 (b) and 0.02 (a): the top density is all trials' (1/2, 1/2).
    const [kind] = pedAnovaImportance(axes, values, 'minimize');
    assert.ok(Math.abs(kind!.divergence) < 1e-20, `divergence ${kind!.divergence}`);
    assert.equal(kind!.importance, 0, 'nothing matters: no share is handed out');
  });

  it('counts every trial tied with the cut-off in the top set, as Optuna', () => {
    // 10 trials, ⌈10 × 0.1⌉ = 1, but two share the best value: both are in, γ′ = 2/10.
    const trials = [0.9, 0.9, 0.1, 0.2, 0.3, 0.15, 0.25, 0.35, 0.05, 0.12].map((value, i) => ({ params: { kind: i < 5 ? 'a' : 'b' }, value }));
    const { axes, values } = axesOf(trials);
    // Top (2 a) against all (5 a, 5 b) as above: 1/9, × (2/10)².
    assert.ok(Math.abs(pedAnovaImportance(axes, values, 'maximize')[0]!.divergence - 0.04 / 9) < 1e-12);
  });

  const reference = JSON.parse(readFileSync(path.resolve(process.cwd(), 'test/fixtures/ped-anova/reference.json'), 'utf8')) as {
    cases: ReferenceCase[];
  };
  for (const { name, goal, trials, optuna, optuna_raw: optunaRaw, optuna_declared: declared } of reference.cases) {
    it(`matches Optuna's PedAnovaImportanceEvaluator on the ${name} sweep (${goal})`, () => {
      const { axes, values } = axesOf(trials);
      const ours = pedAnovaImportance(axes, values, goal);
      const share = Object.fromEntries(ours.map((p) => [p.name, p.importance]));
      const detail = `ours ${JSON.stringify(share)} vs Optuna ${JSON.stringify(optuna)}`;
      assert.deepEqual(ours.map((p) => p.name).sort(), Object.keys(optuna).sort(), 'the same params');
      assert.ok(Math.abs(ours.reduce((sum, p) => sum + p.importance, 0) - 1) < 1e-12, 'shares add up to 1');
      // Same trials, same ranges: the same numbers up to rounding, raw values and shares.
      const rawTotal = Object.values(optunaRaw).reduce((sum, v) => sum + v, 0);
      for (const p of ours) {
        assert.ok(Math.abs(p.importance - optuna[p.name]!) < 1e-9, `${p.name} share: ${detail}`);
        assert.ok(Math.abs(p.divergence - optunaRaw[p.name]!) < 1e-9 * rawTotal, `${p.name} raw ${p.divergence} vs Optuna ${optunaRaw[p.name]}`);
      }
      // Optuna on the declared ranges: its grid starts at the bound rather than at the lowest draw.
      for (const p of ours)
        assert.ok(Math.abs(p.importance - declared[p.name]!) < 0.01, `${p.name} share vs declared: ours ${p.importance}, Optuna ${declared[p.name]}`);
      // The ranking the chart shows: the same order wherever the shares differ by more than rounding.
      const order = (shares: Record<string, number>): string[] =>
        Object.keys(shares)
          .filter((k) => shares[k]! > 1e-4)
          .sort((a, b) => shares[b]! - shares[a]!);
      assert.deepEqual(order(share), order(optuna), detail);
    });
  }
});
