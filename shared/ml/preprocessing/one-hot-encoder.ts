/**
 * scikit-learn 1.x's OneHotEncoder (dense output) on one column: categories sorted, missing cells a
 * category of their own (`nan`, last) when not imputed, `min_frequency`/`max_categories` grouping into
 * `<column>_infrequent_sklearn` (infrequent-categories.ts), `drop` first/if_binary applied after
 * grouping, and unknown categories handled per `handle_unknown`: error, ignore (all zeros), or
 * infrequent_if_exist (the infrequent column when there is one, else zeros).
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import { OneHotEncoderSpecSchema, type OneHotEncoderSpec } from '../../schemas/pipeline-spec.schema.js';
import type { CategoricalColumn } from '../dataset/table.js';
import { INFREQUENT_NAME, MISSING_NAME, type CategoricalEncoder } from './categorical-encoder.js';
import { countCategories, indexOf, lookupCategories } from './category-counts.js';
import { identifyInfrequent, infrequentMapping } from './infrequent-categories.js';
import { parseSerialized, type SerializedTransformer } from './transformer.js';

const SERIAL_VERSION = 1;

const FittedSchema = z.strictObject({
  /** `categories_` (sorted), without the missing category. */
  categories: z.array(z.string()),
  /** Whether missing values are a category (the last one, `nan`). */
  missingCategory: z.boolean(),
  /** Indices into categories (+ missing) of the infrequent ones, or null. */
  infrequent: z.array(z.number().int().min(0)).nullable(),
  /** Group dropped after grouping (`_drop_idx_after_grouping`), or null. */
  dropGroup: z.number().int().min(0).nullable(),
});

export const SerializedOneHotEncoderSchema = z.strictObject({
  name: z.literal('one_hot_encoder'),
  version: z.literal(SERIAL_VERSION),
  params: OneHotEncoderSpecSchema,
  column: z.string(),
  fitted: FittedSchema.nullable(),
});

type Fitted = z.infer<typeof FittedSchema>;

export class OneHotEncoder implements CategoricalEncoder {
  readonly name = 'one_hot_encoder';
  readonly params: OneHotEncoderSpec;
  readonly column: string;
  private fitted: Fitted | null = null;
  /** Category (missing last) → output column, -1 for a dropped group. */
  private outputOf: Int32Array = new Int32Array(0);
  private index: Map<string, number> = new Map();
  private nOut = 0;
  /** Output column of the infrequent group, or -1. */
  private infrequentOut = -1;

  constructor(column: string, params: Partial<OneHotEncoderSpec> = {}) {
    this.column = column;
    this.params = parseSerialized(OneHotEncoderSpecSchema, { kind: 'onehot', ...params }, 'one-hot encoder params', 'INVALID_SPEC');
  }

  fit(column: CategoricalColumn, rows?: Uint32Array): void {
    const { categories, counts, missing, nSamples } = countCategories(column, rows);
    const missingCategory = missing > 0;
    const allCounts = missingCategory ? Int32Array.from([...counts, missing]) : counts;
    const infrequent = identifyInfrequent(allCounts, nSamples, this.params.min_frequency, this.params.max_categories);
    const nCategories = allCounts.length;
    const nGroups = infrequent === null ? nCategories : nCategories - infrequent.length + 1;
    let dropGroup: number | null = null;
    if (this.params.drop === 'first') dropGroup = 0;
    else if (this.params.drop === 'if_binary' && nGroups === 2) dropGroup = 0;
    this.setFitted({ categories, missingCategory, infrequent: infrequent === null ? null : Array.from(infrequent), dropGroup });
  }

