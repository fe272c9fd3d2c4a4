/**
 * A classification dataset, columnar: one Float64Array per feature (NaN = missing) and one class index
 * per row. Rows are never materialised as objects; subsets (folds, splits) are Uint32Array row indices.
 */
export interface FeatureMatrix {
  readonly nRows: number;
  /** One column per feature, each of length nRows. NaN marks a missing value. */
  readonly columns: readonly Float64Array[];
}

export interface Dataset extends FeatureMatrix {
  readonly featureNames: readonly string[];
  /** Class index per row, into `classes`. */
  readonly y: Int32Array;
  /** Class labels in sorted order (numeric order when every label is a number, else lexicographic). */
  readonly classes: readonly string[];
}

/** Selects rows into a new, compact dataset (used for splits, which are then stored or reused). */
export function takeRows(dataset: Dataset, rows: Uint32Array): Dataset {
  const n = rows.length;
  const columns: Float64Array[] = new Array<Float64Array>(dataset.columns.length);
  for (let c = 0; c < dataset.columns.length; c++) {
    const source = dataset.columns[c]!;
    const target = new Float64Array(n);
    for (let i = 0; i < n; i++) target[i] = source[rows[i]!]!;
    columns[c] = target;
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = dataset.y[rows[i]!]!;
  return { nRows: n, columns, y, featureNames: dataset.featureNames, classes: dataset.classes };
}

/** All row indices 0..n-1. */
export function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
