/**
 * A typed table, columnar: numeric columns are Float64Array (NaN = missing), categorical columns are
 * dictionary-encoded (an Int32Array of codes into a list of category strings, -1 = missing), so no
 * cell is ever a JS string. Subsets (folds, splits) are Uint32Array row indices.
 */
import type { Dataset } from './dataset.js';

export interface NumericColumn {
  readonly type: 'numeric';
  readonly name: string;
  /** One value per row; NaN marks a missing value. */
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly name: string;
  /** One code per row into {@link categories}; -1 marks a missing value. */
  readonly codes: Int32Array;
  /**
   * The dictionary. Readers store it sorted (see category-order.ts) and without unused entries, but
   * consumers must not rely on either: encoders sort what they see in their fit rows.
   */
  readonly categories: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn;
export type ColumnType = Column['type'];

/** Feature columns only (prediction input, or the features of a dataset). */
export interface Table {
  readonly nRows: number;
  readonly columns: readonly Column[];
}

export type Task = 'classification' | 'regression';

export interface ClassificationTarget {
  readonly task: 'classification';
  readonly name: string;
  /** Class index per row, into `classes`. */
  readonly y: Int32Array;
  /** Class labels in sorted order (numeric order when every label is a number, else code point order). */
  readonly classes: readonly string[];
}

export interface RegressionTarget {
  readonly task: 'regression';
  readonly name: string;
  readonly y: Float64Array;
}

export type Target = ClassificationTarget | RegressionTarget;

/** A table of features plus a target column. */
export interface TabularDataset extends Table {
  readonly target: Target;
}

/** Selects rows into a new, compact table (dictionaries are shared, not copied). */
export function takeTableRows<T extends Table>(table: T, rows: Uint32Array): T extends TabularDataset ? TabularDataset : Table {
  const n = rows.length;
  const columns: Column[] = new Array<Column>(table.columns.length);
  for (let c = 0; c < table.columns.length; c++) {
    const column = table.columns[c]!;
    if (column.type === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[rows[i]!]!;
      columns[c] = { type: 'numeric', name: column.name, values };
    } else {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = column.codes[rows[i]!]!;
      columns[c] = { type: 'categorical', name: column.name, codes, categories: column.categories };
    }
  }
  const target = (table as Partial<TabularDataset>).target;
  if (target === undefined) return { nRows: n, columns } as unknown as T extends TabularDataset ? TabularDataset : Table;
  let taken: Target;
  if (target.task === 'classification') {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = target.y[rows[i]!]!;
    taken = { task: 'classification', name: target.name, y, classes: target.classes };
  } else {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = target.y[rows[i]!]!;
    taken = { task: 'regression', name: target.name, y };
  }
  return { nRows: n, columns, target: taken } as TabularDataset;
}

/** Whether `value` is a typed table (has typed columns) rather than a plain numeric {@link Dataset}. */
export function isTable(value: object): value is Table {
  const columns = (value as { columns?: unknown }).columns;
  if (!Array.isArray(columns) || columns.length === 0) return !('featureNames' in value);
  const first = columns[0] as { type?: unknown };
  return first.type === 'numeric' || first.type === 'categorical';
}

/**
 * A numeric classification {@link Dataset} (the v1 data model) as a table, without copying any column.
 */
export function tableFromDataset(dataset: Dataset, targetName = 'target'): TabularDataset {
  const columns: Column[] = new Array<Column>(dataset.columns.length);
  for (let c = 0; c < dataset.columns.length; c++) {
    columns[c] = { type: 'numeric', name: dataset.featureNames[c]!, values: dataset.columns[c]! };
  }
  return { nRows: dataset.nRows, columns, target: { task: 'classification', name: targetName, y: dataset.y, classes: dataset.classes } };
}

/** Plain-matrix input (no names) as a table whose columns are named like `names` (same order). */
export function tableFromMatrix(nRows: number, matrixColumns: readonly Float64Array[], names: readonly string[]): Table {
  const columns: Column[] = new Array<Column>(matrixColumns.length);
  for (let c = 0; c < matrixColumns.length; c++) columns[c] = { type: 'numeric', name: names[c]!, values: matrixColumns[c]! };
  return { nRows, columns };
}
