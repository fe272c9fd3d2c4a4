/**
 * A table keeps its sorted orders and filter masks between queries (sorted-rows-cache.ts,
 * match-mask-cache.ts) and brings them up to date from its change journal. These tests change the
 * table between queries — new rows, finished trials, status and timing changes, removals, new text
 * values in a dictionary — and check every answer against the naive reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../shared/ml/random/rng.js';
import { parseFilter, parseOrderBy, queryTable, TRIAL_TABLE_STATUSES, TrialTable, type TrialRowInput } from '../../shared/query/index.js';
import { referenceQuery, type ReferenceRow } from './reference-query.js';

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.nextInt(values.length)]!;
}

const AUC_VALUES = [0.5, 0.75, 0.75, 0.9, 1, null];
/** Numbers and text in one param; new text values arrive while the table is cached. */
const DEPTH_VALUES: Array<number | string | null> = [1, 2, 3, 5, 10, null, 'deep', '5'];

function randomRecord(rng: Rng, round: number): TrialRowInput {
  const metrics: Record<string, number | null> = {};
  if (rng.next() < 0.85) metrics.auc = pick(rng, AUC_VALUES);
  if (rng.next() < 0.7) metrics.loss = Math.round(rng.uniform(0, 5) * 10) / 10;
  const depth = rng.next() < 0.1 ? `text${round}-${rng.nextInt(3)}` : pick(rng, DEPTH_VALUES);
  return {
    status: pick(rng, TRIAL_TABLE_STATUSES),
    name: `t${rng.nextInt(50)}`,
    params: { depth, lr: pick(rng, [0.1, 0.01, 0.001]) },
    metrics,
    tags: rng.next() < 0.5 ? { owner: pick(rng, ['ann', 'bob', `new${round}`]) } : {},
    ...(rng.next() < 0.8 ? { durationMs: rng.nextInt(20) * 100 } : {}),
  };
}

/** The table and the same rows as plain records, changed together. */
class MirroredTable {
  readonly table = new TrialTable({ sweepId: 's-cache', initialCapacity: 16 });
  private readonly records = new Map<number, TrialRowInput>();

  upsert(index: number, record: TrialRowInput): void {
    this.table.upsert(index, record);
    this.records.set(index, record);
  }

  setStatus(index: number, status: TrialRowInput['status']): void {
    this.table.setStatus(index, status);
    this.records.set(index, { ...this.records.get(index)!, status });
  }

  setDuration(index: number, durationMs: number | null): void {
    this.table.setTimes(index, { durationMs });
    this.records.set(index, { ...this.records.get(index)!, durationMs });
  }

  remove(index: number): void {
    this.table.remove(index);
    this.records.delete(index);
  }

  presentIndexes(): number[] {
    return [...this.records.keys()];
  }

  /** Reference rows in trial index order (the reference breaks ties by position). */
  referenceRows(): ReferenceRow[] {
    return [...this.records].sort((a, b) => a[0] - b[0]).map(([index, record]) => ({ index, record, sweepId: 's-cache' }));
  }
}

/** The queries a dashboard repeats: each is answered from the caches after its first run. */
const QUERIES: Array<{ filter: string; orderBy: string[] }> = [
  { filter: '', orderBy: ['metrics.auc DESC'] },
  { filter: "metrics.auc > 0.7 OR params.depth = 'deep'", orderBy: ['params.lr ASC'] },
  { filter: 'metrics.loss < 2.5', orderBy: ['params.depth DESC', 'metrics.auc'] },
  { filter: "tags.owner != 'bob'", orderBy: ['attributes.name', 'attributes.duration DESC'] },
  { filter: "status = 'completed'", orderBy: [] },
  { filter: '', orderBy: ['attributes.status', 'attributes.run_id DESC'] },
];

function checkAll(mirror: MirroredTable, rng: Rng, context: string): void {
  const rows = mirror.referenceRows();
  for (const { filter, orderBy } of QUERIES) {
    const offset = rng.next() < 0.5 ? 0 : rng.nextInt(rows.length + 5);
    const limit = pick(rng, [1, 10, 50]);
    const got = queryTable(mirror.table, { filter, orderBy, offset, limit });
    const expected = referenceQuery(rows, parseFilter(filter), parseOrderBy(orderBy), offset, limit);
    const where = `${context}: filter ${JSON.stringify(filter)} order_by ${JSON.stringify(orderBy)} offset ${offset} limit ${limit}`;
    assert.equal(got.total, expected.total, `total, ${where}`);
    assert.deepEqual(
      [...got.rows],
      expected.page.map((row) => row.index),
      where,
    );
  }
}

