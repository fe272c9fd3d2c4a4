import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, parseFilter, queryTable, TrialTable, type TrialRowInput } from '../../shared/query/index.js';
import { referenceQuery, type ReferenceRow } from './reference-query.js';
import { cpuMillis } from '../support/cpu-time.js';

const SWEEP_ID = 's-test01';

/** Row 3 is deliberately absent. */
const ROWS: ReadonlyArray<[number, TrialRowInput]> = [
  [
    0,
    {
      status: 'completed',
      name: 'rf(max_depth=5)',
      model: 'random_forest',
      params: { max_depth: 5, max_features: 'sqrt', bootstrap: true, lr: 0.1, criterion: 'gini' },
      metrics: { auc_roc: 0.91, loss: 0.3 },
      startedAt: 1000,
      finishedAt: 2200,
      durationMs: 1200,
      tags: { owner: 'Ann', 'mlflow.source': 'cli' },
    },
  ],
  [
    1,
    {
      status: 'completed',
      name: 'rf(max_depth=None)',
      model: 'random_forest',
      params: { max_depth: null, max_features: 0.5, bootstrap: false, lr: 0.01, criterion: 'entropy' },
      metrics: { auc_roc: 0.85, loss: 0.5 },
      startedAt: 2000,
      durationMs: 800,
      tags: { owner: 'bob' },
    },
  ],
  [
    2,
    {
      status: 'failed',
      name: 'lr_C=1',
      model: 'logistic_regression',
      params: { C: 1, max_depth: '5', max_features: '0.5' },
      metrics: { auc_roc: null },
      durationMs: null,
    },
  ],
  [
    4,
    {
      status: 'active',
      name: 'name with 50% off_x',
      model: null,
      params: { max_depth: 10, note: "it's" },
      metrics: {},
      durationMs: 500,
      tags: { owner: 'ANN' },
    },
  ],
  [5, { status: 'queued', name: 'user_prog', params: { max_depth: 'deep', lr: '1e-3' }, metrics: { auc_roc: 0.85 }, tags: { score: '10' } }],
  [6, { status: 'cancelled', name: 'c', model: 'random_forest', params: {}, metrics: { auc_roc: -0.5 } }],
];

function buildTable(): TrialTable {
  const table = new TrialTable({ sweepId: SWEEP_ID, initialCapacity: 2 });
  for (const [index, record] of ROWS) table.upsert(index, record);
  return table;
}

const REFERENCE_ROWS: ReferenceRow[] = ROWS.map(([index, record]) => ({ index, record, sweepId: SWEEP_ID }));

/** Rows the engine returns for `filter` (in index order). */
function select(table: TrialTable, filter: string): number[] {
  return [...queryTable(table, { filter, limit: 1000 }).rows];
}

/** Rows the naive reference returns for `filter`. */
function reference(filter: string): number[] {
  return referenceQuery(REFERENCE_ROWS, parseFilter(filter), [], 0, 1000).page.map((row) => row.index);
}

