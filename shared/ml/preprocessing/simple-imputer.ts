/**
 * scikit-learn 1.2's SimpleImputer for numeric data: replaces NaN with a per-column statistic learned
 * on the fit rows (mean, median, most frequent value, or a constant).
 *
 * Deviation, on purpose: a column with no observed value in the fit rows gets statistic 0 (scikit-learn
 * drops such a column unless `keep_empty_features=True`, which also uses 0); dropping would change the
 * matrix shape between CV folds.
 */
import { medianInPlace } from './median-in-place.js';
import { z } from 'zod';
import { ImputerSpecSchema, type ImputerSpec } from '../../schemas/pipeline-spec.schema.js';
import type { FeatureMatrix } from '../dataset/dataset.js';
import {
  checkTransformInput,
  gatherPresent,
  outputColumns,
  parseSerialized,
  statisticFromJSON,
  statisticToJSON,
  type SerializedTransformer,
  type Transformer,
} from './transformer.js';

const SERIAL_VERSION = 1;

export const SerializedSimpleImputerSchema = z.strictObject({
  name: z.literal('simple_imputer'),
  version: z.literal(SERIAL_VERSION),
  params: ImputerSpecSchema,
  statistics: z.array(z.number().finite()).nullable(),
});

export class SimpleImputer implements Transformer {
  readonly name = 'simple_imputer';
  readonly params: ImputerSpec;
  /** Computed statistics (valid where `known` is 1); null until fitted. */
  private values: Float64Array | null = null;
  private known: Uint8Array | null = null;
  /** The fit data of the statistics not computed yet (a lazy fit, see {@link fit}). */
  private pending: { columns: readonly Float64Array[]; rows: Uint32Array | undefined; remaining: number; scratch: Float64Array | null } | null = null;

  /** @param params strategy (default `mean`) and fill_value (default 0, for `constant`). */
  constructor(params: Partial<ImputerSpec> = {}) {
    this.params = parseSerialized(ImputerSpecSchema, params, 'imputer params', 'INVALID_SPEC');
  }

  /** Fill value per column (scikit-learn's `statistics_`); null until fitted. */
  get statistics(): Float64Array | null {
    if (this.values === null) return null;
    for (let c = 0; c < this.values.length; c++) this.statisticOf(c);
    return this.values;
  }

  set statistics(values: Float64Array | null) {
    this.values = values;
    this.known = values === null ? null : new Uint8Array(values.length).fill(1);
    this.pending = null;
  }

  /**
   * Learns the statistics of the selected rows. With `stableInput` (X's columns are never written
   * afterwards — the raw columns of a table), a column's statistic is only computed when something
   * asks for it: the first transform that meets a NaN in that column, {@link statistics} or toJSON.
   * A CV fold's imputer on a column without missing values then never computes its median, which
   * was most of the preprocessing time of a fold (its value only ever fills NaN cells).
   */
  fit(X: FeatureMatrix, rows?: Uint32Array, stableInput = false): void {
    const nColumns = X.columns.length;
    this.values = new Float64Array(nColumns);
    this.known = new Uint8Array(nColumns);
    this.pending = { columns: X.columns, rows, remaining: nColumns, scratch: null };
    if (!stableInput || this.params.strategy === 'constant') {
      for (let c = 0; c < nColumns; c++) this.statisticOf(c);
    }
  }

  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix {
    checkTransformInput(this.name, this.values, X);
    const columns = outputColumns(X, out);
    for (let c = 0; c < columns.length; c++) {
      const source = X.columns[c]!;
      const target = columns[c]!;
      let fill = Number.NaN;
      for (let i = 0; i < source.length; i++) {
        const v = source[i]!;
        if (v === v) {
          target[i] = v;
        } else {
          if (fill !== fill) fill = this.statisticOf(c);
          target[i] = fill;
        }
      }
    }
    return { nRows: X.nRows, columns };
  }

  /** The statistic of column c, computed from the pending fit data on first use. */
  private statisticOf(c: number): number {
    const values = this.values!;
    if (this.known![c] === 1) return values[c]!;
    const pending = this.pending!;
    pending.scratch ??= new Float64Array(pending.rows === undefined ? pending.columns[c]!.length : pending.rows.length);
    values[c] = columnStatistic(this.params, pending.columns[c]!, pending.rows, pending.scratch);
    this.known![c] = 1;
    if (--pending.remaining === 0) this.pending = null; // every statistic known: let go of the fit data
    return values[c];
  }

  toJSON(): SerializedTransformer {
    return {
      name: this.name,
      version: SERIAL_VERSION,
      params: { ...this.params },
      statistics: statisticToJSON(this.statistics),
    };
  }

  /** @throws InvalidInputError `INVALID_ARTIFACT` when `json` is not a serialized SimpleImputer. */
  static fromJSON(json: unknown): SimpleImputer {
    const data = parseSerialized(SerializedSimpleImputerSchema, json, 'serialized simple_imputer');
    const imputer = new SimpleImputer(data.params);
    imputer.statistics = statisticFromJSON(data.statistics);
    return imputer;
  }
}

/** The imputer's statistic of one column's selected rows (0 when none has a value: see the file comment). */
function columnStatistic(params: ImputerSpec, column: Float64Array, rows: Uint32Array | undefined, scratch: Float64Array): number {
  if (params.strategy === 'constant') return params.fill_value;
  const count = gatherPresent(column, rows, scratch);
  if (count === 0) return 0;
  switch (params.strategy) {
    case 'mean': {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += scratch[i]!;
      return sum / count;
    }
    case 'median':
      return medianInPlace(scratch, count);
    case 'most_frequent':
      return mostFrequent(scratch.subarray(0, count).sort());
  }
}

/** Most frequent of sorted values; ties go to the smallest value (scipy.stats.mode, as scikit-learn). */
function mostFrequent(sorted: Float64Array): number {
  let best = sorted[0]!;
  let bestCount = 0;
  let runStart = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[runStart]) {
      const runLength = i - runStart;
      if (runLength > bestCount) {
        bestCount = runLength;
        best = sorted[runStart]!;
      }
      runStart = i;
    }
  }
  return best;
}