describe('queryTable caches', () => {
  it('a new completion changes the sorted page', () => {
    const mirror = new MirroredTable();
    for (let i = 0; i < 100; i++) mirror.upsert(i, { status: 'completed', name: `t${i}`, metrics: { auc: i / 200 } });
    mirror.upsert(100, { status: 'active', name: 't100' });
    const orderBy = ['metrics.auc DESC'];
    assert.deepEqual([...queryTable(mirror.table, { orderBy, limit: 3 }).rows], [99, 98, 97]);
    mirror.upsert(100, { status: 'completed', name: 't100', metrics: { auc: 0.9 } });
    assert.deepEqual([...queryTable(mirror.table, { orderBy, limit: 3 }).rows], [100, 99, 98]);
    // A worse result lands further down; one removed drops out.
    mirror.upsert(101, { status: 'completed', name: 't101', metrics: { auc: 0.4955 } });
    mirror.remove(99);
    assert.deepEqual([...queryTable(mirror.table, { orderBy, limit: 3 }).rows], [100, 101, 98]);
    assert.equal(queryTable(mirror.table, { orderBy, limit: 0 }).total, 101);
  });

  it('a filter result after an update is correct', () => {
    const mirror = new MirroredTable();
    for (let i = 0; i < 50; i++) mirror.upsert(i, { status: 'completed', name: `t${i}`, metrics: { auc: i % 2 === 0 ? 0.9 : 0.5 } });
    const query = { filter: 'metrics.auc > 0.8', orderBy: ['attributes.index DESC'], limit: 2 };
    assert.deepEqual(queryTable(mirror.table, query), { rows: Uint32Array.from([48, 46]), total: 25 });
    mirror.upsert(49, { status: 'completed', name: 't49', metrics: { auc: 0.95 } });
    mirror.upsert(48, { status: 'failed', name: 't48' });
    assert.deepEqual(queryTable(mirror.table, query), { rows: Uint32Array.from([49, 46]), total: 25 });
    mirror.setStatus(46, 'queued');
    assert.deepEqual(queryTable(mirror.table, { ...query, filter: "metrics.auc > 0.8 AND status = 'completed'" }), {
      rows: Uint32Array.from([49, 44]),
      total: 24,
    });
  });

  for (const seed of [1, 2, 3]) {
    it(`agrees with the reference while rows arrive, finish, change and go (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const mirror = new MirroredTable();
      let next = 0;
      for (let round = 0; round < 40; round++) {
        // Mostly small batches (merged into the cached orders), now and then a large one (full sort).
        const changes = rng.next() < 0.1 ? 200 + rng.nextInt(300) : rng.nextInt(12);
        for (let c = 0; c < changes; c++) {
          const present = mirror.presentIndexes();
          const r = rng.next();
          if (r < 0.4 || present.length === 0) mirror.upsert(rng.next() < 0.1 ? next + 1 + rng.nextInt(5) : next, randomRecord(rng, round));
          else if (r < 0.6) mirror.upsert(pick(rng, present), randomRecord(rng, round));
          else if (r < 0.75) mirror.setStatus(pick(rng, present), pick(rng, TRIAL_TABLE_STATUSES));
          else if (r < 0.9) mirror.setDuration(pick(rng, present), rng.next() < 0.2 ? null : rng.nextInt(20) * 100);
          else mirror.remove(pick(rng, present));
          next = mirror.table.rowCount;
        }
        checkAll(mirror, rng, `seed ${seed} round ${round} (${changes} changes, ${mirror.table.size} rows)`);
      }
    });
  }
});

describe('TrialTable.changedRowsSince', () => {
  it('names the rows of each mutation since a revision, across growth', () => {
    const table = new TrialTable({ initialCapacity: 64 });
    const start = table.revision;
    const touched: number[] = [];
    for (let i = 0; i < 40; i++) {
      table.upsert(i, { status: 'queued', name: `t${i}` });
      touched.push(i);
    }
    // Row 64 grows the table (and its journal) with every mutation so far still in it.
    for (const i of [64, 70, 3, 64]) {
      table.upsert(i, { status: 'completed', name: `t${i}` });
      touched.push(i);
    }
    table.setStatus(3, 'failed');
    table.setTimes(70, { durationMs: 5 });
    table.remove(7);
    touched.push(3, 70, 7);
    assert.ok(table.capacity > 64);
    assert.deepEqual([...table.changedRowsSince(start)!], touched);
    assert.deepEqual([...table.changedRowsSince(start + 30)!], touched.slice(30));
    assert.deepEqual([...table.changedRowsSince(table.revision)!], []);
  });

  it('is null once the journal no longer reaches back, or for a revision from the future', () => {
    const table = new TrialTable({ initialCapacity: 64 });
    table.upsert(0, { status: 'queued', name: 't0' });
    const start = table.revision;
    for (let k = 0; k < 64; k++) table.setStatus(0, k % 2 === 0 ? 'active' : 'queued');
    assert.equal(table.changedRowsSince(start)?.length, 64);
    table.setStatus(0, 'completed');
    assert.equal(table.changedRowsSince(start), null, 'a 64-row table keeps 64 mutations');
    assert.equal(table.changedRowsSince(table.revision + 1), null);
    // Growing the journal keeps what it had, not what it had already lost.
    const late = table.revision;
    table.upsert(200, { status: 'queued', name: 't200' });
    assert.equal(table.changedRowsSince(start), null);
    assert.deepEqual([...table.changedRowsSince(late)!], [200]);
  });
});
