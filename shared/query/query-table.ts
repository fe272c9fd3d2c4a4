/**
 * Answers a trials query from read-model tables: filter → mask → candidates → one page in order.
 * `queryTable` serves one sweep; `queryTables` serves an experiment's sweeps as one list.
 *
 * Order: the order_by keys, then — always — sweep rank and trial index ascending, so pages are stable
 * and a trial appears on exactly one page. Missing values sort last in either direction.
 */
import { InvalidInputError } from '../errors/index.js';
import { compileFilter } from './compile-filter.js';
import type { FilterExpression } from './filter-ast.js';
import { parseFilter } from './parse-filter.js';
import { parseOrderBy, type OrderKey, type ParseOrderByOptions } from './parse-order-by.js';
import { scratchBytes, scratchItems } from './scratch-buffers.js';
import { prefersHeap, selectPage } from './select-page.js';
import { selectPageByNumber } from './select-page-by-number.js';
import { buildSortKeys, itemComparator, type TablePart } from './sort-keys.js';
import type { TrialTable } from './trial-table.js';
import { statusCode, TRIAL_TABLE_STATUSES, type TrialTableStatus } from './trial-statuses.js';

/** Page size when `limit` is not given (the same as `GET /sweeps/:id/trials`). */
export const DEFAULT_QUERY_LIMIT = 100;

export interface QueryOptions extends ParseOrderByOptions {
  /** Filter text (parsed here) or an already parsed filter; blank, null or absent = every trial. */
  filter?: string | FilterExpression | null;
  /** order_by clauses (text, parsed here with `defaultDirection`) or parsed keys; absent = trial index order. */
  orderBy?: string | readonly string[] | readonly OrderKey[];
  /** Rows to skip (default 0). */
  offset?: number;
  /** Rows to return (default {@link DEFAULT_QUERY_LIMIT}); 0 only counts. */
  limit?: number;
  /** Keep only trials in one of these statuses (ANDed with the filter). */
  statuses?: readonly TrialTableStatus[];
}

export interface QueryResult {
  /** Trial indexes of the page, in order. */
  rows: Uint32Array;
  /** How many trials match (all pages). */
  total: number;
}

/** One sweep's table in a multi-sweep query. */
export interface RankedTable {
  table: TrialTable;
  /** Tie-breaker between sweeps: lower ranks first (e.g. the sweep's position in the experiment). */
  sweepRank: number;
}

export interface MultiQueryResult {
  /** For each result row, its table's position in the `tables` argument. */
  tables: Uint32Array;
  /** For each result row, the trial index within that table. */
  rows: Uint32Array;
  total: number;
}

/**
 * One page of a sweep's trials.
 * @throws InvalidInputError INVALID_FILTER (filter or order_by text), INVALID_ARGUMENT (offset, limit, statuses).
 */
export function queryTable(table: TrialTable, options: QueryOptions = {}): QueryResult {
  const { rows, total } = queryTables([{ table, sweepRank: 0 }], options);
  return { rows, total };
}

/**
 * One page over several sweeps' trials, ordered as one list (ties: sweep rank, then trial index).
 * @throws InvalidInputError INVALID_FILTER (filter or order_by text), INVALID_ARGUMENT (offset, limit, statuses).
 */
export function queryTables(tables: readonly RankedTable[], options: QueryOptions = {}): MultiQueryResult {
  const offset = checkCount(options.offset ?? 0, 'offset');
  const limit = checkCount(options.limit ?? DEFAULT_QUERY_LIMIT, 'limit');
  const filter = typeof options.filter === 'string' ? parseFilter(options.filter) : (options.filter ?? null);
  const orderBy = resolveOrderBy(options);
  const statusAccept = statusMask(options.statuses);

  // Lay the tables out by sweep rank (stable for equal ranks): item id order = tie-break order.
  const order = tables.map((_, t) => t).sort((a, b) => tables[a]!.sweepRank - tables[b]!.sweepRank || a - b);
  const parts: TablePart[] = [];
  let itemCount = 0;
  for (const t of order) {
    const table = tables[t]!.table;
    parts.push({ table, base: itemCount });
    itemCount += table.rowCount;
  }

  // Every byte of [0, itemCount) is written below, so the reused scratch needs no clearing.
  const mask = scratchBytes(0, itemCount);
  for (const part of parts) {
    const n = part.table.rowCount;
    const sub = mask.subarray(part.base, part.base + n);
    const status = part.table.statusCodes;
    if (filter !== null) compileFilter(filter, part.table).evaluate(sub);
    else for (let i = 0; i < n; i++) sub[i] = +(status[i] !== 0);
    if (statusAccept !== null) for (let i = 0; i < n; i++) sub[i]! &= statusAccept[status[i]!]!;
  }

  // Branch-free gather: write every id, advance only past matches (one spare slot for the last write).
  const scratch = scratchItems(itemCount + 1);
  let total = 0;
  for (let i = 0; i < itemCount; i++) {
    scratch[total] = i;
    total += mask[i]!;
  }
  const candidates = scratch.subarray(0, total);

  let page: Uint32Array;
  if (orderBy.length === 0) {
    page = candidates.slice(Math.min(offset, total), Math.min(total, offset + limit));
  } else {
    const keys = buildSortKeys(parts, itemCount, orderBy, mask);
    const key = keys[0];
    page =
      keys.length === 1 && key?.kind === 'number' && !prefersHeap(total, offset + limit)
        ? selectPageByNumber(candidates, key, offset, limit)
        : selectPage(candidates, offset, limit, itemComparator(keys));
  }

  // Items back to (table, row). Pages are short; a scan over the parts per item is fine.
  const tableOut = new Uint32Array(page.length);
  const rowOut = new Uint32Array(page.length);
  for (let i = 0; i < page.length; i++) {
    const item = page[i]!;
    let p = parts.length - 1;
    while (parts[p]!.base > item) p--;
    tableOut[i] = order[p]!;
    rowOut[i] = item - parts[p]!.base;
  }
  return { tables: tableOut, rows: rowOut, total };
}

function resolveOrderBy(options: QueryOptions): readonly OrderKey[] {
  const orderBy = options.orderBy;
  if (orderBy === undefined) return [];
  if (typeof orderBy === 'string') return parseOrderBy(orderBy, options);
  if (orderBy.length === 0) return [];
  if (typeof orderBy[0] === 'string') return parseOrderBy(orderBy as readonly string[], options);
  return orderBy as readonly OrderKey[];
}

function checkCount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(value)}`, { location: { path: name } });
  }
  return value;
}

/** 1 per status code to keep, or null to keep all. */
function statusMask(statuses: readonly TrialTableStatus[] | undefined): Uint8Array | null {
  if (statuses === undefined) return null;
  const accept = new Uint8Array(TRIAL_TABLE_STATUSES.length + 1);
  for (const status of statuses) {
    const code = statusCode(status);
    if (code === 0) {
      throw new InvalidInputError('INVALID_ARGUMENT', `unknown status ${JSON.stringify(status)}; statuses are ${TRIAL_TABLE_STATUSES.join(', ')}`, {
        location: { path: 'status' },
      });
    }
    accept[code] = 1;
  }
  return accept;
}
