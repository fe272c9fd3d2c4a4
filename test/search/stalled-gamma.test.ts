/** The good group widens once the search has stalled (issue 11, round 3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../../shared/search/sampler.js';
import { ObservationColumns } from '../../shared/search/tpe/observation-columns.js';
import { STALL_TRIALS, stalledGamma } from '../../shared/search/tpe/stalled-gamma.js';
import { defaultGamma, goodCount } from '../../shared/search/tpe/tpe-options.js';
import { compileTpeSpace } from '../../shared/search/tpe/tpe-space.js';

/** Trials since the best completed one, as the sampler's columns keep it. */
function trialsSinceBest(observations: readonly Observation[], goal: 'maximize' | 'minimize'): number {
  const columns = new ObservationColumns(compileTpeSpace([{ model: 'logistic_regression', params: {} }]).entries);
  columns.sync(observations, goal);
  return columns.trialsSinceBest();
}

/** n completed trials whose best (value 1, or −1 when minimising) is trial `bestAt`; the others 0. */
function trials(n: number, bestAt: number, goal: 'maximize' | 'minimize'): Observation[] {
  return Array.from({ length: n }, (_, i) => ({
    entry: 0,
    params: {},
    value: i === bestAt ? (goal === 'maximize' ? 1 : -1) : 0,
    status: 'completed' as const,
  }));
}

describe('stalledGamma', () => {
  const cases: { label: string; observations: Observation[]; goal: 'maximize' | 'minimize'; good: number }[] = [
    { label: 'keeps gamma while the best is recent', observations: trials(60, 60 - STALL_TRIALS, 'maximize'), goal: 'maximize', good: 6 },
    {
      label: 'widens to 25 % after STALL_TRIALS trials without a new best',
      observations: trials(60, 59 - STALL_TRIALS, 'maximize'),
      goal: 'maximize',
      good: 15,
    },
    { label: 'reads the direction: minimising', observations: trials(60, 10, 'minimize'), goal: 'minimize', good: 15 },
    { label: 'caps the widened group at 25', observations: trials(200, 0, 'maximize'), goal: 'maximize', good: 25 },
    {
      label: 'counts only completed trials as the best (a late pruned value does not end a stall)',
      observations: [...trials(30, 0, 'maximize'), { entry: 0, params: {}, value: 5, status: 'pruned' }],
      goal: 'maximize',
      good: 8,
    },
  ];
  for (const c of cases) {
    it(c.label, () => {
      assert.equal(goodCount(stalledGamma(trialsSinceBest(c.observations, c.goal), defaultGamma), c.observations.length), c.good);
    });
  }
});
