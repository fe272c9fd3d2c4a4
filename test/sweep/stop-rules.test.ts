/** The stop rules against cases worked out by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stopReason, type StopCheck } from '../../shared/sweep/stop-rules.js';

const finished = [
  { index: 0, value: 0.8 },
  { index: 1, value: 0.9 },
  { index: 2, value: null },
  { index: 3, value: 0.85 },
  { index: 4, value: 0.7 },
];

function check(overrides: Partial<StopCheck>): StopCheck {
  return { rules: {}, goal: 'maximize', metric: 'cv_mean', startedAt: 1_000, now: 2_000, finished, ...overrides };
}

describe('stopReason', () => {
  const cases: Array<[string, Partial<StopCheck>, string | null]> = [
    ['no rules', {}, null],
    ['budget not spent', { rules: { max_duration_s: 2 } }, null],
    ['budget spent', { rules: { max_duration_s: 1 } }, 'max_duration_s 1 reached (1 s since the first trial started)'],
    ['no budget before the first trial starts', { rules: { max_duration_s: 1 }, startedAt: null }, null],
    ['target not reached', { rules: { target: 0.95 } }, null],
    ['target reached (maximize, ≥)', { rules: { target: 0.9 } }, 'target reached: cv_mean 0.9 (trial 1) ≥ 0.9'],
    ['target reached (minimize, ≤)', { rules: { target: 0.75 }, goal: 'minimize' }, 'target reached: cv_mean 0.7 (trial 4) ≤ 0.75'],
    // Best is trial 1; trials 2, 3, 4 finished after it (the failed one counts: it spent a trial).
    ['patience not exhausted', { rules: { patience: 4 } }, null],
    ['patience exhausted', { rules: { patience: 3 } }, 'patience 3 exhausted: 3 trials finished since the best cv_mean (trial 1)'],
    ['patience while minimizing: the best is the last trial', { rules: { patience: 1 }, goal: 'minimize' }, null],
    ['no valued trial: nothing to compare', { rules: { target: 0, patience: 1 }, finished: [{ index: 0, value: null }] }, null],
  ];
  for (const [name, overrides, expected] of cases) {
    it(name, () => assert.equal(stopReason(check(overrides)), expected));
  }
});
