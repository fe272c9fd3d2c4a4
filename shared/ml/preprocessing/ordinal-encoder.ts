/**
 * scikit-learn 1.x's OrdinalEncoder on one column: the index of the category in sorted order, as a
 * float; `min_frequency`/`max_categories` group infrequent categories into one code after the frequent
 * ones; missing cells stay NaN (`encoded_missing_value`); an unseen category is an error or
 * `unknown_value` (null = NaN) per `handle_unknown`.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import { OrdinalEncoderSpecSchema, type OrdinalEncoderSpec } from '../../schemas/pipeline-spec.schema.js';
import type { CategoricalColumn } from '../dataset/table.js';
import type { CategoricalEncoder } from './categorical-encoder.js';
import { countCategories, indexOf, lookupCategories } from './category-counts.js';
import { identifyInfrequent, infrequentMapping } from './infrequent-categories.js';
import { parseSerialized, type SerializedTransformer } from './transformer.js';

const SERIAL_VERSION = 1;

const FittedSchema = z.strictObject({
  categories: z.array(z.string()),
  infrequent: z.array(z.number().int().min(0)).nullable(),
  /** Whether the fit rows had missing cells: then missing → NaN, else missing is an unknown category. */
  missing: z.boolean(),
});

export const SerializedOrdinalEncoderSchema = z.strictObject({
  name: z.literal('ordinal_encoder'),
  version: z.literal(SERIAL_VERSION),
  params: OrdinalEncoderSpecSchema,
  column: z.string(),
  fitted: FittedSchema.nullable(),
});

type Fitted = z.infer<typeof FittedSchema>;

export class OrdinalEncoder implements CategoricalEncoder {
  readonly name = 'ordinal_encoder';
  readonly params: OrdinalEncoderSpec;
  readonly column: string;
  private fitted: Fitted | null = null;
  private codeOf: Int32Array = new Int32Array(0);
  private index: Map<string, number> = new Map();

  constructor(column: string, params: Partial<OrdinalEncoderSpec> = {}) {
    this.column = column;
    this.params = parseSerialized(OrdinalEncoderSpecSchema, { kind: 'ordinal', ...params }, 'ordinal encoder params', 'INVALID_SPEC');
  }

  fit(column: CategoricalColumn, rows?: Uint32Array): void {
    const { categories, counts, nSamples, missing } = countCategories(column, rows);
    // Missing cells are not a category here (scikit-learn ignores them for infrequent grouping).
    const infrequent = identifyInfrequent(counts, nSamples, this.params.min_frequency, this.params.max_categories);
    const cardinality = categories.length - (infrequent === null ? 0 : infrequent.length);
    const unknown = this.params.unknown_value;
    if (this.params.handle_unknown === 'use_encoded_value' && unknown !== null && unknown >= 0 && unknown < cardinality) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `ordinal encoder: unknown_value ${unknown} is the code of a seen category of "${this.column}" (0..${cardinality - 1}); use -1 or null`,
        {
          location: { path: 'pipeline.categorical.encoder.unknown_value' },
        },
      );
    }
    this.setFitted({ categories, infrequent: infrequent === null ? null : Array.from(infrequent), missing: missing > 0 });
  }

  private setFitted(fitted: Fitted): void {
    this.fitted = fitted;
    this.codeOf = infrequentMapping(fitted.categories.length, fitted.infrequent === null ? null : Int32Array.from(fitted.infrequent));
    this.index = indexOf(fitted.categories);
  }

  featureNamesOut(): string[] {
    this.requireFitted();
    return [this.column];
  }

  /** `categories_` of scikit-learn (a missing value seen in fit as a trailing null) and the infrequent ones. */
  describe(): { categories: (string | null)[]; infrequent: string[] | null } {
    const fitted = this.requireFitted();
    return {
      categories: [...fitted.categories, ...(fitted.missing ? [null] : [])],
      infrequent: fitted.infrequent === null ? null : fitted.infrequent.map((k) => fitted.categories[k]!),
    };
  }

  transform(column: CategoricalColumn, out: Float64Array[]): void {
    const fitted = this.requireFitted();
    const lookup = lookupCategories(column, this.index);
    const unknown = this.params.unknown_value === null ? Number.NaN : this.params.unknown_value;
    const value = new Float64Array(lookup.length);
    for (let k = 0; k < lookup.length; k++) value[k] = lookup[k]! < 0 ? Number.NEGATIVE_INFINITY : this.codeOf[lookup[k]!]!;
    const target = out[0]!;
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      if (code < 0 && fitted.missing) {
        target[i] = Number.NaN; // encoded_missing_value
        continue;
      }
      let v = code < 0 ? Number.NEGATIVE_INFINITY : value[code]!;
      if (v === Number.NEGATIVE_INFINITY) {
        if (this.params.handle_unknown === 'error') {
          throw new InvalidInputError(
            'INVALID_CSV',
            `column "${this.column}" holds ${code < 0 ? 'a missing value' : `"${column.categories[code]!.slice(0, 40)}"`}, a category not seen in training (ordinal handle_unknown: error); set handle_unknown: use_encoded_value with an unknown_value`,
            {
              details: { column: this.column },
            },
          );
        }
        v = unknown;
      }
      target[i] = v;
    }
  }

  private requireFitted(): Fitted {
    if (this.fitted === null) throw new InvalidInputError('INVALID_ARGUMENT', `${this.name} must be fitted before use`);
    return this.fitted;
  }

  toJSON(): SerializedTransformer {
    return { name: this.name, version: SERIAL_VERSION, params: { ...this.params }, column: this.column, fitted: this.fitted };
  }

  static fromJSON(json: unknown): OrdinalEncoder {
    const data = parseSerialized(SerializedOrdinalEncoderSchema, json, 'serialized ordinal_encoder');
    const encoder = new OrdinalEncoder(data.column, data.params);
    if (data.fitted) encoder.setFitted(data.fitted);
    return encoder;
  }
}
