/**
 * scikit-learn's SimpleImputer on a text column (object dtype): missing cells become the most frequent
 * category of the fit rows (ties → the smallest, as `_most_frequent` takes the min of the tied values)
 * or a constant (`missing_value` by default). Works on codes: the output shares the input's dictionary,
 * extended by the fill value when the input lacks it.
 */
import { z } from 'zod';
import { CategoricalImputerSpecSchema, type CategoricalImputerSpec } from '../../schemas/pipeline-spec.schema.js';
import type { CategoricalColumn } from '../dataset/table.js';
import { countCategories } from './category-counts.js';
import { parseSerialized, type SerializedTransformer } from './transformer.js';
import { InvalidInputError } from '../../errors/index.js';

const SERIAL_VERSION = 1;

export const SerializedCategoricalImputerSchema = z.strictObject({
  name: z.literal('categorical_imputer'),
  version: z.literal(SERIAL_VERSION),
  params: CategoricalImputerSpecSchema,
  /** The fill category; null when the fit rows had no value at all (cells then stay missing). */
  fill: z.string().nullable(),
});

export class CategoricalImputer {
  readonly name = 'categorical_imputer';
  readonly params: CategoricalImputerSpec;
  /** The category missing cells become (scikit-learn's `statistics_[0]`); undefined until fitted. */
  fill: string | null | undefined = undefined;

  constructor(params: Partial<CategoricalImputerSpec> = {}) {
    this.params = parseSerialized(CategoricalImputerSpecSchema, params, 'categorical imputer params', 'INVALID_SPEC');
  }

  fit(column: CategoricalColumn, rows?: Uint32Array): void {
    if (this.params.strategy === 'constant') {
      this.fill = this.params.fill_value;
      return;
    }
    const { categories, counts } = countCategories(column, rows);
    if (categories.length === 0) {
      // Every fit cell is missing: scikit-learn would drop the column; keeping it missing keeps the shape.
      this.fill = null;
      return;
    }
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
    // Ties → the smallest value; categories are already sorted, so the first maximum is the smallest.
    this.fill = categories[best]!;
  }

  /** The column with missing cells filled (a new codes array; the dictionary is shared or extended). */
  transform(column: CategoricalColumn): CategoricalColumn {
    if (this.fill === undefined) throw new InvalidInputError('INVALID_ARGUMENT', `${this.name} must be fitted before transform`);
    if (this.fill === null) return column;
    let fillCode = column.categories.indexOf(this.fill);
    let categories = column.categories;
    if (fillCode < 0) {
      categories = [...column.categories, this.fill];
      fillCode = categories.length - 1;
    }
    const source = column.codes;
    const codes = new Int32Array(source.length);
    for (let i = 0; i < source.length; i++) {
      const code = source[i]!;
      codes[i] = code < 0 ? fillCode : code;
    }
    return { type: 'categorical', name: column.name, codes, categories };
  }

  toJSON(): SerializedTransformer {
    return { name: this.name, version: SERIAL_VERSION, params: { ...this.params }, fill: this.fill ?? null };
  }

  static fromJSON(json: unknown): CategoricalImputer {
    const data = parseSerialized(SerializedCategoricalImputerSchema, json, 'serialized categorical_imputer');
    const imputer = new CategoricalImputer(data.params);
    imputer.fill = data.fill;
    return imputer;
  }
}
