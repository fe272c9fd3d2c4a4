/**
 * Property tests: random tables, random filters, random order_by and pages, checked against the naive
 * reference (reference-query.ts). Seeded, so a failure reproduces; the message prints the seed, the
 * filter and the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../shared/ml/random/rng.js';
import { parseFilter, parseOrderBy, queryTable, queryTables, TRIAL_TABLE_STATUSES, TrialTable, type TrialRowInput } from '../../shared/query/index.js';
import { selectPageByNumber } from '../../shared/query/select-page-by-number.js';
import { selectPage } from '../../shared/query/select-page.js';
import { referenceQuery, type ReferenceRow } from './reference-query.js';

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.nextInt(values.length)]!;
}

const NAMES = ['a', 'b', 'B', 'rf(d=5)', 'lr_1', 'x%y', 'trial 10', 'trial 9', '', 'ünï'];
const MODELS = ['random_forest', 'logistic_regression', 'gb', null, undefined];
const D_VALUES = [1, 2, 3, 5, 5, 10, null, '5', 'deep', '3.0'];
const F_VALUES = ['sqrt', 'log2', 0.5, 1, '0.25', true, null, -2];
const LR_VALUES = [0.1, 0.01, 0.001, '1e-3', 1e-4];
const AUC_VALUES = [0.5, 0.75, 0.75, 0.9, 1, 0, -0.25, null, Number.POSITIVE_INFINITY];
const OWNER_VALUES = ['ann', 'Ann', 'bob', 'carol', null];
const N_VALUES = ['1', '10', '2', 'x', '-1'];

function randomRecord(rng: Rng): TrialRowInput {
  const params: Record<string, string | number | boolean | null> = {};
  if (rng.next() < 0.9) params.d = pick(rng, D_VALUES);
  if (rng.next() < 0.7) params.f = pick(rng, F_VALUES);
  if (rng.next() < 0.8) params.lr = pick(rng, LR_VALUES);
  if (rng.next() < 0.5) params.b = rng.next() < 0.5;
  const metrics: Record<string, number | null> = {};
  if (rng.next() < 0.85) metrics.auc = pick(rng, AUC_VALUES);
  if (rng.next() < 0.7) metrics.loss = Math.round(rng.uniform(-5, 5) * 100) / 100;
  if (rng.next() < 0.2) metrics.acc = rng.next();
  const tags: Record<string, string | null> = {};
  if (rng.next() < 0.6) tags.owner = pick(rng, OWNER_VALUES);
  if (rng.next() < 0.5) tags.n = pick(rng, N_VALUES);
  const model = pick(rng, MODELS);
  return {
    status: pick(rng, TRIAL_TABLE_STATUSES),
    name: rng.next() < 0.3 ? `t${rng.nextInt(1000)}` : pick(rng, NAMES),
    ...(model === undefined ? {} : { model }),
    params,
    metrics,
    tags,
    ...(rng.next() < 0.8 ? { durationMs: rng.nextInt(20) * 100 } : {}),
    ...(rng.next() < 0.8 ? { startedAt: 1_700_000_000_000 + rng.nextInt(1000) } : {}),
  };
}

interface RandomSweep {
  table: TrialTable;
  rows: ReferenceRow[];
}

function randomSweep(rng: Rng, size: number, sweepId: string): RandomSweep {
  const table = new TrialTable({ sweepId, initialCapacity: 1 + rng.nextInt(8) });
  const rows: ReferenceRow[] = [];
  for (let i = 0; i < size; i++) {
    if (rng.next() < 0.1) continue; // absent row
    const record = randomRecord(rng);
    table.upsert(i, record);
    rows.push({ index: i, record, sweepId });
  }
  // Some status-only updates after the fact, mirrored in the reference.
  for (let k = 0; k < size / 10 && rows.length > 0; k++) {
    const row = pick(rng, rows);
    const status = pick(rng, TRIAL_TABLE_STATUSES);
    table.setStatus(row.index, status);
    row.record = { ...row.record, status };
  }
  return { table, rows };
}

const NUMERIC_FIELDS = ['metrics.auc', 'metrics.loss', 'metrics.acc', 'metrics.never', 'attributes.duration', 'attributes.index', 'attributes.start_time'];
const MIXED_FIELDS = [
  'params.d',
  'params.f',
  'params.lr',
  'params.b',
  'params.never',
  'tags.owner',
  'tags.n',
  'attributes.model',
  'attributes.name',
  'tags.mlflow.runName',
];
const NUMBER_LITERALS = ['0', '0.75', '1', '-0.25', '5', "'5'", '3', '10', '1e-3', '300', '0.5', '1700000000500'];
const TEXT_LITERALS = [
  "'sqrt'",
  "'deep'",
  "'ann'",
  "'Ann'",
  "'x'",
  "'10'",
  "'0.25'",
  'true',
  'false',
  "'random_forest'",
  "'a'",
  "'B'",
  "'t1'",
  "''",
  "'x%y'",
  "'ünï'",
];
const PATTERNS = ["'%a%'", "'s%'", "'_'", "'%'", "'0.%'", "'A%'", "'%\\%%'", "'t1_'", "'%5%'", "'%_forest'", "'%ñ%'", "'rf(%'"];

function randomComparison(rng: Rng): string {
  if (rng.next() < 0.1) {
    const statuses = TRIAL_TABLE_STATUSES.map((s) => (rng.next() < 0.3 ? s.toUpperCase() : s));
    switch (rng.nextInt(4)) {
      case 0:
        return `attributes.status = '${pick(rng, statuses)}'`;
      case 1:
        return `status != '${pick(rng, statuses)}'`;
      case 2:
        return `status ${rng.next() < 0.5 ? 'NOT IN' : 'in'} ('${pick(rng, statuses)}', '${pick(rng, statuses)}')`;
      default:
        return `status like '${pick(rng, ['%ed', 'C%', 'q_e%', '%'])}'`;
    }
  }
  if (rng.next() < 0.08) return `run_id ${pick(rng, ['=', '!='])} 's-prop-t${rng.nextInt(50)}'`;
  const numeric = rng.next() < 0.45;
  const field = pick(rng, numeric ? NUMERIC_FIELDS : MIXED_FIELDS);
  const literals = numeric ? NUMBER_LITERALS : [...NUMBER_LITERALS, ...TEXT_LITERALS];
  const r = rng.next();
  if (r < 0.1) return `${field} IS ${rng.next() < 0.5 ? 'NOT ' : ''}NULL`;
  if (r < 0.25) {
    const values = Array.from({ length: 1 + rng.nextInt(3) }, () => pick(rng, literals));
    return `${field} ${rng.next() < 0.5 ? 'NOT IN' : 'IN'} (${values.join(', ')})`;
  }
  if (!numeric && r < 0.4) return `${field} ${rng.next() < 0.5 ? 'LIKE' : 'ILIKE'} ${pick(rng, PATTERNS)}`;
  return `${field} ${pick(rng, ['=', '!=', '<', '<=', '>', '>='])} ${pick(rng, literals)}`;
}

function randomFilter(rng: Rng, depth = 0): string {
  if (depth >= 3 || rng.next() < 0.45) return randomComparison(rng);
  const parts = Array.from({ length: 2 + rng.nextInt(2) }, () => randomFilter(rng, depth + 1));
  const joined = parts.join(rng.next() < 0.5 ? ' AND ' : ' OR ');
  return rng.next() < 0.6 ? `(${joined})` : joined;
}

const ORDER_FIELDS = [
  'metrics.auc',
  'metrics.loss',
  'metrics.acc',
  'params.d',
  'params.f',
  'params.lr',
  'params.b',
  'tags.owner',
  'tags.n',
  'attributes.name',
  'attributes.status',
  'attributes.model',
  'attributes.duration',
  'attributes.run_id',
  'metrics.never',
];

function randomOrderBy(rng: Rng): string[] {
  return Array.from({ length: rng.nextInt(4) }, () => `${pick(rng, ORDER_FIELDS)}${pick(rng, ['', ' ASC', ' DESC', ' desc'])}`);
}

/** An offset/limit that lands on shallow pages (heap path) as well as deep ones (partial quicksort). */
function randomPage(rng: Rng, size: number): { offset: number; limit: number } {
  const limit = pick(rng, [0, 1, 5, 20, 50, 200]);
  const offset = rng.next() < 0.5 ? rng.nextInt(10) : rng.nextInt(size + 10);
  return { offset, limit };
}

