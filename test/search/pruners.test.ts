import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { MedianPruner, SuccessiveHalvingPruner } from '../../shared/search/pruners/index.js';

describe('SuccessiveHalvingPruner', () => {
  it('places rungs at min_resource · rf^(rate + k), below max_resource', () => {
    assert.deepEqual(new SuccessiveHalvingPruner({ min_resource: 10, max_resource: 300 }, 'maximize').rungResources, [10, 30, 90, 270]);
    assert.deepEqual(new SuccessiveHalvingPruner({ min_resource: 10, max_resource: 300, min_early_stopping_rate: 1 }, 'maximize').rungResources, [30, 90, 270]);
    assert.deepEqual(new SuccessiveHalvingPruner({ min_resource: 1, max_resource: 100, reduction_factor: 4 }, 'maximize').rungResources, [1, 4, 16, 64]);
    assert.deepEqual(new SuccessiveHalvingPruner({ min_resource: 300, max_resource: 300 }, 'maximize').rungResources, []);
  });

  // Trials A..H reach rung 0 (resource 10) one after another, maximizing, rf = 3. Each row: the value
  // the trial reports, the values already recorded at the rung, and the decision worked out by hand:
  // competitors n = recorded + 1; promotable = max(1, floor(n / 3)); cut-off = the promotable-th best.
  const table: { trial: string; value: number; recorded: number[]; promotable: number; cutoff: number; action: 'promote' | 'stop' }[] = [
    // n = 1 < 3: only the best so far goes on; it is the best.
    { trial: 'A', value: 0.8, recorded: [], promotable: 1, cutoff: 0.8, action: 'promote' },
    // n = 2: 0.7 is not the best (0.8).
    { trial: 'B', value: 0.7, recorded: [0.8], promotable: 1, cutoff: 0.8, action: 'stop' },
    // n = 3: floor(3/3) = 1 → must be the best: 0.9 is.
    { trial: 'C', value: 0.9, recorded: [0.8, 0.7], promotable: 1, cutoff: 0.9, action: 'promote' },
    // n = 4: 1 promotable, best is 0.9; 0.85 is second.
    { trial: 'D', value: 0.85, recorded: [0.8, 0.7, 0.9], promotable: 1, cutoff: 0.9, action: 'stop' },
    // n = 5: still 1; a tie with the best is promoted (value ≥ cut-off).
    { trial: 'E', value: 0.9, recorded: [0.8, 0.7, 0.9, 0.85], promotable: 1, cutoff: 0.9, action: 'promote' },
    // n = 6: floor(6/3) = 2 → top two are 0.9, 0.9; 0.88 is third.
    { trial: 'F', value: 0.88, recorded: [0.8, 0.7, 0.9, 0.85, 0.9], promotable: 2, cutoff: 0.9, action: 'stop' },
    // n = 7: 2 promotable; sorted desc 0.95, 0.9, 0.9, … → cut-off 0.9, 0.95 passes.
    { trial: 'G', value: 0.95, recorded: [0.8, 0.7, 0.9, 0.85, 0.9, 0.88], promotable: 2, cutoff: 0.9, action: 'promote' },
    // n = 9: 3 promotable; desc 0.95, 0.9, 0.9, 0.89, … → cut-off 0.9; 0.89 is fourth.
    { trial: 'H', value: 0.89, recorded: [0.8, 0.7, 0.9, 0.85, 0.9, 0.88, 0.95, 0.6], promotable: 3, cutoff: 0.9, action: 'stop' },
  ];
  const pruner = new SuccessiveHalvingPruner({ min_resource: 10, max_resource: 300, reduction_factor: 3 }, 'maximize');
  for (const row of table) {
    it(`trial ${row.trial}: ${row.value} against [${row.recorded.join(', ')}] → ${row.action}`, () => {
      const decision = pruner.decide(0, row.value, row.recorded);
      assert.equal(decision.action, row.action);
      assert.equal(decision.competitors, row.recorded.length + 1);
      assert.equal(decision.promotable, row.promotable);
      assert.equal(decision.cutoff, row.cutoff);
      assert.equal(decision.record, true);
      assert.equal(decision.nextResource, row.action === 'promote' ? 30 : null);
    });
  }

  it('explains a stop the way the sweep log shows it', () => {
    // Rung 2 = 10 · 3² = 90; 7 trials → 2 promotable; desc 0.91, 0.884, … → cut-off 0.884.
    const decision = pruner.decide(2, 0.871, [0.91, 0.884, 0.85, 0.8, 0.79, 0.6]);
    assert.equal(decision.explanation, 'stopped at rung 2 (resource 90): 0.871 is not in the top 1/3 of 7 trials at this rung (cut-off 0.884)');
    const promoted = pruner.decide(2, 0.95, [0.91, 0.884, 0.85, 0.8, 0.79, 0.6]);
    assert.equal(promoted.explanation, 'promoted at rung 2 (resource 90) to resource 270: 0.95 is in the top 1/3 of 7 trials at this rung (cut-off 0.91)');
    assert.match(
      pruner.decide(1, 0.5, [0.6]).explanation,
      /^stopped at rung 1 \(resource 30\): 0.5 is not the best of 2 trials at this rung \(fewer than 3: only the best goes on; best 0.6\)$/,
    );
  });

  it('promotes from the last rung to max_resource', () => {
    assert.equal(pruner.decide(3, 1, []).nextResource, 300);
    assert.throws(() => pruner.decide(4, 1, []), RangeError);
  });

  it('shows as many digits as it takes to tell value and cut-off apart', () => {
    assert.match(pruner.decide(0, 0.87123, [0.87129, 0.8, 0.7]).explanation, /0\.8712 is not in the top 1\/3 of 4 trials at this rung \(cut-off 0\.8713\)/);
  });

  it('minimizes: the lowest values go on', () => {
    const minimize = new SuccessiveHalvingPruner({ min_resource: 1, max_resource: 27 }, 'minimize');
    // 6 trials → 2 promotable; ascending 0.1, 0.2, 0.3 … → cut-off 0.2.
    assert.equal(minimize.decide(0, 0.2, [0.5, 0.1, 0.3, 0.4, 0.6]).action, 'promote');
    assert.equal(minimize.decide(0, 0.3, [0.5, 0.1, 0.2, 0.4, 0.6]).action, 'stop');
  });

  it('stops NaN without recording it, and every trial up to bootstrap_count', () => {
    const nan = pruner.decide(0, Number.NaN, []);
    assert.equal(nan.action, 'stop');
    assert.equal(nan.record, false);
    const bootstrap = new SuccessiveHalvingPruner({ min_resource: 1, max_resource: 9, bootstrap_count: 2 }, 'maximize');
    assert.equal(bootstrap.decide(0, 1, [0.5]).action, 'stop');
    assert.equal(bootstrap.decide(0, 1, [0.5, 0.4]).action, 'promote');
  });

  it('validates its options', () => {
    for (const options of [
      { min_resource: 0, max_resource: 10 },
      { min_resource: 10, max_resource: 5 },
      { min_resource: 1, max_resource: 10, reduction_factor: 1 },
      { min_resource: 1, max_resource: 10, min_early_stopping_rate: -1 },
    ]) {
      assert.throws(
        () => new SuccessiveHalvingPruner(options, 'maximize'),
        (e: unknown) => e instanceof InvalidInputError && e.code === 'INVALID_SPEC',
      );
    }
  });
});

