/**
 * The dashboard's large-sweep chart modes (issue 10), checked against brute force over the same trials:
 * the optimization history's min/max buckets past 4,000 trials, the parallel-coordinates sample past
 * 3,000, and the worker timeline's busy buckets past 5,000. Thresholds and answers are the ones the
 * README promises ("never capped silently"): every answer must stand for every trial.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optimizationHistory } from '../../shared/analytics/optimization-history.js';
import { sampleTrials } from '../../shared/analytics/sample-trials.js';
import { workerTimeline } from '../../shared/analytics/worker-timeline.js';
import { TrialTable } from '../../shared/query/index.js';
import { seededRandom } from '../support/seeded-random.js';

type Goal = 'maximize' | 'minimize';

/**
 * `n` completed trials on table rows 2i + 1 (rows and positions differ, as after a filter). Values are
 * rounded to 3 decimals (ties happen); finish times come in groups of 3 equal times (ties by index) and
 * every 97th trial has none (a legacy trial: after the timed ones, by index).
 */
function historyTrials(n: number, seed: number): { rows: Uint32Array; values: Float64Array; finishedAt: Float64Array } {
  const next = seededRandom(seed);
  const rows = new Uint32Array(n);
  const values = new Float64Array(n);
  const finishedAt = new Float64Array(2 * n + 1).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    rows[i] = 2 * i + 1;
    values[i] = Math.round(next() * 1000) / 1000;
    finishedAt[2 * i + 1] = i % 97 === 0 ? Number.NaN : 1_700_000_000_000 + Math.floor(next() * (n / 3)) * 1000;
  }
  return { rows, values, finishedAt };
}

/** Positions in completion order, computed independently: by time, untimed last, ties by row index. */
function completionOrder(rows: Uint32Array, finishedAt: Float64Array): number[] {
  const timed: number[] = [];
  const untimed: number[] = [];
  for (let i = 0; i < rows.length; i++) (Number.isNaN(finishedAt[rows[i]!]!) ? untimed : timed).push(i);
  timed.sort((a, b) => finishedAt[rows[a]!]! - finishedAt[rows[b]!]! || rows[a]! - rows[b]!);
  untimed.sort((a, b) => rows[a]! - rows[b]!);
  return [...timed, ...untimed];
}

describe('optimizationHistory past 4,000 trials', () => {
  const cases: Array<{ n: number; goal: Goal; bucketSize: number }> = [
    { n: 4000, goal: 'maximize', bucketSize: 1 },
    { n: 4001, goal: 'maximize', bucketSize: 3 },
    { n: 10_007, goal: 'maximize', bucketSize: 6 },
    { n: 10_007, goal: 'minimize', bucketSize: 6 },
  ];
  for (const { n, goal, bucketSize } of cases) {
    it(`sends each bucket's first min and max and the exact best so far (${n} trials, ${goal})`, () => {
      const { rows, values, finishedAt } = historyTrials(n, n);
      const answer = optimizationHistory(rows, values, finishedAt, goal);
      assert.equal(answer.total, n);
      assert.equal(answer.bucketSize, bucketSize);
      assert.ok(answer.drawn <= 4000, `at most 4,000 points, got ${answer.drawn}`);
      assert.equal(answer.x.length, answer.drawn);

      const order = completionOrder(rows, finishedAt);
      const better = goal === 'maximize' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
      const bestAtRank: number[] = [];
      let best = Number.NaN;
      for (const position of order) {
        const v = values[position]!;
        if (Number.isNaN(best) || better(v, best)) best = v;
        bestAtRank.push(best);
      }

      // Brute force per bucket: the ranks of the first lowest and first highest value, in rank order.
      const expectedX: number[] = [];
      const buckets = Math.ceil(n / bucketSize);
      for (let b = 0; b < buckets; b++) {
        const start = b * bucketSize;
        const end = Math.min(n, start + bucketSize);
        let lo = start;
        let hi = start;
        for (let k = start + 1; k < end; k++) {
          if (values[order[k]!]! < values[order[lo]!]!) lo = k;
          if (values[order[k]!]! > values[order[hi]!]!) hi = k;
        }
        for (const k of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) expectedX.push(k + 1);
      }
      assert.deepEqual(answer.x, expectedX);
      // Every bucket is drawn: the buckets cover all n trials, none dropped.
      const drawnBuckets = new Set(answer.x.map((x) => Math.floor((x - 1) / bucketSize)));
      assert.equal(drawnBuckets.size, buckets);
      for (let i = 0; i < answer.drawn; i++) {
        const position = order[answer.x[i]! - 1]!;
        assert.equal(answer.index[i], rows[position], `point ${i}: trial index`);
        assert.equal(answer.y[i], values[position], `point ${i}: value`);
        assert.equal(answer.best[i], bestAtRank[answer.x[i]! - 1], `point ${i}: best so far at rank ${answer.x[i]}`);
      }
      // Spikes survive: the extremes of the whole sweep are among the points.
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        min = Math.min(min, values[i]!);
        max = Math.max(max, values[i]!);
      }
      assert.ok(answer.y.includes(min) && answer.y.includes(max));
      assert.equal(answer.best[answer.drawn - 1], goal === 'maximize' ? max : min);
    });
  }
});