describe('queryTable against the reference', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`agrees on random tables, filters, orders and pages (seed ${seed})`, () => {
      const rng = new Rng(seed);
      for (let t = 0; t < 4; t++) {
        const size = pick(rng, [0, 1, 7, 60, 400, 2500]);
        const { table, rows } = randomSweep(rng, size, 's-prop');
        for (let q = 0; q < 25; q++) {
          const filter = rng.next() < 0.15 ? '' : randomFilter(rng);
          const orderBy = randomOrderBy(rng);
          const { offset, limit } = randomPage(rng, size);
          const context = `seed ${seed} table ${t} query ${q}: filter ${JSON.stringify(filter)} order_by ${JSON.stringify(orderBy)} offset ${offset} limit ${limit}`;
          const result = queryTable(table, { filter, orderBy, offset, limit });
          const expected = referenceQuery(rows, parseFilter(filter), parseOrderBy(orderBy), offset, limit);
          assert.equal(result.total, expected.total, `total, ${context}`);
          assert.deepEqual(
            [...result.rows],
            expected.page.map((row) => row.index),
            context,
          );
        }
      }
    });
  }

  it('pages through every match exactly once, in order', () => {
    const rng = new Rng(99);
    const { table, rows } = randomSweep(rng, 3000, 's-prop');
    const orderBy = ['params.d DESC', 'metrics.auc'];
    const all = referenceQuery(rows, null, parseOrderBy(orderBy), 0, rows.length).page.map((row) => row.index);
    const seen: number[] = [];
    for (let offset = 0; offset < all.length; offset += 97) seen.push(...queryTable(table, { orderBy, offset, limit: 97 }).rows);
    assert.deepEqual(seen, all);
  });
});