describe('MedianPruner', () => {
  const base = { step: 5, values: [0.5, 0.6], previousStep: 4, completedTrials: 10, valuesAtStep: [0.55, 0.7, 0.8] };

  it('prunes when the best value so far is worse than the median at this step (maximize)', () => {
    // median of 0.55, 0.7, 0.8 = 0.7; best so far 0.6 < 0.7.
    const decision = new MedianPruner({}, 'maximize').decide(base);
    assert.equal(decision.action, 'prune');
    assert.equal(decision.median, 0.7);
    assert.equal(decision.best, 0.6);
    assert.equal(decision.explanation, 'pruned at step 5: best value 0.6 is below the median 0.7 of 3 completed trials at this step');
  });

  it('keeps a trial whose best so far reaches the median, and interpolates an even count', () => {
    const pruner = new MedianPruner({}, 'maximize');
    assert.equal(pruner.decide({ ...base, values: [0.7, 0.2] }).action, 'continue');
    // median of 0.5, 0.6, 0.7, 0.9 = 0.65.
    const even = pruner.decide({ ...base, values: [0.64], valuesAtStep: [0.9, 0.5, 0.7, 0.6] });
    assert.ok(Math.abs(even.median! - 0.65) < 1e-15);
    assert.equal(even.action, 'prune');
  });

  it('minimizes: pruned when the best (lowest) value is above the median', () => {
    const pruner = new MedianPruner({}, 'minimize');
    assert.equal(pruner.decide({ ...base, values: [0.9, 0.75] }).action, 'prune');
    assert.equal(pruner.decide({ ...base, values: [0.9, 0.6] }).action, 'continue');
  });

  it('does not prune during start-up, warm-up, off the interval, or with too few values at the step', () => {
    const table: [ConstructorParameters<typeof MedianPruner>[0], Partial<typeof base>, RegExp][] = [
      [{ n_startup_trials: 11 }, {}, /10 of 11 startup trials completed/],
      [{ n_warmup_steps: 6 }, {}, /warm-up until step 6/],
      // interval 3 after warm-up 0: checks at 3, 6, …; step 5 with the previous report at 4 ≥ 3 was already checked.
      [{ interval_steps: 3 }, {}, /already checked at or after step 3/],
      [{ n_min_trials: 4 }, {}, /3 completed trials reported at this step, 4 needed/],
    ];
    for (const [options, check, message] of table) {
      const decision = new MedianPruner(options, 'maximize').decide({ ...base, ...check });
      assert.equal(decision.action, 'continue');
      assert.match(decision.explanation, message);
    }
    // Interval 3: step 5 is checked when the previous report (step 2) came before grid step 3.
    assert.equal(new MedianPruner({ interval_steps: 3 }, 'maximize').decide({ ...base, previousStep: 2 }).action, 'prune');
  });

  it('prunes a trial that reported only NaN, ignores NaN in the others', () => {
    const pruner = new MedianPruner({}, 'maximize');
    assert.equal(pruner.decide({ ...base, values: [Number.NaN] }).action, 'prune');
    assert.equal(pruner.decide({ ...base, values: [0.6], valuesAtStep: [Number.NaN, 0.5] }).action, 'continue');
  });
});
