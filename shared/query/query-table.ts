/**
 * Answers a trials query from read-model tables: filter → mask → candidates → one page in order.
 * `queryTable` serves one sweep; `queryTables` serves an experiment's sweeps as one list.
 *
 * Order: the order_by keys, then — always — sweep rank and trial index ascending, so pages are stable
 * and a trial appears on exactly one page. Missing values sort last in either direction.
 *
 * One table (the dashboard's sweep page) keeps its filter masks and sorted orders between queries
 * (match-mask-cache.ts, sorted-rows-cache.ts), so a page is a short walk; several tables (an
 * experiment) are filtered and selected afresh per query.
 */
import { InvalidInputError } from '../errors/index.js';
import { compileFilter } from './compile-filter.js';
import type { FilterExpression } from './filter-ast.js';
import { parseFilter } from './parse-filter.js';
import { parseOrderBy, type OrderKey, type ParseOrderByOptions } from './parse-order-by.js';
import { matchMask } from './match-mask-cache.js';
import { scratchBytes, scratchItems } from './scratch-buffers.js';
import { prefersHeap, selectPage } from './select-page.js';
import { selectPageByNumber } from './select-page-by-number.js';
import { buildSortKeys, itemComparator, type TablePart } from './sort-keys.js';
import { sortedRows } from './sorted-rows-cache.js';
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
  if (tables.length === 1) {
    const { rows, total } = queryOneTable(tables[0]!.table, filter, orderBy, statusAccept, offset, limit);
    return { tables: new Uint32Array(rows.length), rows, total };
  }

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

/** One table's page from its cached mask and order (module comment). */
function queryOneTable(
  table: TrialTable,
  filter: FilterExpression | null,
  orderBy: readonly OrderKey[],
  statusAccept: Uint8Array | null,
  offset: number,
  limit: number,
): QueryResult {
  const ordered = orderBy.length === 0 ? null : sortedRows(table, orderBy);
  const everyRow = filter === null && statusAccept === null;
  // Every present row matches: an ordered page is a slice of the order.
  if (everyRow && ordered !== null) return { rows: ordered.slice(Math.min(offset, ordered.length), offset + limit), total: ordered.length };
  const { mask, total } = everyRow
    ? { mask: table.statusCodes, total: table.size } // non-zero = present
    : matchMask(table, `${JSON.stringify(filter)} ${statusAccept?.join('') ?? ''}`, (out) => evaluateMask(table, filter, statusAccept, out));
  const end = Math.min(total, offset + limit);
  const page = new Uint32Array(Math.max(0, end - offset));
  if (page.length === 0) return { rows: page, total };
  // Walk the order (or the rows in index order), counting matches up to the page's end.
  const count = ordered === null ? table.rowCount : ordered.length;
  let seen = 0;
  let k = 0;
  for (let p = 0; p < count && seen < end; p++) {
    const row = ordered === null ? p : ordered[p]!;
    if (mask[row] === 0) continue;
    if (seen >= offset) page[k++] = row;
    seen++;
  }
  return { rows: page, total };
}

/** 1 per present row matching the filter and the status list; writes all of [0, rowCount). */
function evaluateMask(table: TrialTable, filter: FilterExpression | null, statusAccept: Uint8Array | null, out: Uint8Array): void {
  const n = table.rowCount;
  const status = table.statusCodes;
  if (filter !== null) compileFilter(filter, table).evaluate(out);
  else for (let i = 0; i < n; i++) out[i] = +(status[i] !== 0);
  if (statusAccept !== null) for (let i = 0; i < n; i++) out[i]! &= statusAccept[status[i]!]!;
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