describe('queryTables', () => {
  it('orders several sweeps as one list: keys, then sweep rank, then trial index', () => {
    const a = new TrialTable({ sweepId: 's-aaaaaa' });
    const b = new TrialTable({ sweepId: 's-bbbbbb' });
    const c = new TrialTable({ sweepId: 's-cccccc' });
    a.upsert(0, { status: 'completed', name: 'a0', metrics: { auc: 0.9 } });
    a.upsert(1, { status: 'completed', name: 'a1', metrics: { auc: 0.8 } });
    b.upsert(0, { status: 'completed', name: 'b0', metrics: { auc: 0.8 } });
    b.upsert(1, { status: 'completed', name: 'b1', metrics: { auc: 0.9 } });
    b.upsert(2, { status: 'completed', name: 'b2' });
    c.upsert(0, { status: 'completed', name: 'c0', metrics: { auc: 0.8 } });
    // Input order a, b, c; ranks make b first, then c, then a.
    const result = queryTables(
      [
        { table: a, sweepRank: 2 },
        { table: b, sweepRank: 0 },
        { table: c, sweepRank: 1 },
      ],
      { orderBy: 'metrics.auc DESC', limit: 10 },
    );
    const names = [...result.rows].map((row, i) => [a, b, c][result.tables[i]!]!.getRow(row)!.name);
    assert.deepEqual(names, ['b1', 'a0', 'b0', 'c0', 'a1', 'b2']);
    assert.equal(result.total, 6);

    const unordered = queryTables(
      [
        { table: a, sweepRank: 2 },
        { table: b, sweepRank: 0 },
        { table: c, sweepRank: 1 },
      ],
      { filter: 'metrics.auc = 0.8' },
    );
    assert.deepEqual([...unordered.tables], [1, 2, 0]);
    assert.deepEqual([...unordered.rows], [0, 0, 1]);
  });

  it('ranks text across sweeps with different dictionaries', () => {
    const a = new TrialTable();
    const b = new TrialTable();
    a.upsert(0, { status: 'completed', name: 'x', params: { f: 'sqrt' }, tags: { o: 'zed' } });
    a.upsert(1, { status: 'completed', name: 'y', params: { f: 0.5 }, tags: { o: 'amy' } });
    b.upsert(0, { status: 'completed', name: 'z', params: { f: 'log2' }, tags: { o: 'kim' } });
    b.upsert(1, { status: 'completed', name: 'w', params: { f: 'auto' } });
    const tables = [
      { table: a, sweepRank: 0 },
      { table: b, sweepRank: 1 },
    ];
    const pairs = (orderBy: string): string[] => {
      const result = queryTables(tables, { orderBy });
      return [...result.rows].map((row, i) => `${result.tables[i]}:${row}`);
    };
    assert.deepEqual(pairs('params.f'), ['0:1', '1:1', '1:0', '0:0']);
    assert.deepEqual(pairs('tags.o DESC'), ['0:0', '1:0', '0:1', '1:1']);
    assert.deepEqual(pairs('attributes.name'), ['1:1', '0:0', '0:1', '1:0']);
  });

  it('agrees with the reference on random experiments', () => {
    const rng = new Rng(2024);
    for (let e = 0; e < 6; e++) {
      const sweeps = Array.from({ length: 1 + rng.nextInt(4) }, (_, s) => ({
        ...randomSweep(rng, pick(rng, [0, 30, 300, 1500]), `s-sweep${s}x`),
        rank: rng.nextInt(3),
      }));
      // The reference lays rows out in (rank, input position, index) order and sorts stably.
      const laidOut = sweeps
        .map((sweep, position) => ({ sweep, position }))
        .sort((x, y) => x.sweep.rank - y.sweep.rank || x.position - y.position)
        .flatMap(({ sweep, position }) => sweep.rows.map((row) => ({ ...row, position })));
      for (let q = 0; q < 15; q++) {
        const filter = randomFilter(rng);
        const orderBy = randomOrderBy(rng);
        const total = laidOut.length;
        const { offset, limit } = randomPage(rng, total);
        const result = queryTables(
          sweeps.map((s) => ({ table: s.table, sweepRank: s.rank })),
          { filter, orderBy, offset, limit },
        );
        const expected = referenceQuery(laidOut, parseFilter(filter), parseOrderBy(orderBy), offset, limit);
        const context = `experiment ${e} query ${q}: ${filter} / ${orderBy.join(', ')} / ${offset}+${limit}`;
        assert.equal(result.total, expected.total, context);
        assert.deepEqual(
          [...result.rows].map((row, i) => `${result.tables[i]}:${row}`),
          expected.page.map((row) => `${row.position}:${row.index}`),
          context,
        );
      }
    }
  });
});

