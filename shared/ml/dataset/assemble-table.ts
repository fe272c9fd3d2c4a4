/**
 * Turns the column builders of a reader (CSV or Parquet) into a typed table: finishes every column,
 * reads the target as a classification or regression target (inferring the task as scikit-learn's
 * `type_of_target` does when it is not given) and refuses text columns that look like identifiers.
 */
import { InvalidInputError } from '../../errors/index.js';
import { DEFAULT_MAX_CLASSES } from '../../schemas/column-spec.schema.js';
import { sortCategories } from './category-order.js';
import { NUMERIC, type ColumnBuilder } from './column-builder.js';
import type { ColumnRole } from './column-roles.js';
import { truncate } from './column-roles.js';
import type { Column, Table, TabularDataset, Target, Task } from './table.js';

/**
 * The identifier check needs more than this many distinct values: in a toy table of 10 rows, 6 distinct
 * colours are not an id column.
 */
export const MIN_DISTINCT_FOR_ID_CHECK = 20;

export interface AssembleOptions {
  /** Declared task; inferred from the target when absent. */
  task?: Task | undefined;
  /** Most distinct classes a classification target may have (default 100). */
  maxClasses?: number | undefined;
  /**
   * Refuse inferred text columns with more distinct values than this fraction of the rows (default
   * 0.5) and more than {@link MIN_DISTINCT_FOR_ID_CHECK}: ids and free text. Prediction input passes null (its schema comes from the model).
   */
  maxCategoryRatio?: number | null | undefined;
}

export interface BuiltColumns {
  source: string;
  names: readonly string[];
  roles: readonly ColumnRole[];
  builders: readonly (ColumnBuilder | null)[];
  nRows: number;
}

export function assembleTable(built: BuiltColumns, options: AssembleOptions & { withTarget: true }): TabularDataset;
export function assembleTable(built: BuiltColumns, options: AssembleOptions & { withTarget: false }): Table;
export function assembleTable(built: BuiltColumns, options: AssembleOptions & { withTarget: boolean }): Table | TabularDataset;
export function assembleTable(built: BuiltColumns, options: AssembleOptions & { withTarget: boolean }): Table | TabularDataset {
  const { nRows, source } = built;
  const columns: Column[] = [];
  let target: Target | null = null;
  const ratio = options.maxCategoryRatio === undefined ? 0.5 : options.maxCategoryRatio;
  for (let c = 0; c < built.names.length; c++) {
    const builder = built.builders[c];
    const role = built.roles[c]!;
    if (!builder || role.kind === 'skip') continue;
    if (role.kind === 'target') {
      target = finishTarget(builder, nRows, source, options);
      continue;
    }
    const column = builder.finish(nRows);
    if (
      column.type === 'categorical' &&
      builder.declared === null &&
      ratio !== null &&
      column.categories.length > ratio * nRows &&
      column.categories.length > MIN_DISTINCT_FOR_ID_CHECK
    ) {
      const first = builder.firstText;
      const why = first
        ? ` (it is text because line ${first.line} holds "${truncate(first.value)}"; if the column is numeric, list it in columns.numeric to see every non-number)`
        : '';
      throw new InvalidInputError(
        'INVALID_CSV',
        `${source}: column "${truncate(column.name)}" has ${column.categories.length} distinct text values in ${nRows} rows (more than ${Math.round(ratio * 100)}%): it looks like an identifier or free text, which a model cannot learn from${why}; drop it with columns.drop: [${JSON.stringify(column.name)}], or list it in columns.categorical to keep it`,
        { location: { file: source, path: 'columns.drop' }, details: { column: column.name, distinct: column.categories.length, rows: nRows } },
      );
    }
    columns.push(column);
  }
  if (!options.withTarget) return { nRows, columns };
  if (target === null) throw new InvalidInputError('INVALID_CSV', `${source}: no target column was read`);
  return { nRows, columns, target };
}

/**
 * The target as scikit-learn's `type_of_target` sees it: numbers with a fractional part are
 * continuous (regression); integers, strings and booleans are classes. A declared task wins.
 */
function finishTarget(builder: ColumnBuilder, nRows: number, source: string, options: AssembleOptions): Target {
  const name = builder.name;
  const maxClasses = options.maxClasses ?? DEFAULT_MAX_CLASSES;
  if (builder.kind === NUMERIC) {
    const values = builder.finishNumeric(nRows);
    let integral = true;
    for (let i = 0; i < nRows; i++) {
      const v = values[i]!;
      if (v !== Math.floor(v)) {
        integral = false;
        break;
      }
    }
    const task: Task = options.task ?? (integral ? 'classification' : 'regression');
    if (task === 'regression') return { task, name, y: values };
    // Classes: distinct numbers in numeric order, labelled by their shortest round-trip text.
    const distinct = Array.from(new Set(values)).sort((a, b) => a - b);
    checkClassCount(distinct.length, name, source, maxClasses, true);
    const position = new Map<number, number>();
    for (let k = 0; k < distinct.length; k++) position.set(distinct[k]!, k);
    const y = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) y[i] = position.get(values[i]!)!;
    return { task, name, y, classes: distinct.map((v) => String(v)) };
  }
  if (options.task === 'regression') {
    // Unreachable for CSV (a declared regression target is parsed strictly); kept for other readers.
    throw new InvalidInputError(
      'INVALID_CSV',
      `${source}: the regression target "${truncate(name)}" holds text values such as "${truncate(builder.firstText?.value ?? '?')}"; a regression target must be numeric`,
      {
        location: { file: source, ...(builder.firstText ? { line: builder.firstText.line } : {}) },
      },
    );
  }
  const { codes, categories } = builder.finishCategorical(nRows);
  checkClassCount(categories.length, name, source, maxClasses, false);
  // finishCategorical sorted the dictionary already; re-sorting is a no-op that documents the contract.
  const classes = sortCategories(categories);
  return { task: 'classification', name, y: codes, classes };
}

function checkClassCount(count: number, name: string, source: string, maxClasses: number, numeric: boolean): void {
  if (count <= maxClasses) return;
  const hint = numeric
    ? 'is this a regression target? set task: regression'
    : `is this the right target column? (a classification target has at most ${maxClasses} classes; raise max_classes if it really has more)`;
  throw new InvalidInputError(
    'INVALID_CSV',
    `${source}: target column "${truncate(name)}" has ${count} distinct values, more than the ${maxClasses} classes allowed; ${hint}`,
    {
      location: { file: source, path: 'task' },
      details: { target: name, classes: count, maxClasses },
    },
  );
}
