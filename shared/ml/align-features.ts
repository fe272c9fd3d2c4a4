import { InvalidInputError } from '../errors/index.js';
import type { FeatureMatrix } from './dataset/dataset.js';

/** A feature matrix whose columns carry names (a Dataset is one). */
export type NamedFeatureMatrix = FeatureMatrix & { readonly featureNames: readonly string[] };

/**
 * Returns `source`'s columns in the order of `featureNames` (matched by name; extra source columns are
 * ignored), without copying any column. A fitted pipeline uses this so data whose columns come in a
 * different order still meets the model's coefficients in the right order.
 *
 * @throws InvalidInputError INVALID_CSV listing every expected column the data lacks.
 */
export function alignFeatures(source: NamedFeatureMatrix, featureNames: readonly string[]): FeatureMatrix {
  const index = new Map<string, number>();
  for (let j = 0; j < source.featureNames.length; j++) index.set(source.featureNames[j]!, j);
  const missing: string[] = [];
  const columns: Float64Array[] = new Array<Float64Array>(featureNames.length);
  let sameOrder = source.featureNames.length === featureNames.length;
  for (let j = 0; j < featureNames.length; j++) {
    const at = index.get(featureNames[j]!);
    if (at === undefined) {
      missing.push(featureNames[j]!);
      continue;
    }
    if (at !== j) sameOrder = false;
    columns[j] = source.columns[at]!;
  }
  if (missing.length > 0) {
    throw new InvalidInputError('INVALID_CSV', `data lacks ${missing.length} feature column(s) the model was trained on: ${missing.join(', ')}`, {
      details: { missing },
    });
  }
  if (sameOrder) return { nRows: source.nRows, columns: source.columns };
  return { nRows: source.nRows, columns };
}
