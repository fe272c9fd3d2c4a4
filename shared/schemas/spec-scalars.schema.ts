/** Scalars of the sweep file: seeds, names and literal param values. */
import { z } from 'zod';
import { describeValue } from './spec-messages.js';

/** Control, format (bidi overrides), line/paragraph separators and lone surrogates. */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** A 32-bit unsigned seed. */
export const SeedSchema = z.number().int().min(0).max(0xffffffff);

/** Experiment name: used in Redis keys and file names, hence the narrow alphabet. */
export const ExperimentNameSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a valid experiment name (use 1–100 letters, digits, _ . - starting with a letter, digit or _; no slashes or spaces)`,
});

/** Explicit trial name: free text for humans, but printable and bounded. */
export const TrialNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !UNPRINTABLE.test(name) && name.trim().length > 0, {
    error: 'contains control or invisible characters, or is blank (use printable text, at most 200 characters)',
  });

/** A literal param value: what the model param schemas accept. */
export const ParamLiteralSchema = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()], {
  error: (issue) =>
    issue.code === 'invalid_union' ? `expected a number, text, true/false or null, got ${describeValue(issue.input)} (write a single value)` : undefined,
});
export type ParamLiteral = z.infer<typeof ParamLiteralSchema>;
