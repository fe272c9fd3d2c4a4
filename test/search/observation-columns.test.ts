/**
 * The TPE sampler keeps the observations as columns across asks and updates them from the changes
 * only (issue 11 (d)); after any sequence of changes they must equal columns built afresh, and the
 * sampler's proposals must not depend on the asks before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../shared/ml/random/rng.js';
import type { SearchSpaceEntry } from '../../shared/schemas/search-space.schema.js';
import type { Observation } from '../../shared/search/sampler.js';
import { ObservationColumns, RowKind } from '../../shared/search/tpe/observation-columns.js';
import { TpeSampler } from '../../shared/search/tpe/tpe-sampler.js';
import { compileTpeSpace } from '../../shared/search/tpe/tpe-space.js';

/** Two models: a continuous one and a finite one (whose rows are all read to mark taken points). */
const SPACE: SearchSpaceEntry[] = [
  {
    model: 'gradient_boosting',
    params: {
      learning_rate: { distribution: 'log_uniform', min: 0.001, max: 1 },
      max_depth: { distribution: 'int_uniform', min: 1, max: 8 },
      max_features: { values: ['sqrt', 'log2', null] },
    },
  },
  { model: 'random_forest', params: { max_depth: { values: [2, 4, 8, 16] }, n_estimators: { values: [10, 50, 100] } } },
];

/** A random trial: values from a few levels (so losses tie), every status, now and then an entry or a param outside the space. */
function randomObservation(rng: Rng): Observation {
  const entry = rng.next() < 0.03 ? 5 : rng.nextInt(2);
  const params: Record<string, string | number | null> =
    entry === 1
      ? { max_depth: [2, 4, 8, 16][rng.nextInt(4)]!, n_estimators: [10, 50, 100][rng.nextInt(3)]! }
      : {
          learning_rate: Math.exp(Math.log(0.001) + rng.next() * Math.log(1000)),
          max_depth: 1 + rng.nextInt(8),
          max_features: ['sqrt', 'log2', null][rng.nextInt(3)]!,
        };
  if (rng.next() < 0.03) params.max_depth = 99;
  const r = rng.next();
  const status: Observation['status'] = r < 0.7 ? 'completed' : r < 0.85 ? 'pruned' : r < 0.95 ? 'failed' : 'cancelled';
  const value = status === 'failed' || rng.next() < 0.05 ? null : rng.nextInt(12) / 4;
  return { entry, params, value, status };
}

/** Random changes as the observation reader makes them: a result inserted (mostly at the end), a retry replaced, a requeue removed. */
function change(observations: Observation[], rng: Rng): void {
  const r = rng.next();
  const n = observations.length;
  if (n === 0 || r < 0.6) observations.splice(rng.next() < 0.7 ? n : rng.nextInt(n + 1), 0, randomObservation(rng));
  else if (r < 0.8) observations[rng.nextInt(n)] = randomObservation(rng);
  else observations.splice(rng.nextInt(n), 1);
}

/** The good rows by a full sort of (loss, row): what markBest must give. */
function bestByFullSort(columns: ObservationColumns, kind: RowKind.Complete | RowKind.Pruned, count: number, entry: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < columns.length; r++) if (columns.kind[r] === kind && columns.entry[r]! >= 0 && (entry < 0 || columns.entry[r] === entry)) rows.push(r);
  rows.sort((a, b) => columns.loss[a]! - columns.loss[b]! || a - b);
  return rows.slice(0, count).sort((a, b) => a - b);
}

function marked(columns: ObservationColumns, kind: RowKind.Complete | RowKind.Pruned, count: number, entry: number): number[] {
  const good = new Uint8Array(columns.length);
  columns.markBest(kind, count, entry, good);
  const rows: number[] = [];
  for (let r = 0; r < good.length; r++) if (good[r] === 1) rows.push(r);
  return rows;
}

