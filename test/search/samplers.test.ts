/**
 * The sampler seam's grid and random samplers: proposals addressed by index, so trial i depends only on
 * (seed, i) — created lazily in any order by any feeder, re-runs bit-identical.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepSpecSchema, type SweepSpecInput } from '../../shared/schemas/sweep-spec.schema.js';
import { expandTrials, planSegments } from '../../shared/search/expand-trials.js';
import { GridSampler } from '../../shared/search/grid-sampler.js';
import { KeyedPermutation } from '../../shared/search/keyed-permutation.js';
import { RandomSampler } from '../../shared/search/random-sampler.js';
import type { AskRequest, Proposal } from '../../shared/search/sampler.js';
import { samplerFor, segmentAt, type Segment } from '../../shared/search/search-segment.js';
import { cpuMillis } from '../support/cpu-time.js';

const DATASET = { make_classification: { n_samples: 100, n_features: 5, n_informative: 3, n_redundant: 1 } };

function spec(parts: Partial<SweepSpecInput>) {
  return SweepSpecSchema.parse({ name: 'sampler_test', dataset: DATASET, ...parts });
}

function ask(nextIndex: number, count: number): AskRequest {
  return { seed: 0, nextIndex, count, observations: [], pending: [], goal: 'maximize' };
}

function proposals(result: ReturnType<GridSampler['ask']>): Proposal[] {
  assert.equal(result.kind, 'proposals');
  return result.kind === 'proposals' ? result.proposals : [];
}

describe('KeyedPermutation', () => {
  for (const n of [1, 2, 3, 7, 16, 17, 1000, 4097]) {
    it(`is a bijection of [0, ${n})`, () => {
      const p = new KeyedPermutation(n, 12345);
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = p.at(i);
        assert.ok(v >= 0 && v < n && Number.isInteger(v));
        assert.equal(seen[v], 0, `${v} drawn twice`);
        seen[v] = 1;
      }
    });
  }

  it('depends on the key, and only on it', () => {
    const a = new KeyedPermutation(1000, 1);
    const b = new KeyedPermutation(1000, 1);
    const c = new KeyedPermutation(1000, 2);
    const first = (p: KeyedPermutation): number[] => [...Array(20).keys()].map((i) => p.at(i));
    assert.deepEqual(first(a), first(b));
    assert.notDeepEqual(first(a), first(c));
  });

  it('addresses a 10^12-point domain without materialising it', () => {
    const p = new KeyedPermutation(1e12, 7);
    const values = new Set<number>();
    for (let i = 0; i < 1000; i++) values.add(p.at(i));
    assert.equal(values.size, 1000);
    for (const v of values) assert.ok(v < 1e12);
  });
});

describe('GridSampler', () => {
  it('proposes point i of the concatenated grids, the same whatever range is asked', () => {
    const s = spec({
      search: {
        method: 'grid',
        space: [
          { model: 'random_forest', params: { n_estimators: { values: [100, 200] }, max_depth: { values: [5, null] } } },
          { model: 'logistic_regression', params: { C: { values: [0.1, 1, 10] } } },
        ],
      },
    });
    const sampler = new GridSampler(s.search!.space);
    assert.equal(sampler.size, 7);
    const all = proposals(sampler.ask(ask(0, 7)));
    assert.deepEqual(
      all.map((p) => p.entry),
      [0, 0, 0, 0, 1, 1, 1],
    );
    for (let i = 0; i < 7; i++) assert.deepEqual(proposals(sampler.ask(ask(i, 1)))[0], all[i]);
    assert.deepEqual(proposals(sampler.ask(ask(5, 10))), all.slice(5), 'asking past the end yields the rest');
    assert.equal(sampler.ask(ask(7, 1)).kind, 'exhausted');
  });

  it('plans a 1,000,000-point grid in constant time and memory', () => {
    const values = [...Array(100).keys()].map((i) => i + 1);
    const s = spec({
      search: {
        method: 'grid',
        space: [
          {
            model: 'logistic_regression',
            params: {
              C: { values },
              max_iter: { values: [...Array(100).keys()].map((i) => i + 100) },
              tol: { values: [...Array(100).keys()].map((i) => (i + 1) / 1e6) },
            },
          },
        ],
      },
    });
    const ms = cpuMillis(() => {
      const [segment] = planSegments(s, 10_000_000);
      assert.equal(segment!.size, 1_000_000);
      const last = proposals(samplerFor(segment!).ask(ask(999_999, 1)))[0]!;
      assert.deepEqual(last.params, { C: 100, max_iter: 199, tol: 0.0001 });
    });
    assert.ok(ms < 1000, `${ms} ms of CPU`);
  });
});

describe('RandomSampler', () => {
  const continuous = spec({
    search: {
      method: 'random',
      max_trials: 50,
      seed: 3,
      space: [
        {
          model: 'random_forest',
          params: { n_estimators: { distribution: 'int_uniform', min: 10, max: 300 }, max_features: { distribution: 'uniform', min: 0.1, max: 1 } },
        },
        { model: 'logistic_regression', params: { C: { distribution: 'log_uniform', min: 0.001, max: 100 } } },
      ],
    },
  }).search!;

  it('draws trial i from (seed, i) alone: any order, any range, same trials', () => {
    const sampler = new RandomSampler(continuous.space, 50, 3);
    const forward = proposals(sampler.ask(ask(0, 50)));
    const backward: Proposal[] = [];
    for (let i = 49; i >= 0; i--) backward.unshift(proposals(new RandomSampler(continuous.space, 50, 3).ask(ask(i, 1)))[0]!);
    assert.deepEqual(backward, forward);
    assert.notDeepEqual(proposals(new RandomSampler(continuous.space, 50, 4).ask(ask(0, 50))), forward, 'another seed draws other trials');
    assert.ok(new Set(forward.map((p) => p.entry)).size === 2, 'both entries are drawn');
  });

  it('samples a finite space without replacement and never more than it holds', () => {
    const space = spec({
      search: {
        method: 'random',
        max_trials: 100,
        space: [{ model: 'decision_tree', params: { max_depth: { values: [1, 2, 3] }, min_samples_leaf: { values: [1, 2, 3] } } }],
      },
    }).search!.space;
    const sampler = new RandomSampler(space, 100, 0);
    assert.equal(sampler.size, 9);
    const drawn = proposals(sampler.ask(ask(0, 9))).map((p) => JSON.stringify(p.params));
    assert.equal(new Set(drawn).size, 9);
    const partial = new RandomSampler(space, 4, 0);
    assert.equal(partial.size, 4);
    assert.deepEqual(
      proposals(partial.ask(ask(0, 4))).map((p) => JSON.stringify(p.params)),
      drawn.slice(0, 4),
      'max_trials takes a prefix of the same draw',
    );
  });
});

describe('segments', () => {
  it('cover explicit trials then the search; expandTrials creates them as the feeder would', () => {
    const s = spec({
      trials: [{ name: 'mine', model: 'logistic_regression', params: { C: 1 } }],
      search: { method: 'grid', space: [{ model: 'logistic_regression', params: { C: { values: [1, 2] } } }] },
    });
    const plans = planSegments(s, 100);
    assert.deepEqual(
      plans.map((p) => [p.kind, p.size]),
      [
        ['explicit', 1],
        ['grid', 2],
      ],
    );
    const segments: Segment[] = [
      { ...plans[0]!, start: 0 },
      { ...plans[1]!, start: 1 },
    ] as Segment[];
    assert.equal(segmentAt(segments, 0)?.position, 0);
    assert.equal(segmentAt(segments, 2)?.position, 1);
    assert.equal(segmentAt(segments, 3), undefined);
    const trials = expandTrials(s, { maxTrials: 100 });
    assert.deepEqual(
      trials.map((t) => [t.index, t.name, t.entry]),
      [
        [0, 'mine', 0],
        [1, 'logistic_regression(C=1)', 0],
        [2, 'logistic_regression(C=2)', 0],
      ],
      'entry: the space entry of a search, the position of an explicit trial',
    );
  });
});