describe('filter semantics', () => {
  const table = buildTable();
  const cases: Array<[string, number[]]> = [
    // Numbers compare numerically, whichever side is text.
    ['params.max_depth = 5', [0, 2]],
    ["params.max_depth = '5'", [0, 2]],
    ['params.max_depth = 5.0', [0, 2]],
    ["params.max_depth = '5.00'", [0, 2]],
    ['params.max_depth != 5', [4, 5]],
    ['params.max_depth > 5', [4, 5]],
    ["params.max_depth < 'deep'", [0, 2, 4]],
    ['params.max_depth IN (5, 10)', [0, 2, 4]],
    ["params.max_depth IN ('10', 'deep')", [4, 5]],
    ['params.max_depth NOT IN (5, 10)', [5]],
    ['params.max_depth IS NULL', [1, 6]],
    ['params.max_depth IS NOT NULL', [0, 2, 4, 5]],
    ['params.max_features = 0.5', [1, 2]],
    ["params.max_features = 'sqrt'", [0]],
    ["params.max_features LIKE '0.%'", [1, 2]],
    ['params.bootstrap = true', [0]],
    ["params.bootstrap = 'false'", [1]],
    ['params.bootstrap != TRUE', [1]],
    ['params.lr < 0.05', [1, 5]],
    ["params.note = 'it''s'", [4]],
    ["params.note = 'it\\'s'", [4]],
    ["params.criterion >= 'gini'", [0]],
    // Metrics.
    ['metrics.auc_roc > 0.9', [0]],
    ['metrics.auc_roc >= 0.85', [0, 1, 5]],
    ['metrics.auc_roc = 0.85', [1, 5]],
    ["metrics.auc_roc = '0.85'", [1, 5]],
    ['metrics.auc_roc != 0.85', [0, 6]],
    ['metrics.auc_roc < 0', [6]],
    ['metrics.auc_roc <= -0.5', [6]],
    ['metrics.auc_roc IN (0.91, 0.85)', [0, 1, 5]],
    ['metrics.auc_roc NOT IN (0.91)', [1, 5, 6]],
    ['metrics.auc_roc IS NULL', [2, 4]],
    ['metrics.nonexistent > 0', []],
    ['metrics.nonexistent != 0', []],
    ['metrics.nonexistent IS NULL', [0, 1, 2, 4, 5, 6]],
    ['metrics.nonexistent IS NOT NULL', []],
    // Status: case-insensitive.
    ["attributes.status = 'COMPLETED'", [0, 1]],
    ["status != 'completed'", [2, 4, 5, 6]],
    ["status IN ('Failed', 'active')", [2, 4]],
    ["status NOT IN ('completed')", [2, 4, 5, 6]],
    ["status LIKE 'C%'", [0, 1, 6]],
    ["status ILIKE '%ED'", [0, 1, 2, 5, 6]],
    // Names: text only, LIKE wildcards and escapes.
    ["attributes.name = 'c'", [6]],
    ["name LIKE 'rf(%'", [0, 1]],
    ["name LIKE 'RF%'", []],
    ["name ILIKE 'RF%'", [0, 1]],
    ["name LIKE '%50\\%%'", [4]],
    ["name LIKE '%\\_x'", [4]],
    ["name LIKE 'lr_C=_'", [2]],
    ["name LIKE '_'", [6]],
    ["name LIKE '%'", [0, 1, 2, 4, 5, 6]],
    ["name LIKE '%%e%%'", [0, 1, 4, 5]],
    ["name > 'r'", [0, 1, 5]],
    ["tags.mlflow.runName = 'c'", [6]],
    ["run_name IN ('c', 'user_prog', 'nope')", [5, 6]],
    // Model and tags (dictionary columns).
    ["attributes.model = 'random_forest'", [0, 1, 6]],
    ["attributes.model != 'random_forest'", [2]],
    ['attributes.model IS NULL', [4, 5]],
    ["tags.owner = 'ann'", []],
    ["tags.owner ILIKE 'ann'", [0, 4]],
    ["tags.owner != 'Ann'", [1, 4]],
    ['tags.score > 9', [5]],
    ["tags.score = '10.0'", [5]],
    ['tags."mlflow.source" = \'cli\'', [0]],
    ["tags.mlflow.source = 'cli'", [0]],
    ['tags.owner IS NULL', [2, 5, 6]],
    // Numeric attributes.
    ['attributes.duration > 1000', [0]],
    ['attributes.duration IS NULL', [2, 5, 6]],
    ['attributes.start_time < 1500', [0]],
    ['attributes.end_time IS NOT NULL', [0]],
    ['attributes.index IN (0, 3, 4)', [0, 4]],
    ['attributes.index >= 4', [4, 5, 6]],
    ['index != 0', [1, 2, 4, 5, 6]],
    // run_id = <sweep id>-t<index>.
    [`attributes.run_id = '${SWEEP_ID}-t2'`, [2]],
    [`run_id IN ('${SWEEP_ID}-t0', '${SWEEP_ID}-t3', 's-other-t1', '${SWEEP_ID}-t05')`, [0]],
    [`run_id NOT IN ('${SWEEP_ID}-t0', '${SWEEP_ID}-t1')`, [2, 4, 5, 6]],
    [`run_id != '${SWEEP_ID}-t2'`, [0, 1, 4, 5, 6]],
    ["run_id LIKE '%-t1'", [1]],
    // Boolean structure.
    ["metrics.auc_roc > 0.88 OR params.max_depth = 10 AND status = 'active'", [0, 4]],
    ["(metrics.auc_roc > 0.88 OR params.max_depth = 10) AND status = 'active'", [4]],
    ['params.max_depth != 5 OR params.max_depth = 5', [0, 2, 4, 5]],
    ["metrics.auc_roc >= 0.85 AND (tags.owner = 'bob' OR params.lr = 0.001)", [1, 5]],
    ['', [0, 1, 2, 4, 5, 6]],
  ];
  for (const [filter, expected] of cases) {
    it(`${JSON.stringify(filter)} → [${expected.join(', ')}]`, () => {
      assert.deepEqual(select(table, filter), expected, 'engine');
      assert.deepEqual(reference(filter), expected, 'reference');
    });
  }

  describe('a missing value matches no comparison', () => {
    // Rows 1 (max_depth: null) and 6 (no max_depth at all) lack the param.
    const operators = ['= 5', '!= 5', '< 100', '<= 100', "> 'a'", ">= 'a'", "LIKE '%'", "ILIKE '%'", 'IN (5, 10)', "NOT IN ('x')", "!= 'x'"];
    for (const operator of operators) {
      it(`params.max_depth ${operator} leaves out rows 1 and 6`, () => {
        const rows = select(table, `params.max_depth ${operator}`);
        assert.ok(!rows.includes(1) && !rows.includes(6), `got [${rows.join(', ')}]`);
      });
    }
    const metricOperators = ['= 0', '!= 0', '< 1e9', '<= 1e9', '> -1e9', '>= -1e9', 'IN (0.85)', 'NOT IN (0)'];
    for (const operator of metricOperators) {
      it(`metrics.auc_roc ${operator} leaves out rows 2 (null) and 4 (absent)`, () => {
        const rows = select(table, `metrics.auc_roc ${operator}`);
        assert.ok(!rows.includes(2) && !rows.includes(4), `got [${rows.join(', ')}]`);
      });
    }
  });

  it('never matches absent rows, not even with IS NULL or !=', () => {
    for (const filter of ['metrics.auc_roc IS NULL', "name != 'x'", 'index != 0', "status != 'queued'", "run_id != 'x'", 'params.zzz IS NULL']) {
      assert.ok(!select(table, filter).includes(3), filter);
    }
  });

  it('has no run ids without a sweep id', () => {
    const anonymous = new TrialTable();
    anonymous.upsert(0, { status: 'queued', name: 'a' });
    assert.deepEqual(select(anonymous, "run_id = '-t0'"), []);
    assert.deepEqual(select(anonymous, 'run_id IS NULL'), [0]);
    assert.deepEqual(select(anonymous, "run_id != 'x'"), []);
    assert.deepEqual([...queryTable(anonymous, { orderBy: 'attributes.run_id DESC' }).rows], [0]);
  });

  it('refuses to run a compiled filter after the table changed', () => {
    const t = buildTable();
    const compiled = compileFilter(parseFilter("tags.owner = 'carol'")!, t);
    const mask = new Uint8Array(t.rowCount);
    compiled.evaluate(mask);
    assert.deepEqual([...mask], [0, 0, 0, 0, 0, 0, 0]);
    t.upsert(7, { status: 'queued', name: 'new', tags: { owner: 'carol' } });
    assert.throws(() => compiled.evaluate(new Uint8Array(t.rowCount)), /compile it again/);
    assert.deepEqual(select(t, "tags.owner = 'carol'"), [7]);
  });

  it('keeps LIKE linear on patterns that make regex engines backtrack', () => {
    const t = new TrialTable();
    t.upsert(0, { status: 'queued', name: 'a'.repeat(4000) });
    const ms = cpuMillis(() => assert.deepEqual(select(t, `name LIKE '${'%a'.repeat(30)}%b'`), []));
    assert.ok(ms < 500, `LIKE took ${ms} ms of CPU`);
  });
});