  private setFitted(fitted: Fitted): void {
    this.fitted = fitted;
    const nCategories = fitted.categories.length + (fitted.missingCategory ? 1 : 0);
    const infrequent = fitted.infrequent === null ? null : Int32Array.from(fitted.infrequent);
    const groupOf = infrequentMapping(nCategories, infrequent);
    const nGroups = infrequent === null ? nCategories : nCategories - infrequent.length + 1;
    const drop = fitted.dropGroup;
    this.outputOf = new Int32Array(nCategories);
    for (let k = 0; k < nCategories; k++) {
      const g = groupOf[k]!;
      this.outputOf[k] = drop === null ? g : g === drop ? -1 : g > drop ? g - 1 : g;
    }
    this.nOut = drop === null ? nGroups : nGroups - 1;
    if (infrequent === null) this.infrequentOut = -1;
    else {
      const g = nGroups - 1;
      this.infrequentOut = drop === null ? g : g === drop ? -1 : g > drop ? g - 1 : g;
    }
    this.index = indexOf(fitted.categories);
  }

  featureNamesOut(): string[] {
    const fitted = this.requireFitted();
    const names: string[] = new Array<string>(this.nOut);
    const nCategories = this.outputOf.length;
    for (let k = 0; k < nCategories; k++) {
      const out = this.outputOf[k]!;
      if (out < 0 || out === this.infrequentOut) continue;
      const category = k < fitted.categories.length ? fitted.categories[k]! : MISSING_NAME;
      names[out] = `${this.column}_${category}`;
    }
    if (this.infrequentOut >= 0) names[this.infrequentOut] = `${this.column}_${INFREQUENT_NAME}`;
    return names;
  }

  /** `categories_` of scikit-learn (missing as null), and the infrequent ones. */
  describe(): { categories: (string | null)[]; infrequent: (string | null)[] | null } {
    const fitted = this.requireFitted();
    const all: (string | null)[] = [...fitted.categories, ...(fitted.missingCategory ? [null] : [])];
    return { categories: all, infrequent: fitted.infrequent === null ? null : fitted.infrequent.map((k) => all[k]!) };
  }

  transform(column: CategoricalColumn, out: Float64Array[]): void {
    const fitted = this.requireFitted();
    const lookup = lookupCategories(column, this.index);
    const missingOut = fitted.missingCategory ? this.outputOf[fitted.categories.length]! : UNKNOWN;
    // Per dictionary entry: the output column (-1 none), or UNKNOWN.
    const target = new Int32Array(lookup.length);
    for (let k = 0; k < lookup.length; k++) target[k] = lookup[k]! < 0 ? UNKNOWN : this.outputOf[lookup[k]!]!;
    const unknownOut = this.params.handle_unknown === 'infrequent_if_exist' ? this.infrequentOut : -1;
    for (let j = 0; j < out.length; j++) out[j]!.fill(0);
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      let o = code < 0 ? missingOut : target[code]!;
      if (o === UNKNOWN) {
        if (this.params.handle_unknown === 'error') this.unknownError(column, code);
        o = unknownOut;
      }
      if (o >= 0) out[o]![i] = 1;
    }
  }

  private unknownError(column: CategoricalColumn, code: number): never {
    const value = code < 0 ? 'a missing value' : `"${column.categories[code]!.slice(0, 40)}"`;
    throw new InvalidInputError(
      'INVALID_CSV',
      `column "${this.column}" holds ${value}, a category not seen in training (one-hot handle_unknown: error); set handle_unknown: ignore or infrequent_if_exist to encode unseen categories`,
      {
        details: { column: this.column },
      },
    );
  }

  private requireFitted(): Fitted {
    if (this.fitted === null) throw new InvalidInputError('INVALID_ARGUMENT', `${this.name} must be fitted before use`);
    return this.fitted;
  }

  toJSON(): SerializedTransformer {
    return { name: this.name, version: SERIAL_VERSION, params: { ...this.params }, column: this.column, fitted: this.fitted };
  }

  static fromJSON(json: unknown): OneHotEncoder {
    const data = parseSerialized(SerializedOneHotEncoderSchema, json, 'serialized one_hot_encoder');
    const encoder = new OneHotEncoder(data.column, data.params);
    if (data.fitted) encoder.setFitted(data.fitted);
    return encoder;
  }
}

const UNKNOWN = -2;
