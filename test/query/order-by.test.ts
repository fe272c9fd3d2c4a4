import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { MAX_ORDER_KEYS, parseOrderBy, queryTable, TrialTable, type FieldRef, type TrialRowInput } from '../../shared/query/index.js';

function show(keys: ReturnType<typeof parseOrderBy>): string[] {
  return keys.map((k) => `${k.field.kind}:${k.field.key} ${k.direction}`);
}

describe('parseOrderBy', () => {
  const cases: Array<[string | string[], string[]]> = [
    [
      ['metrics.auc_roc DESC', 'params.max_depth'],
      ['metric:auc_roc DESC', 'param:max_depth ASC'],
    ],
    ['metrics.auc_roc desc, params.max_depth Asc', ['metric:auc_roc DESC', 'param:max_depth ASC']],
    ['metrics.`my metric` DESC', ['metric:my metric DESC']],
    ['tags.mlflow.runName', ['attribute:name ASC']],
    ['attributes.start_time DESC', ['attribute:start_time DESC']],
    ['', []],
    [[], []],
    [['metrics.a', 'metrics.a DESC'], ['metric:a ASC']],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(show(parseOrderBy(input)), expected));
  }

  it('asks defaultDirection for keys without a direction, falling back to ASC', () => {
    const asked: string[] = [];
    const defaultDirection = (field: FieldRef) => {
      asked.push(`${field.kind}:${field.key}`);
      return field.kind === 'metric' && field.key === 'auc_roc' ? ('DESC' as const) : undefined;
    };
    const keys = parseOrderBy(['metrics.auc_roc', 'metrics.loss', 'metrics.f1 ASC'], { defaultDirection });
    assert.deepEqual(show(keys), ['metric:auc_roc DESC', 'metric:loss ASC', 'metric:f1 ASC']);
    assert.deepEqual(asked, ['metric:auc_roc', 'metric:loss']);
  });

  const errors: Array<[string | string[], string, number, RegExp]> = [
    ['metrics.auc_roc DOWN', 'order_by', 17, /expected ASC or DESC/],
    ['metrics.auc_roc DESC DESC', 'order_by', 22, /expected ASC, DESC, ',' or the end/],
    ['metrics.a,', 'order_by', 11, /expected a key .* found the end/],
    [['metrics.a', 'params.x >'], 'order_by[1]', 10, /expected ASC, DESC/],
    [['metrics.a', 'attributes.colour'], 'order_by[1]', 12, /unknown attribute 'colour'/],
    ['5 DESC', 'order_by', 1, /expected a key/],
  ];
  for (const [input, path, column, pattern] of errors) {
    it(`rejects ${JSON.stringify(input)} at ${path} column ${column}`, () => {
      assert.throws(
        () => parseOrderBy(input),
        (error: unknown) => {
          assert.ok(error instanceof InvalidInputError);
          assert.equal(error.code, 'INVALID_FILTER');
          assert.deepEqual(error.location, { path, column });
          assert.match(error.message, pattern);
          return true;
        },
      );
    });
  }

  it(`refuses more than ${MAX_ORDER_KEYS} keys`, () => {
    const keys = Array.from({ length: MAX_ORDER_KEYS + 1 }, (_, i) => `metrics.m${i}`);
    assert.throws(() => parseOrderBy(keys), /at most 16 order_by keys/);
  });
});

