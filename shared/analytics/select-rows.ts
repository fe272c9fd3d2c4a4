/**
 * The rows a chart or aggregate is computed over: present trials matching a filter (the query
 * language of the trials table), optionally only completed ones, in trial index order.
 */
import { queryTable, type TrialTable, type TrialTableStatus } from '../query/index.js';

export function selectRows(table: TrialTable, options: { filter?: string | undefined; statuses?: readonly TrialTableStatus[] }): Uint32Array {
  const { rows } = queryTable(table, {
    ...(options.filter === undefined || options.filter.trim() === '' ? {} : { filter: options.filter }),
    ...(options.statuses === undefined ? {} : { statuses: options.statuses }),
    limit: table.rowCount,
  });
  return rows;
}

/** The rows of `rows` whose `values` cell is a finite number, and those values, in the same order. */
export function withFiniteValues(rows: Uint32Array, values: Float64Array): { rows: Uint32Array; values: Float64Array } {
  const keptRows = new Uint32Array(rows.length);
  const kept = new Float64Array(rows.length);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]!]!;
    if (!Number.isFinite(v)) continue;
    keptRows[k] = rows[i]!;
    kept[k++] = v;
  }
  return { rows: keptRows.subarray(0, k), values: kept.subarray(0, k) };
}
