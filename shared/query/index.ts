// The read model and query language of sweepq trials. This list is the public surface; the lexer,
// the per-column leaves, sort-key building and page selection stay internal.
export { TrialTable, MAX_TABLE_ROWS } from './trial-table.js';
export type { TrialRowInput, TrialRow, TrialTableOptions } from './trial-table.js';
export { TRIAL_TABLE_STATUSES } from './trial-statuses.js';
export type { TrialTableStatus } from './trial-statuses.js';
export type { ParamValue } from './param-column.js';
export type { StringDictionary } from './string-dictionary.js';
export { gatherNumbers } from './column-view.js';
export type { ColumnView, NumberColumnView, DictionaryColumnView, ParamColumnView, StatusColumnView, TextColumnView } from './column-view.js';
export { ATTRIBUTE_KEYS, formatField, isNumericField } from './field-ref.js';
export type { AttributeKey, FieldRef } from './field-ref.js';
export { parseFieldKey } from './parse-field.js';
export { parseFilter, FILTER_LIMITS } from './parse-filter.js';
export type { FilterExpression, FilterComparison, FilterLiteral, ValueComparison, ListComparison, NullCheck } from './filter-ast.js';
export { compileFilter } from './compile-filter.js';
export type { CompiledFilter } from './compile-filter.js';
export { parseOrderBy, MAX_ORDER_KEYS } from './parse-order-by.js';
export type { OrderKey, SortDirection, ParseOrderByOptions } from './parse-order-by.js';
export { queryTable, queryTables, DEFAULT_QUERY_LIMIT } from './query-table.js';
export type { QueryOptions, QueryResult, MultiQueryResult, RankedTable } from './query-table.js';
