/**
 * Builds the preprocessing steps of a pipeline from its spec, and loads serialized steps back.
 * Order is fixed: imputer, then scaler (scaling needs complete columns to be meaningful).
 */
import { InvalidInputError } from '../../errors/index.js';
import type { PipelineSpec } from '../../schemas/pipeline-spec.schema.js';
import { MinMaxScaler } from './min-max-scaler.js';
import { RobustScaler } from './robust-scaler.js';
import { SimpleImputer } from './simple-imputer.js';
import { StandardScaler } from './standard-scaler.js';
import type { Transformer } from './transformer.js';

/** Unfitted transformers for a spec: imputer (if any) then scaler (unless null or `none`). */
export function buildTransformers(spec: PipelineSpec): Transformer[] {
  const steps: Transformer[] = [];
  if (spec.imputer !== null) steps.push(new SimpleImputer(spec.imputer));
  switch (spec.scaler) {
    case null:
    case 'none':
      break;
    case 'standard':
      steps.push(new StandardScaler());
      break;
    case 'minmax':
      steps.push(new MinMaxScaler());
      break;
    case 'robust':
      steps.push(new RobustScaler());
      break;
  }
  return steps;
}

/**
 * Loads a serialized transformer, dispatching on its `name`.
 * @throws InvalidInputError `INVALID_ARTIFACT` for an unknown name or invalid state.
 */
export function transformerFromJSON(json: unknown): Transformer {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  switch (name) {
    case 'simple_imputer':
      return SimpleImputer.fromJSON(json);
    case 'standard_scaler':
      return StandardScaler.fromJSON(json);
    case 'min_max_scaler':
      return MinMaxScaler.fromJSON(json);
    case 'robust_scaler':
      return RobustScaler.fromJSON(json);
    default:
      throw new InvalidInputError(
        'INVALID_ARTIFACT',
        `unknown transformer ${JSON.stringify(name) ?? 'undefined'}; expected simple_imputer, standard_scaler, min_max_scaler or robust_scaler`,
      );
  }
}
