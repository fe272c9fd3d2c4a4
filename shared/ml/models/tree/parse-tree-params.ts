/**
 * Parses a tree model's hyperparameters with its zod schema (sklearn defaults fill gaps) and turns a
 * failure into the INVALID_MODEL error the sweep validator and the worker report.
 */
import type { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';

/** @throws InvalidInputError INVALID_MODEL naming the first offending parameter. */
export function parseTreeParams<S extends z.ZodType>(schema: S, params: unknown, modelName: string): z.infer<S> {
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

/**
 * Class count of a fit: max(y) + 1 over the WHOLE label array (not only the fitted rows), at least 2,
 * so every CV fold of a dataset yields the same probability columns even when a fold lacks a class.
 */
export function classCountOf(y: Int32Array): number {
  let max = 1;
  for (let i = 0; i < y.length; i++) if (y[i]! > max) max = y[i]!;
  return max + 1;
}
