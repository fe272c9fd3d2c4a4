/**
 * The contract of preprocessing steps (imputer, scalers) and the column statistics they share.
 * Transformers learn per-column statistics on a row subset (a CV fold) and map whole matrices,
 * column by column, optionally into caller-supplied buffers.
 */
import type { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import type { FeatureMatrix } from '../dataset/dataset.js';

export interface Transformer {
  /** Registry name, e.g. `standard_scaler`; `transformerFromJSON` dispatches on it. */
  readonly name: string;
  /**
   * Learns the statistics from the selected rows (all rows when omitted); NaN cells are ignored.
   * `stableInput`: X's columns are never written after this call (the raw columns of a table), so
   * the step may keep them and compute a statistic when it is first needed.
   */
  fit(X: FeatureMatrix, rows?: Uint32Array, stableInput?: boolean): void;
  /**
   * Maps every row of X. `out`, when given, supplies one Float64Array of length `X.nRows` per column
   * (it may be `X.columns` itself for an in-place transform).
   */
  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix;
  toJSON(): SerializedTransformer;
}

/** Plain-JSON state of a fitted transformer. */
export interface SerializedTransformer {
  name: string;
  version: number;
  [key: string]: unknown;
}

/**
 * Validates a serialized transformer (or constructor params, with `code` `INVALID_SPEC`), turning zod
 * failures into an InvalidInputError (`INVALID_ARTIFACT` by default).
 */
export function parseSerialized<S extends z.ZodType>(
  schema: S,
  json: unknown,
  name: string,
  code: 'INVALID_ARTIFACT' | 'INVALID_SPEC' = 'INVALID_ARTIFACT',
): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues;
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new InvalidInputError(code, `invalid ${name}${where}: ${first?.message ?? 'unknown error'}`, {
      details: issues,
    });
  }
  return result.data;
}

/** A per-column statistic as plain JSON: null while unfitted (typed arrays would serialize as objects). */
export function statisticToJSON(values: Float64Array | null): number[] | null {
  return values === null ? null : Array.from(values);
}

/** Inverse of {@link statisticToJSON}. */
export function statisticFromJSON(values: readonly number[] | null): Float64Array | null {
  return values === null ? null : Float64Array.from(values);
}

/** Whether two serialized per-column statistics agree: both unfitted (null) or one value per column each. */
export function statisticsAlign(a: readonly number[] | null, b: readonly number[] | null): boolean {
  return (a === null) === (b === null) && (a === null || a.length === b!.length);
}

/** Throws unless the transformer is fitted and X has the fitted number of columns. */
export function checkTransformInput(name: string, fitted: Float64Array | null, X: FeatureMatrix): Float64Array {
  if (fitted === null) throw new InvalidInputError('INVALID_ARGUMENT', `${name} must be fitted before transform`);
  if (X.columns.length !== fitted.length) {
    throw new InvalidInputError('INVALID_ARGUMENT', `${name} was fitted on ${fitted.length} features but got ${X.columns.length}`);
  }
  return fitted;
}

/** Output columns for a transform: the caller's (checked) or fresh ones. */
export function outputColumns(X: FeatureMatrix, out?: Float64Array[]): Float64Array[] {
  const nColumns = X.columns.length;
  if (out === undefined) {
    const columns: Float64Array[] = [];
    for (let c = 0; c < nColumns; c++) columns.push(new Float64Array(X.nRows));
    return columns;
  }
  if (out.length !== nColumns) throw new InvalidInputError('INVALID_ARGUMENT', `output has ${out.length} columns, expected ${nColumns}`);
  for (let c = 0; c < nColumns; c++) {
    if (out[c]!.length !== X.nRows) throw new InvalidInputError('INVALID_ARGUMENT', `output column ${c} has length ${out[c]!.length}, expected ${X.nRows}`);
  }
  return out;
}

/** A scratch buffer big enough for one column of the fit rows. */
export function fitScratch(X: FeatureMatrix, rows?: Uint32Array): Float64Array {
  return new Float64Array(rows === undefined ? X.nRows : rows.length);
}

/** Copies the non-NaN values of `column` (restricted to `rows`) into `scratch`; returns their count. */
export function gatherPresent(column: Float64Array, rows: Uint32Array | undefined, scratch: Float64Array): number {
  let count = 0;
  if (rows === undefined) {
    for (let i = 0; i < column.length; i++) {
      const v = column[i]!;
      if (v === v) scratch[count++] = v;
    }
  } else {
    for (let i = 0; i < rows.length; i++) {
      const v = column[rows[i]!]!;
      if (v === v) scratch[count++] = v;
    }
  }
  return count;
}

/** Median of sorted values[0..count): the mean of the two middle values for even counts (numpy). */
export function sortedMedian(values: Float64Array, count: number): number {
  const half = count >> 1;
  return count % 2 === 1 ? values[half]! : (values[half - 1]! + values[half]!) / 2;
}

/**
 * numpy's `percentile(..., method='linear')` of sorted values[0..count), q in [0, 100], including
 * numpy's `_lerp`, which interpolates from the upper neighbour when the fraction is ≥ 0.5.
 */
export function sortedPercentile(values: Float64Array, count: number, q: number): number {
  const virtual = (count - 1) * (q / 100);
  const below = Math.floor(virtual);
  const above = Math.min(below + 1, count - 1);
  const t = virtual - below;
  const a = values[below]!;
  const b = values[above]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Machine epsilon; scikit-learn's `_handle_zeros_in_scale` treats scales below 10·eps as zero so
 * near-constant features are not blown up.
 */
export const FLOAT64_EPS = Number.EPSILON;
