/**
 * The fitted ColumnTransformer as ONNX ops on double tensors, reproducing sweepq's transform exactly:
 *
 * - numeric branch: the numeric inputs as one [N, p] matrix, then each step with the same IEEE
 *   operations sweepq performs (imputer `Where(IsNaN(x), fill, x)`, standard/robust `(x − c) / s`,
 *   min-max `x·s + m`), so every value is bit-identical. ai.onnx.ml's Imputer and Scaler are avoided:
 *   they compute in float32.
 * - categorical branch, per column: LabelEncoder (string → row id, integers only, so exact) then a
 *   Gather of the row from a double lookup table (categorical-lookup.ts).
 *
 * Output: the [N, F] double feature matrix in `featureNames` order, and, when some encoder refuses
 * unseen categories (handle_unknown: error), an [N] bool "refused" mask.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { SerializedColumnTransformerSchema } from '../../preprocessing/column-transformer.js';
import { SerializedMinMaxScalerSchema } from '../../preprocessing/min-max-scaler.js';
import { SerializedRobustScalerSchema } from '../../preprocessing/robust-scaler.js';
import { SerializedSimpleImputerSchema } from '../../preprocessing/simple-imputer.js';
import { SerializedStandardScalerSchema } from '../../preprocessing/standard-scaler.js';
import { categoricalLookup } from './categorical-lookup.js';
import { ML_DOMAIN, type GraphBuilder } from './graph-builder.js';

export interface FeatureGraph {
  /** [N, F] double. */
  features: string;
  nFeatures: number;
  /** [N] bool, true where sweepq would refuse the row; null when no encoder refuses anything. */
  refused: string | null;
}

/**
 * Adds the column transformer to `g`.
 * @param inputs graph input name of every input column (rank 1 or [N, 1]).
 * @throws InvalidInputError INVALID_ARTIFACT when the transformer is unfitted or inconsistent.
 */
export function columnTransformerGraph(g: GraphBuilder, json: unknown, inputs: ReadonlyMap<string, string>): FeatureGraph {
  const parsed = SerializedColumnTransformerSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidInputError('INVALID_ARTIFACT', `column transformer artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const ct = parsed.data;
  const blocks: string[] = [];
  let nFeatures = 0;

  const numericColumns = ct.numeric.columns;
  if (numericColumns.length > 0) {
    const columns = numericColumns.map((name) => g.reshape(inputOf(inputs, name), [-1, 1], `num_${name}`));
    let x = g.concat(columns, 1, 'numeric');
    for (const step of ct.numeric.steps) x = numericStep(g, x, step, numericColumns.length);
    blocks.push(x);
    nFeatures += numericColumns.length;
  }

  let refused: string | null = null;
  const { columns, imputers, encoders } = ct.categorical;
  for (let j = 0; j < columns.length; j++) {
    const name = columns[j]!;
    const lookup = categoricalLookup(name, imputers[j] ?? null, encoders[j]);
    const keys = [...lookup.keys, ...lookup.missingKeys];
    const rowOf = keys.map((_, k) => Math.min(k, lookup.keys.length));
    const text = g.reshape(inputOf(inputs, name), [-1], `text_${name}`);
    const row = g.node(
      'LabelEncoder',
      [text],
      `row_${name}`,
      { keys_strings: { type: 'strings', value: keys }, values_int64s: { type: 'ints', value: rowOf }, default_int64: lookup.unknownRow },
      ML_DOMAIN,
    );
    const table = g.doubles(`table_${name}`, lookup.table, [lookup.unknownRow + 1, lookup.width]);
    blocks.push(g.node('Gather', [table, row], `encoded_${name}`, { axis: 0 }));
    nFeatures += lookup.width;
    if (lookup.refused.includes(1)) {
      const mask = g.node('Gather', [g.bools(`refused_${name}`, lookup.refused), row], `refused_${name}`, { axis: 0 });
      refused = refused === null ? mask : g.node('Or', [refused, mask], 'refused');
    }
  }
  if (blocks.length === 0) throw new InvalidInputError('INVALID_ARTIFACT', 'column transformer artefact has no input column');
  if (nFeatures !== ct.featureNamesOut.length) {
    throw new InvalidInputError(
      'INVALID_ARTIFACT',
      `column transformer artefact is inconsistent: its steps give ${nFeatures} features, featureNamesOut lists ${ct.featureNamesOut.length}`,
    );
  }
  return { features: g.concat(blocks, 1, 'features'), nFeatures, refused };
}

function inputOf(inputs: ReadonlyMap<string, string>, column: string): string {
  const input = inputs.get(column);
  if (input === undefined)
    throw new InvalidInputError('INVALID_ARTIFACT', `column transformer reads "${column}", which is not among the pipeline's input columns`);
  return input;
}

/** One numeric step on the [N, p] matrix, with sweepq's arithmetic. */
function numericStep(g: GraphBuilder, x: string, json: unknown, p: number): string {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  switch (name) {
    case 'simple_imputer': {
      const { statistics } = fitted(SerializedSimpleImputerSchema, json, name, p);
      return g.node('Where', [g.node('IsNaN', [x], 'is_missing'), g.doubles('impute_fill', statistics), x], 'imputed');
    }
    case 'standard_scaler': {
      const { mean, scale } = fitted(SerializedStandardScalerSchema, json, name, p);
      return g.div(g.sub(x, g.doubles('scaler_mean', mean), 'centred'), g.doubles('scaler_scale', scale), 'scaled');
    }
    case 'robust_scaler': {
      const { center, scale } = fitted(SerializedRobustScalerSchema, json, name, p);
      return g.div(g.sub(x, g.doubles('scaler_center', center), 'centred'), g.doubles('scaler_scale', scale), 'scaled');
    }
    case 'min_max_scaler': {
      const { scale, min } = fitted(SerializedMinMaxScalerSchema, json, name, p);
      return g.add(g.mul(x, g.doubles('scaler_scale', scale), 'multiplied'), g.doubles('scaler_min', min), 'scaled');
    }
    default:
      throw new InvalidInputError('INVALID_ARTIFACT', `numeric step ${JSON.stringify(name) ?? 'undefined'} cannot be exported to ONNX`);
  }
}

/** Parses a numeric step and checks every statistic is fitted, one value per column. */
function fitted<S extends z.ZodType>(schema: S, json: unknown, name: string, p: number): { [K in keyof z.output<S>]: NonNullable<z.output<S>[K]> } {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError('INVALID_ARTIFACT', `${name} artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const data = parsed.data as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (value === null) throw new InvalidInputError('INVALID_ARTIFACT', `${name} is not fitted (${key} is null)`);
    if (Array.isArray(value) && key !== 'featureRange' && value.length !== p) {
      throw new InvalidInputError('INVALID_ARTIFACT', `${name} has ${value.length} ${key} values for ${p} numeric columns`);
    }
  }
  return data as { [K in keyof z.output<S>]: NonNullable<z.output<S>[K]> };
}