describe('sampleTrials past 3,000 trials', () => {
  const LIMIT = 3000;

  function sampleCase(n: number, seed: number): { rows: Uint32Array; values: Float64Array } {
    const next = seededRandom(seed);
    const rows = new Uint32Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rows[i] = 3 * i + 2;
      // Two decimals over 20,000 trials: many ties, also among the best.
      values[i] = Math.round(next() * 100) / 100;
    }
    return { rows, values };
  }

  it('returns every trial up to the limit', () => {
    const { rows, values } = sampleCase(LIMIT, 1);
    assert.deepEqual([...sampleTrials(rows, values, 'maximize', LIMIT)], [...rows]);
  });

  for (const goal of ['maximize', 'minimize'] as const) {
    it(`keeps the best tenth (ties by index) and an even stride of the rest, in index order (${goal})`, () => {
      const n = 20_000;
      const { rows, values } = sampleCase(n, 7);
      const sample = sampleTrials(rows, values, goal, LIMIT);
      assert.equal(sample.length, LIMIT, 'a full sample of the limit');
      const positionOf = new Map<number, number>();
      for (let i = 0; i < n; i++) positionOf.set(rows[i]!, i);
      const positions = [...sample].map((row) => positionOf.get(row)!);
      for (let i = 1; i < positions.length; i++) assert.ok(positions[i]! > positions[i - 1]!, 'distinct trials in index order');

      // The best tenth of the limit, by brute force: sort by value (goal-wise), ties by index.
      const byValue = [...Array(n).keys()].sort((a, b) => (goal === 'maximize' ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b);
      const inSample = new Set(positions);
      for (const position of byValue.slice(0, LIMIT / 10)) assert.ok(inSample.has(position), `best trial at position ${position} is drawn`);

      // The rest is spread evenly: no gap between drawn trials wider than the stride (plus rounding).
      const stride = (n - LIMIT / 10) / (LIMIT - LIMIT / 10);
      let widest = positions[0]!;
      for (let i = 1; i < positions.length; i++) widest = Math.max(widest, positions[i]! - positions[i - 1]!);
      assert.ok(widest <= Math.ceil(stride) + 1, `widest gap ${widest} for a stride of ${stride.toFixed(2)}`);

      // Deterministic: the same trials give the same sample, whatever else ran before.
      assert.deepEqual([...sampleTrials(rows, values, goal, LIMIT)], [...sample]);
    });
  }
});