describe('queryTable ordering', () => {
  // Indexes 0..7; ties and missing values on purpose.
  const ROWS: TrialRowInput[] = [
    { status: 'completed', name: 'b', params: { d: 5, f: 'sqrt' }, metrics: { auc: 0.8, loss: 1 } },
    { status: 'completed', name: 'a', params: { d: null, f: 0.5 }, metrics: { auc: 0.9 } },
    { status: 'failed', name: 'c', params: { d: '3', f: 'log2' }, metrics: {} },
    { status: 'completed', name: 'a', params: { d: 5, f: 1 }, metrics: { auc: 0.8, loss: 2 } },
    { status: 'active', name: 'B', params: { d: 10 }, metrics: { auc: Number.POSITIVE_INFINITY } },
    { status: 'completed', name: 'e', params: { d: 'deep', f: '0.25' }, metrics: { auc: 0.9, loss: 0 } },
    { status: 'queued', name: 'd', params: {}, metrics: { auc: -0.1 } },
    { status: 'completed', name: 'a', params: { d: 5 }, metrics: { auc: 0.8 } },
  ];
  const table = new TrialTable({ initialCapacity: 3 });
  ROWS.forEach((row, i) => table.upsert(i, row));
  const order = (orderBy: string | string[], extra: { filter?: string; statuses?: Array<'completed' | 'failed'> } = {}): number[] => [
    ...queryTable(table, { orderBy, limit: 100, ...extra }).rows,
  ];

  const cases: Array<[string | string[], number[]]> = [
    ['metrics.auc', [6, 0, 3, 7, 1, 5, 4, 2]],
    ['metrics.auc DESC', [4, 1, 5, 0, 3, 7, 6, 2]],
    ['metrics.loss', [5, 0, 3, 1, 2, 4, 6, 7]],
    ['metrics.loss DESC', [3, 0, 5, 1, 2, 4, 6, 7]],
    [
      ['metrics.auc DESC', 'metrics.loss DESC'],
      [4, 5, 1, 3, 0, 7, 6, 2],
    ],
    [
      ['metrics.auc DESC', 'metrics.loss'],
      [4, 5, 1, 0, 3, 7, 6, 2],
    ],
    // Numbers (also '3') before text, text by code units; missing (1, 6) last.
    ['params.d', [2, 0, 3, 7, 4, 5, 1, 6]],
    ['params.d DESC', [5, 4, 0, 3, 7, 2, 1, 6]],
    ['params.f', [5, 1, 3, 2, 0, 4, 6, 7]],
    ['params.f DESC', [0, 2, 3, 1, 5, 4, 6, 7]],
    ['attributes.name', [4, 1, 3, 7, 0, 2, 6, 5]],
    ['attributes.name DESC', [5, 6, 2, 0, 1, 3, 7, 4]],
    ['attributes.status', [4, 0, 1, 3, 5, 7, 2, 6]],
    ['attributes.index DESC', [7, 6, 5, 4, 3, 2, 1, 0]],
    ['metrics.unknown DESC', [0, 1, 2, 3, 4, 5, 6, 7]],
    ['params.unknown', [0, 1, 2, 3, 4, 5, 6, 7]],
  ];
  for (const [orderBy, expected] of cases) {
    it(`orders by ${JSON.stringify(orderBy)}`, () => assert.deepEqual(order(orderBy), expected));
  }

  it('orders only the filtered rows and reports their total', () => {
    const result = queryTable(table, { filter: 'metrics.auc >= 0.8', orderBy: 'metrics.auc DESC', offset: 1, limit: 3 });
    assert.deepEqual([...result.rows], [1, 5, 0]);
    assert.equal(result.total, 6);
  });

  it('combines statuses with the filter', () => {
    assert.deepEqual(order('metrics.auc', { statuses: ['completed'] }), [0, 3, 7, 1, 5]);
    assert.deepEqual(order('metrics.auc', { statuses: ['failed', 'completed'], filter: 'metrics.auc IS NULL' }), [2]);
    assert.deepEqual(order('metrics.auc', { statuses: [] }), []);
  });

  it('returns index order without order_by, and pages it', () => {
    const result = queryTable(table, { filter: "name = 'a'", offset: 1, limit: 1 });
    assert.deepEqual([...result.rows], [3]);
    assert.equal(result.total, 3);
    assert.deepEqual([...queryTable(table, { offset: 6 }).rows], [6, 7]);
    assert.deepEqual([...queryTable(table, { offset: 60 }).rows], []);
    assert.equal(queryTable(table, { limit: 0 }).total, 8);
  });

  it('accepts parsed keys and one comma-separated string', () => {
    const keys = parseOrderBy('metrics.auc DESC, metrics.loss');
    assert.deepEqual([...queryTable(table, { orderBy: keys }).rows], [4, 5, 1, 0, 3, 7, 6, 2]);
    assert.deepEqual(order('metrics.auc DESC, metrics.loss'), [4, 5, 1, 0, 3, 7, 6, 2]);
  });

  it('rejects bad paging arguments and statuses', () => {
    for (const options of [{ offset: -1 }, { limit: 1.5 }, { limit: Number.NaN }, { statuses: ['done' as 'failed'] }]) {
      assert.throws(
        () => queryTable(table, options),
        (error: unknown) => error instanceof InvalidInputError && error.code === 'INVALID_ARGUMENT',
        JSON.stringify(options),
      );
    }
  });
});

describe('queryTable ordering by a rung-scored metric', () => {
  // A pruned trial's cv_mean is its last rung's (a partial fit): index 1's 0.95 must not outrank full scores.
  const table = new TrialTable();
  const rows: Array<Omit<TrialRowInput, 'name'>> = [
    { status: 'completed', metrics: { cv_mean: 0.8, auc: 0.8 } },
    { status: 'pruned', metrics: { cv_mean: 0.95, auc: 0.95 } },
    { status: 'failed', metrics: {} },
    { status: 'completed', metrics: { cv_mean: 0.9, auc: 0.9 } },
    { status: 'pruned', metrics: { cv_mean: 0.7, auc: 0.7 } },
  ];
  rows.forEach((row, i) => table.upsert(i, { ...row, name: `t${i}` }));
  const order = (orderBy: string): number[] => [...queryTable(table, { orderBy, limit: 10 }).rows];

  it('puts pruned trials after every full score in both directions, missing values last', () => {
    assert.deepEqual(order('metrics.cv_mean DESC'), [3, 0, 1, 4, 2]);
    assert.deepEqual(order('metrics.cv_mean ASC'), [0, 3, 4, 1, 2]);
  });

  it('tiers the rows a filter keeps: pruned ones still after the full scores, none when the filter drops them', () => {
    const filtered = (filter: string): number[] => [...queryTable(table, { filter, orderBy: 'metrics.cv_mean DESC', limit: 10 }).rows];
    assert.deepEqual(filtered('metrics.cv_mean > 0.75'), [3, 0, 1]);
    assert.deepEqual(filtered("attributes.status = 'completed'"), [3, 0]);
  });

  it('ranks other metrics by value alone', () => {
    assert.deepEqual(order('metrics.auc DESC'), [1, 3, 0, 4, 2]);
  });
});
