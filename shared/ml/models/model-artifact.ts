/**
 * Reading a saved model artefact back: every estimator's static `fromJSON` validates the plain JSON
 * with its zod schema and rebuilds the model from the stored params, and both steps report a bad
 * artefact the same way (INVALID_ARTIFACT, never INVALID_MODEL: the user did not type these params).
 */
import type { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';

/**
 * Validates `json` against a model's artefact schema.
 * @throws InvalidInputError INVALID_ARTIFACT quoting the first zod issue.
 */
export function parseModelArtifact<S extends z.ZodType>(schema: S, json: unknown, modelName: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError('INVALID_ARTIFACT', `${modelName} artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/**
 * Runs `construct` (the model's constructor on the artefact's params) and reports a params failure as
 * a bad artefact, keeping the INVALID_MODEL error as its cause.
 * @throws InvalidInputError INVALID_ARTIFACT when the stored params are invalid.
 */
export function constructFromArtifact<M>(modelName: string, construct: () => M): M {
  try {
    return construct();
  } catch (error) {
    throw new InvalidInputError('INVALID_ARTIFACT', `${modelName} artefact has invalid params`, { cause: error });
  }
}