describe('workerTimeline past 5,000 trials', () => {
  const WORKERS = ['w-a', 'w-b', 'w-c'];
  const T0 = 1_700_000_000_000;

  /** `n` finished trials over three workers (random starts and lengths), plus running and queued ones. */
  function timelineTable(n: number, seed: number): TrialTable {
    const next = seededRandom(seed);
    const table = new TrialTable();
    let row = 0;
    for (let i = 0; i < n; i++) {
      const startedAt = T0 + Math.floor(next() * 3_600_000);
      const finishedAt = startedAt + Math.floor(next() * 60_000);
      table.upsert(row++, {
        status: i % 11 === 0 ? 'failed' : 'completed',
        name: `t${row}`,
        tags: { worker: WORKERS[i % WORKERS.length]! },
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
      });
      // Trials still running or never started have no bar: they must not count.
      if (i % 500 === 0) table.upsert(row++, { status: 'active', name: `r${row}`, tags: { worker: 'w-a' }, startedAt: T0 + 10 });
      if (i % 700 === 0) table.upsert(row++, { status: 'queued', name: `q${row}` });
    }
    return table;
  }

  it('sends bars up to 5,000 finished trials', () => {
    const table = timelineTable(5000, 3);
    const answer = workerTimeline(table, table.presentRows());
    assert.equal(answer.mode, 'bars');
    assert.equal(answer.total, 5000);
    if (answer.mode !== 'bars') return;
    assert.equal(answer.index.length, 5000);
    for (let i = 0; i < answer.index.length; i++) {
      const row: NonNullable<ReturnType<TrialTable['getRow']>> = table.getRow(answer.index[i]!)!;
      assert.equal(answer.start[i], row.startedAt);
      assert.equal(answer.end[i], row.finishedAt);
      assert.equal(answer.status[i], row.status);
      assert.equal(answer.workers[answer.worker[i]!], row.tags.worker);
    }
  });

  it('sends each worker’s busy fraction per bucket past 5,000, equal to brute force, busy time conserved', () => {
    const table = timelineTable(5001, 4);
    const answer = workerTimeline(table, table.presentRows());
    assert.equal(answer.mode, 'buckets');
    if (answer.mode !== 'buckets') return;
    assert.equal(answer.total, 5001, 'only finished trials count');
    assert.deepEqual(answer.workers, WORKERS, 'lanes in first-seen order');
    assert.equal(answer.buckets, 200);

    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    const finished: number[] = [];
    for (const row of table.presentRows()) {
      const r = table.getRow(row)!;
      if (r.startedAt === null || r.finishedAt === null) continue;
      finished.push(row);
      from = Math.min(from, r.startedAt);
      to = Math.max(to, r.finishedAt);
    }
    assert.equal(answer.from, from);
    assert.equal(answer.to, to);
    assert.equal(answer.start, from);
    assert.equal(answer.bucketMs, (to - from) / 200);

    // Brute force: every trial against every bucket of its lane.
    const expected = WORKERS.map(() => new Float64Array(200));
    const laneTotal = new Float64Array(WORKERS.length);
    for (const row of finished) {
      const r = table.getRow(row)!;
      const lane = WORKERS.indexOf(r.tags.worker as string);
      laneTotal[lane]! += r.finishedAt! - r.startedAt!;
      for (let b = 0; b < 200; b++) {
        const b0 = from + b * answer.bucketMs;
        const overlap = Math.min(r.finishedAt!, b0 + answer.bucketMs) - Math.max(r.startedAt!, b0);
        if (overlap > 0) expected[lane]![b]! += overlap / answer.bucketMs;
      }
    }
    for (let lane = 0; lane < WORKERS.length; lane++) {
      let busyMs = 0;
      for (let b = 0; b < 200; b++) {
        assert.ok(Math.abs(answer.busy[lane]![b]! - expected[lane]![b]!) < 1e-9, `lane ${lane} bucket ${b}`);
        assert.ok(answer.busy[lane]![b]! >= 0);
        busyMs += answer.busy[lane]![b]! * answer.bucketMs;
      }
      assert.ok(Math.abs(busyMs - laneTotal[lane]!) < 1e-6 * laneTotal[lane]!, `lane ${lane}: ${busyMs} ms busy vs ${laneTotal[lane]} ms of trials`);
    }
  });
});
