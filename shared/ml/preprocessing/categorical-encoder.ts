import type { CategoricalColumn } from '../dataset/table.js';
import type { SerializedTransformer } from './transformer.js';

/** The contract of the categorical branch's encoders: one input column → k Float64 output columns. */
export interface CategoricalEncoder {
  readonly name: string;
  fit(column: CategoricalColumn, rows?: Uint32Array): void;
  /** Output column names, e.g. `island_Biscoe`, `island_infrequent_sklearn`; valid after fit. */
  featureNamesOut(): string[];
  /** Writes every row of `column` into `out` (featureNamesOut().length columns of length nRows). */
  transform(column: CategoricalColumn, out: Float64Array[]): void;
  toJSON(): SerializedTransformer;
}

/** scikit-learn's name of the grouped infrequent category. */
export const INFREQUENT_NAME = 'infrequent_sklearn';
/** How scikit-learn prints a missing category (np.nan) in feature names. */
export const MISSING_NAME = 'nan';
