import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatherNumbers, TRIAL_TABLE_STATUSES, TrialTable } from '../../shared/query/index.js';

describe('TrialTable', () => {
  it('starts empty and grows by doubling as rows arrive', () => {
    const table = new TrialTable({ initialCapacity: 2 });
    assert.equal(table.rowCount, 0);
    assert.equal(table.size, 0);
    table.upsert(0, { status: 'queued', name: 'a' });
    table.upsert(1, { status: 'queued', name: 'b' });
    assert.equal(table.capacity, 2);
    table.upsert(2, { status: 'queued', name: 'c' });
    assert.equal(table.capacity, 4);
    table.upsert(100, { status: 'queued', name: 'far' });
    assert.equal(table.capacity, 101);
    assert.equal(table.rowCount, 101);
    assert.equal(table.size, 4);
    assert.deepEqual([...table.presentRows()], [0, 1, 2, 100]);
    assert.equal(table.has(50), false);
    assert.equal(table.getRow(50), undefined);
    assert.equal(table.getRow(100)?.name, 'far');
  });

  it('keeps every column intact across growth', () => {
    const table = new TrialTable({ initialCapacity: 1 });
    for (let i = 0; i < 300; i++) {
      table.upsert(i, {
        status: TRIAL_TABLE_STATUSES[i % TRIAL_TABLE_STATUSES.length]!,
        name: `t${i}`,
        model: i % 2 === 0 ? 'rf' : 'lr',
        params: { depth: i, kind: i % 3 === 0 ? 'x' : i },
        metrics: { m: i / 10 },
        tags: { t: `v${i % 5}` },
        startedAt: i,
        finishedAt: i + 1,
        durationMs: 1,
      });
    }
    for (const i of [0, 1, 63, 64, 65, 255, 299]) {
      const row = table.getRow(i)!;
      assert.equal(row.status, TRIAL_TABLE_STATUSES[i % TRIAL_TABLE_STATUSES.length]);
      assert.equal(row.name, `t${i}`);
      assert.equal(row.model, i % 2 === 0 ? 'rf' : 'lr');
      assert.deepEqual(row.params, { depth: i, kind: i % 3 === 0 ? 'x' : i });
      assert.deepEqual(row.metrics, { m: i / 10 });
      assert.deepEqual(row.tags, { t: `v${i % 5}` });
      assert.equal(row.startedAt, i);
      assert.equal(row.finishedAt, i + 1);
    }
  });

  it('back-fills a column created after rows exist as missing', () => {
    const table = new TrialTable({ initialCapacity: 4 });
    table.upsert(0, { status: 'completed', name: 'a', metrics: { acc: 0.5 } });
    table.upsert(1, { status: 'completed', name: 'b', metrics: { acc: 0.6 } });
    table.upsert(9, { status: 'completed', name: 'c', metrics: { acc: 0.7, f1: 0.4 }, params: { depth: 3 }, tags: { t: 'x' } });
    const f1 = table.metric('f1')!.values;
    assert.ok(Number.isNaN(f1[0]!) && Number.isNaN(f1[1]!));
    assert.equal(f1[9], 0.4);
    assert.equal(table.param('depth')!.get(0), undefined);
    assert.equal(table.tag('t')!.get(1), undefined);
    assert.deepEqual(table.getRow(0)!.metrics, { acc: 0.5 });
    assert.deepEqual(table.metricNames(), ['acc', 'f1']);
    assert.deepEqual(table.paramNames(), ['depth']);
    assert.deepEqual(table.tagNames(), ['t']);
  });

  it('overwrites a whole row on upsert: fields left out become missing', () => {
    const table = new TrialTable();
    table.upsert(0, { status: 'completed', name: 'a', model: 'rf', params: { d: 1, k: 'x' }, metrics: { acc: 0.5 }, durationMs: 5, tags: { t: 'x' } });
    table.upsert(0, { status: 'failed', name: 'a2', params: { k: 2 } });
    assert.deepEqual(table.getRow(0), {
      index: 0,
      status: 'failed',
      name: 'a2',
      model: null,
      params: { k: 2 },
      metrics: {},
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      tags: {},
    });
    assert.equal(table.size, 1);
  });

  it('stores mixed-type params: numbers, strings, booleans as text, null as missing', () => {
    const table = new TrialTable();
    table.upsert(0, { status: 'queued', name: 'a', params: { v: 5 } });
    table.upsert(1, { status: 'queued', name: 'b', params: { v: 'sqrt' } });
    table.upsert(2, { status: 'queued', name: 'c', params: { v: true } });
    table.upsert(3, { status: 'queued', name: 'd', params: { v: null } });
    table.upsert(0, { status: 'queued', name: 'a', params: { v: 'now text' } });
    table.upsert(1, { status: 'queued', name: 'b', params: { v: 0.5 } });
    const column = table.param('v')!;
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => column.get(i)),
      ['now text', 0.5, 'true', undefined],
    );
  });

  it('changes status and timings cheaply and refuses them for absent rows', () => {
    const table = new TrialTable();
    table.upsert(0, { status: 'queued', name: 'a', metrics: { acc: 1 } });
    table.setStatus(0, 'active');
    table.setTimes(0, { startedAt: 10 });
    table.setTimes(0, { finishedAt: 20, durationMs: 10 });
    const row = table.getRow(0)!;
    assert.equal(row.status, 'active');
    assert.deepEqual([row.startedAt, row.finishedAt, row.durationMs], [10, 20, 10]);
    assert.deepEqual(row.metrics, { acc: 1 });
    table.setTimes(0, { startedAt: null });
    assert.equal(table.getRow(0)!.startedAt, null);
    assert.throws(() => table.setStatus(1, 'active'), RangeError);
    assert.throws(() => table.setStatus(0, 'done' as never), /unknown trial status/);
  });

  it('removes rows and reuses them cleanly', () => {
    const table = new TrialTable();
    table.upsert(0, { status: 'completed', name: 'a', metrics: { acc: 1 }, tags: { t: 'x' } });
    table.remove(0);
    assert.equal(table.size, 0);
    assert.equal(table.has(0), false);
    table.remove(0);
    assert.equal(table.size, 0);
    table.upsert(0, { status: 'queued', name: 'b' });
    assert.deepEqual(table.getRow(0)!.metrics, {});
    assert.deepEqual(table.getRow(0)!.tags, {});
  });

  it('bumps revision on every mutation', () => {
    const table = new TrialTable();
    const seen = [table.revision];
    table.upsert(0, { status: 'queued', name: 'a' });
    seen.push(table.revision);
    table.setStatus(0, 'active');
    seen.push(table.revision);
    table.setTimes(0, { startedAt: 1 });
    seen.push(table.revision);
    table.remove(0);
    seen.push(table.revision);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('rejects invalid indexes', () => {
    const table = new TrialTable();
    for (const index of [-1, 1.5, Number.NaN, 2 ** 24]) {
      assert.throws(() => table.upsert(index, { status: 'queued', name: 'x' }), RangeError, String(index));
    }
  });

  it('ignores inherited property names in records', () => {
    const table = new TrialTable();
    table.upsert(0, { status: 'queued', name: 'a', metrics: { constructor: 1 } });
    table.upsert(1, { status: 'queued', name: 'b', metrics: {} });
    assert.ok(Number.isNaN(table.metric('constructor')!.values[1]!));
  });

  describe('column accessors', () => {
    const table = new TrialTable({ sweepId: 's-abc123' });
    table.upsert(0, {
      status: 'completed',
      name: 'a',
      model: 'rf',
      params: { d: 3, f: 'sqrt', g: '7' },
      metrics: { auc_roc: 0.9 },
      durationMs: 12,
      tags: { n: '4' },
    });
    table.upsert(2, { status: 'failed', name: 'c', params: { d: null, f: 0.5 }, metrics: {}, startedAt: 99 });

    it('gives typed views by key text or field', () => {
      const metric = table.column('metrics.auc_roc');
      assert.equal(metric?.kind, 'number');
      assert.equal(table.column({ kind: 'metric', key: 'nope' }), undefined);
      assert.equal(table.column('params.d')?.kind, 'param');
      assert.equal(table.column('tags.n')?.kind, 'dictionary');
      assert.equal(table.column('attributes.status')?.kind, 'status');
      assert.equal(table.column('attributes.model')?.kind, 'dictionary');
      const name = table.column('attributes.name');
      assert.ok(name?.kind === 'text');
      assert.deepEqual([name.valueAt(0), name.valueAt(1), name.valueAt(2)], ['a', undefined, 'c']);
      const runId = table.column('run_id');
      assert.ok(runId?.kind === 'text');
      assert.equal(runId.valueAt(2), 's-abc123-t2');
      assert.throws(() => table.column('metricz.x'), /unknown field type/);
    });

    it('gathers numbers over a row list, reading numeric text as numbers', () => {
      const rows = Uint32Array.of(2, 0);
      const cases: Array<[string, number[]]> = [
        ['metrics.auc_roc', [Number.NaN, 0.9]],
        ['params.d', [Number.NaN, 3]],
        ['params.f', [0.5, Number.NaN]],
        ['params.g', [Number.NaN, 7]],
        ['tags.n', [Number.NaN, 4]],
        ['attributes.duration', [Number.NaN, 12]],
        ['attributes.start_time', [99, Number.NaN]],
        ['attributes.index', [2, 0]],
        ['attributes.status', [Number.NaN, Number.NaN]],
      ];
      for (const [key, expected] of cases) assert.deepEqual([...gatherNumbers(table.column(key)!, rows)], expected, key);
      const out = new Float64Array(4).fill(-1);
      gatherNumbers(table.column('params.d')!, rows, out);
      assert.deepEqual([...out], [Number.NaN, 3, -1, -1]);
    });
  });

  it('holds 100k rows × 8 metrics × 8 params in tens of MB', () => {
    const before = process.memoryUsage();
    const table = new TrialTable();
    const params: Record<string, number | string> = {};
    const metrics: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      for (let p = 0; p < 8; p++) params[`p${p}`] = p < 5 ? i % (p + 7) : ['a', 'b', 'c'][i % 3]!;
      for (let m = 0; m < 8; m++) metrics[`m${m}`] = (i * (m + 1)) % 997;
      table.upsert(i, { status: 'completed', name: `trial_${i}_with_a_typical_length`, model: 'rf', params, metrics, durationMs: i });
    }
    const after = process.memoryUsage();
    const grownMb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
    assert.equal(table.size, 100_000);
    assert.ok(grownMb < 60, `table grew memory by ${grownMb.toFixed(1)} MB`);
  });
});