describe('selectPage', () => {
  /** Items ordered by key (missing last) then id: what the engine's comparator does. */
  function byKey(keys: Float64Array): (a: number, b: number) => number {
    return (a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      if (x !== y) {
        if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
        if (Number.isNaN(y)) return -1;
        return x < y ? -1 : 1;
      }
      return a - b;
    };
  }

  const shapes: Array<[string, (i: number, n: number, rng: Rng) => number]> = [
    ['random', (_i, _n, rng) => rng.next()],
    ['ascending', (i) => i],
    ['descending', (i, n) => n - i],
    ['all equal', () => 1],
    ['few distinct', (i) => i % 3],
    ['organ pipe', (i, n) => Math.min(i, n - i)],
    ['mostly missing', (i) => (i % 10 === 0 ? i : Number.NaN)],
  ];
  for (const [shape, key] of shapes) {
    it(`returns the same page as a full sort for ${shape} keys, shallow and deep`, () => {
      const rng = new Rng(shape.length);
      const n = 5000;
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = key(i, n, rng);
      const compare = byKey(keys);
      const sorted = Array.from({ length: n }, (_, i) => i).sort(compare);
      for (const [offset, limit] of [
        [0, 10],
        [0, 600],
        [100, 50],
        [2500, 50],
        [4990, 50],
        [0, 5000],
        [0, 0],
        [6000, 5],
      ] as const) {
        const items = Uint32Array.from({ length: n }, (_, i) => i);
        rng.shuffle(items);
        assert.deepEqual([...selectPage(items, offset, limit, compare)], sorted.slice(offset, offset + limit), `${offset}+${limit}`);
      }
    });

    it(`selects by one numeric key the same way for ${shape} keys, both directions`, () => {
      const rng = new Rng(shape.length + 100);
      const n = 3000;
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = key(i, n, rng);
      const negated = keys.map((v) => -v);
      const ascending = Array.from({ length: n }, (_, i) => i).sort(byKey(keys));
      const descending = Array.from({ length: n }, (_, i) => i).sort(byKey(negated));
      for (const [offset, limit] of [
        [0, 10],
        [1500, 50],
        [2990, 50],
        [0, 3000],
        [100, 0],
      ] as const) {
        const items = Uint32Array.from({ length: n }, (_, i) => i);
        if (offset === 1500) rng.shuffle(items);
        assert.deepEqual(
          [...selectPageByNumber(items, { kind: 'number', values: keys, descending: false }, offset, limit)],
          ascending.slice(offset, offset + limit),
          `ASC ${offset}+${limit}`,
        );
        assert.deepEqual(
          [...selectPageByNumber(items, { kind: 'number', values: keys, descending: true }, offset, limit)],
          descending.slice(offset, offset + limit),
          `DESC ${offset}+${limit}`,
        );
      }
    });
  }
});
