/**
 * Parses a model's hyperparameters with its zod schema (sklearn defaults fill gaps) and turns a failure
 * into the INVALID_MODEL error the sweep validator and the worker report.
 */
import type { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';

/** @throws InvalidInputError INVALID_MODEL naming the first offending parameter. */
export function parseModelParams<S extends z.ZodType>(schema: S, params: unknown, modelName: string): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(params)';
    throw new InvalidInputError('INVALID_MODEL', `${modelName}: invalid parameter ${path}: ${issue?.message ?? 'invalid value'}`, {
      location: { path },
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}
