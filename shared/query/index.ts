// The read model and query language of sweepq trials. This list is the public surface; the lexer,
// the per-column leaves, sort-key building and page selection stay internal.
export { TrialTable } from './trial-table.js';
export type { TrialRowInput } from './trial-table.js';
export { TRIAL_TABLE_STATUSES } from './trial-statuses.js';
export type { TrialTableStatus } from './trial-statuses.js';

export { gatherNumbers } from './column-view.js';

export type { FieldRef } from './field-ref.js';
export { parseFieldKey } from './parse-field.js';
export { parseFilter, FILTER_LIMITS } from './parse-filter.js';
export type { FilterExpression, FilterLiteral } from './filter-ast.js';
export { compileFilter } from './compile-filter.js';

export { parseOrderBy, MAX_ORDER_KEYS } from './parse-order-by.js';
export type { OrderKey, SortDirection } from './parse-order-by.js';
export { queryTable, queryTables } from './query-table.js';
export type { QueryOptions, RankedTable } from './query-table.js';