function assertSameColumns(kept: ObservationColumns, fresh: ObservationColumns, step: string): void {
  const n = fresh.length;
  assert.equal(kept.length, n, step);
  assert.deepEqual(kept.kind.subarray(0, n), fresh.kind.subarray(0, n), `${step}: kind`);
  assert.deepEqual(kept.entry.subarray(0, n), fresh.entry.subarray(0, n), `${step}: entry`);
  assert.deepEqual(kept.loss.subarray(0, n), fresh.loss.subarray(0, n), `${step}: loss`);
  assert.equal(kept.finished, fresh.finished, `${step}: finished`);
  assert.equal(kept.trialsSinceBest(), fresh.trialsSinceBest(), `${step}: trials since the best`);
  for (const kind of [RowKind.Complete, RowKind.Pruned] as const)
    for (const entry of [-1, 0, 1])
      for (const count of [1, 3, 25]) {
        const expected = bestByFullSort(fresh, kind, count, entry);
        assert.deepEqual(marked(kept, kind, count, entry), expected, `${step}: best ${count} of kind ${kind}, entry ${entry}`);
        assert.deepEqual(marked(fresh, kind, count, entry), expected, `${step}: best ${count} of kind ${kind}, entry ${entry}, fresh`);
      }
  const a = new Float64Array(3);
  const b = new Float64Array(3);
  for (let r = 0; r < n; r++) {
    if (kept.entry[r]! < 0) continue;
    a.fill(0);
    b.fill(0);
    assert.equal(kept.readParams(r, a, 0), fresh.readParams(r, b, 0), `${step}: row ${r} valid`);
    assert.deepEqual(a, b, `${step}: row ${r} params`);
  }
}

describe('ObservationColumns', () => {
  const entries = compileTpeSpace(SPACE).entries;

  for (const goal of ['maximize', 'minimize'] as const) {
    it(`equals columns built afresh after random inserts, replacements and removals (${goal})`, () => {
      const rng = new Rng(goal === 'maximize' ? 11 : 12);
      const observations: Observation[] = [];
      const kept = new ObservationColumns(entries);
      for (let step = 0; step < 300; step++) {
        // Mostly one change between syncs (one finished trial per ask), sometimes several.
        const changes = rng.next() < 0.8 ? 1 : 2 + rng.nextInt(5);
        for (let c = 0; c < changes; c++) change(observations, rng);
        kept.sync(observations, goal);
        // Params read in some asks and not others: the kept reads must move with their rows.
        if (observations.length > 0 && rng.next() < 0.5) {
          const r = rng.nextInt(observations.length);
          if (kept.entry[r]! >= 0) kept.readParams(r, new Float64Array(3), 0);
        }
        const fresh = new ObservationColumns(entries);
        fresh.sync(observations, goal);
        assertSameColumns(kept, fresh, `step ${step}`);
      }
    });
  }

  it('starts over when the goal changes', () => {
    const rng = new Rng(3);
    const observations = Array.from({ length: 40 }, () => randomObservation(rng));
    const kept = new ObservationColumns(entries);
    kept.sync(observations, 'maximize');
    kept.sync(observations, 'minimize');
    const fresh = new ObservationColumns(entries);
    fresh.sync(observations, 'minimize');
    assertSameColumns(kept, fresh, 'after the switch');
  });
});

describe('TpeSampler across asks', () => {
  it('proposes what a fresh sampler proposes, whatever changed between asks', () => {
    const rng = new Rng(5);
    const observations: Observation[] = [];
    for (let i = 0; i < 30; i++) observations.push(randomObservation(rng));
    const kept = new TpeSampler(SPACE);
    for (let step = 0; step < 60; step++) {
      change(observations, rng);
      const pending = [randomObservation(rng), randomObservation(rng)].map((o) => ({ entry: o.entry, params: o.params }));
      const request = { seed: 9, nextIndex: step, count: 2, observations, pending, goal: 'maximize' as const };
      assert.deepEqual(kept.ask(request), new TpeSampler(SPACE).ask(request), `step ${step}`);
    }
  });
});
