/**
 * scikit-learn's ColumnTransformer with two branches, fitted on the training rows only:
 * numeric columns → SimpleImputer → scaler, categorical columns → SimpleImputer → OneHotEncoder or
 * OrdinalEncoder. Output columns come in ColumnTransformer order (the numeric branch's, then the
 * categorical branch's, each in table order), named as `get_feature_names_out` with
 * `verbose_feature_names_out=False` (`age`, `island_Torgersen`, `island_infrequent_sklearn`). The model
 * sees a plain FeatureMatrix of Float64 columns.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import { ResolvedPipelineSpecSchema, type ResolvedPipelineSpec } from '../../schemas/pipeline-spec.schema.js';
import type { FeatureMatrix } from '../dataset/dataset.js';
import type { CategoricalColumn, Column, Table } from '../dataset/table.js';
import { buildTransformers, transformerFromJSON } from './build-preprocessing.js';
import { CategoricalImputer } from './categorical-imputer.js';
import type { CategoricalEncoder } from './categorical-encoder.js';
import { asCategorical, asNumeric } from './category-counts.js';
import { OneHotEncoder } from './one-hot-encoder.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { parseSerialized, type SerializedTransformer, type Transformer } from './transformer.js';

const SERIAL_VERSION = 1;

export const SerializedColumnTransformerSchema = z.strictObject({
  name: z.literal('column_transformer'),
  version: z.literal(SERIAL_VERSION),
  spec: ResolvedPipelineSpecSchema,
  numeric: z.strictObject({ columns: z.array(z.string()), steps: z.array(z.unknown()) }),
  categorical: z.strictObject({
    columns: z.array(z.string()),
    imputers: z.array(z.unknown()),
    encoders: z.array(z.unknown()),
  }),
  featureNamesOut: z.array(z.string()),
});

/**
 * Reusable output buffers: successive fits of one trial (CV folds, the refit) write into the same
 * Float64Arrays instead of allocating a transformed copy of the data per fold.
 */
export interface ColumnWorkspace {
  pool: Float64Array[];
}

export function createColumnWorkspace(): ColumnWorkspace {
  return { pool: [] };
}

/** Hands out buffers of length nRows from a workspace (or fresh ones without). */
class BufferSource {
  private next = 0;
  constructor(
    private readonly workspace: ColumnWorkspace | undefined,
    private readonly nRows: number,
  ) {}
  take(count: number): Float64Array[] {
    const out: Float64Array[] = new Array<Float64Array>(count);
    for (let j = 0; j < count; j++) {
      if (this.workspace === undefined) {
        out[j] = new Float64Array(this.nRows);
        continue;
      }
      const pool = this.workspace.pool;
      if (this.next >= pool.length || pool[this.next]!.length !== this.nRows) pool[this.next] = new Float64Array(this.nRows);
      out[j] = pool[this.next++]!;
    }
    return out;
  }
}

export class ColumnTransformer {
  readonly name = 'column_transformer';
  readonly spec: ResolvedPipelineSpec;
  numericColumns: string[] = [];
  categoricalColumns: string[] = [];
  private numericSteps: Transformer[] = [];
  private imputers: (CategoricalImputer | null)[] = [];
  private encoders: CategoricalEncoder[] = [];
  /** Output column names, in output order; valid after fit. */
  featureNamesOut: string[] = [];

  constructor(spec: ResolvedPipelineSpec) {
    this.spec = spec;
  }

  /**
   * Fits every step on `rows` (all rows when omitted) and returns all rows transformed: statistics come
   * from `rows` alone, so held-out rows are transformed exactly as at predict time.
   */
  fitTransform(table: Table, rows?: Uint32Array, workspace?: ColumnWorkspace): FeatureMatrix {
    const numeric: Float64Array[] = [];
    const categorical: CategoricalColumn[] = [];
    this.numericColumns = [];
    this.categoricalColumns = [];
    for (const column of table.columns) {
      if (column.type === 'numeric') {
        this.numericColumns.push(column.name);
        numeric.push(column.values);
      } else {
        this.categoricalColumns.push(column.name);
        categorical.push(column);
      }
    }
    const buffers = new BufferSource(workspace, table.nRows);
    this.numericSteps = numeric.length > 0 ? buildTransformers({ imputer: this.spec.numeric.imputer, scaler: this.spec.numeric.scaler }) : [];
    let current: FeatureMatrix = { nRows: table.nRows, columns: numeric };
    for (let s = 0; s < this.numericSteps.length; s++) {
      const step = this.numericSteps[s]!;
      // The first step reads the table's own columns, which nothing writes: it may fit lazily.
      step.fit(current, rows, s === 0);
      current = step.transform(current, s === 0 ? buffers.take(numeric.length) : (current.columns as Float64Array[]));
    }
    const columns: Float64Array[] = current.columns.slice();
    const names: string[] = this.numericColumns.slice();
    this.imputers = [];
    this.encoders = [];
    for (let j = 0; j < categorical.length; j++) {
      let column = categorical[j]!;
      const imputer = this.spec.categorical.imputer === null ? null : new CategoricalImputer(this.spec.categorical.imputer);
      if (imputer) {
        imputer.fit(column, rows);
        column = imputer.transform(column);
      }
      const encoder = this.createEncoder(column.name);
      encoder.fit(column, rows);
      const outNames = encoder.featureNamesOut();
      const out = buffers.take(outNames.length);
      encoder.transform(column, out);
      this.imputers.push(imputer);
      this.encoders.push(encoder);
      for (let k = 0; k < out.length; k++) {
        columns.push(out[k]!);
        names.push(outNames[k]!);
      }
    }
    this.featureNamesOut = names;
    return { nRows: table.nRows, columns };
  }

