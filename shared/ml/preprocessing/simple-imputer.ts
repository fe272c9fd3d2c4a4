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
  fitScratch,
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
  /** Fill value per column (scikit-learn's `statistics_`); null until fitted. */
  statistics: Float64Array | null = null;

  /** @param params strategy (default `mean`) and fill_value (default 0, for `constant`). */
  constructor(params: Partial<ImputerSpec> = {}) {
    this.params = parseSerialized(ImputerSpecSchema, params, 'imputer params', 'INVALID_SPEC');
  }

  fit(X: FeatureMatrix, rows?: Uint32Array): void {
    const nColumns = X.columns.length;
    const statistics = new Float64Array(nColumns);
    const { strategy } = this.params;
    if (strategy === 'constant') {
      statistics.fill(this.params.fill_value);
      this.statistics = statistics;
      return;
    }
    const scratch = fitScratch(X, rows);
    for (let c = 0; c < nColumns; c++) {
      const count = gatherPresent(X.columns[c]!, rows, scratch);
      if (count === 0) {
        statistics[c] = 0; // see the file comment: keep the column, fill with 0
        continue;
      }
      switch (strategy) {
        case 'mean': {
          let sum = 0;
          for (let i = 0; i < count; i++) sum += scratch[i]!;
          statistics[c] = sum / count;
          break;
        }
        case 'median': {
          statistics[c] = medianInPlace(scratch, count);
          break;
        }
        case 'most_frequent': {
          statistics[c] = mostFrequent(scratch.subarray(0, count).sort());
          break;
        }
      }
    }
    this.statistics = statistics;
  }

  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix {
    const statistics = checkTransformInput(this.name, this.statistics, X);
    const columns = outputColumns(X, out);
    for (let c = 0; c < columns.length; c++) {
      const source = X.columns[c]!;
      const target = columns[c]!;
      const fill = statistics[c]!;
      for (let i = 0; i < source.length; i++) {
        const v = source[i]!;
        target[i] = v === v ? v : fill;
      }
    }
    return { nRows: X.nRows, columns };
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