  /**
   * Transforms new data with the fitted steps. Columns are matched by name (extra ones ignored); a
   * categorical column given as numbers is read as their text, a numeric one given as number-like text
   * is parsed.
   * @throws InvalidInputError INVALID_CSV naming every column the data lacks.
   */
  transform(table: Table): FeatureMatrix {
    const byName = new Map<string, Column>();
    for (const column of table.columns) byName.set(column.name, column);
    const missing = [...this.numericColumns, ...this.categoricalColumns].filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw new InvalidInputError('INVALID_CSV', `data lacks ${missing.length} column(s) the model was trained on: ${missing.join(', ')}`, {
        details: { missing },
      });
    }
    const numeric: Float64Array[] = this.numericColumns.map((name) => asNumeric(byName.get(name)!));
    let current: FeatureMatrix = { nRows: table.nRows, columns: numeric };
    for (let s = 0; s < this.numericSteps.length; s++) {
      // After the first step the columns are this call's own buffers, so later steps may work in place.
      current = this.numericSteps[s]!.transform(current, s === 0 ? undefined : (current.columns as Float64Array[]));
    }
    const columns: Float64Array[] = current.columns.slice();
    for (let j = 0; j < this.categoricalColumns.length; j++) {
      let column = asCategorical(byName.get(this.categoricalColumns[j]!)!);
      const imputer = this.imputers[j];
      if (imputer) column = imputer.transform(column);
      const encoder = this.encoders[j]!;
      const width = encoder.featureNamesOut().length;
      const out: Float64Array[] = [];
      for (let k = 0; k < width; k++) out.push(new Float64Array(table.nRows));
      encoder.transform(column, out);
      for (let k = 0; k < width; k++) columns.push(out[k]!);
    }
    return { nRows: table.nRows, columns };
  }

  /** The fitted encoder of a categorical column (for inspection and tests). */
  encoderOf(column: string): CategoricalEncoder | undefined {
    const j = this.categoricalColumns.indexOf(column);
    return j < 0 ? undefined : this.encoders[j];
  }

  private createEncoder(column: string): CategoricalEncoder {
    const spec = this.spec.categorical.encoder;
    switch (spec.kind) {
      case 'onehot':
        return new OneHotEncoder(column, spec);
      case 'ordinal':
        return new OrdinalEncoder(column, spec);
    }
  }

  toJSON(): SerializedTransformer {
    return {
      name: this.name,
      version: SERIAL_VERSION,
      spec: this.spec,
      numeric: { columns: this.numericColumns.slice(), steps: this.numericSteps.map((s) => s.toJSON()) },
      categorical: {
        columns: this.categoricalColumns.slice(),
        imputers: this.imputers.map((i) => (i ? i.toJSON() : null)),
        encoders: this.encoders.map((e) => e.toJSON()),
      },
      featureNamesOut: this.featureNamesOut.slice(),
    };
  }

  static fromJSON(json: unknown): ColumnTransformer {
    const data = parseSerialized(SerializedColumnTransformerSchema, json, 'serialized column_transformer');
    const ct = new ColumnTransformer(data.spec);
    ct.numericColumns = data.numeric.columns;
    ct.numericSteps = data.numeric.steps.map((s) => transformerFromJSON(s));
    ct.categoricalColumns = data.categorical.columns;
    if (data.categorical.imputers.length !== ct.categoricalColumns.length || data.categorical.encoders.length !== ct.categoricalColumns.length) {
      throw new InvalidInputError('INVALID_ARTIFACT', 'column_transformer artefact: one imputer and one encoder per categorical column expected');
    }
    ct.imputers = data.categorical.imputers.map((i) => (i === null ? null : CategoricalImputer.fromJSON(i)));
    ct.encoders = data.categorical.encoders.map((e) => encoderFromJSON(e));
    ct.featureNamesOut = data.featureNamesOut;
    return ct;
  }

  /**
   * A transformer that reproduces a v1 artefact: every input column numeric, the v1 steps as the
   * numeric branch, no categorical branch.
   */
  static fromV1(featureNames: readonly string[], steps: readonly unknown[]): ColumnTransformer {
    const ct = new ColumnTransformer(ResolvedPipelineSpecSchema.parse({ numeric: {}, categorical: {} }));
    ct.numericColumns = featureNames.slice();
    ct.numericSteps = steps.map((s) => transformerFromJSON(s));
    ct.featureNamesOut = featureNames.slice();
    return ct;
  }
}

function encoderFromJSON(json: unknown): CategoricalEncoder {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  if (name === 'one_hot_encoder') return OneHotEncoder.fromJSON(json);
  if (name === 'ordinal_encoder') return OrdinalEncoder.fromJSON(json);
  throw new InvalidInputError('INVALID_ARTIFACT', `unknown encoder ${JSON.stringify(name) ?? 'undefined'}; expected one_hot_encoder or ordinal_encoder`);
}
