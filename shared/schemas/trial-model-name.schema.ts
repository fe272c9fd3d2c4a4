/**
 * The model a trial carries in its segment, hash and record: a built-in estimator, or
 * {@link PROGRAM_MODEL} for a trial that runs the user's program (issue 14).
 */
import { z } from 'zod';
import { AnyModelNameSchema, type AnyModelName } from './model-params.schema.js';

/** The model name of program trials. */
export const PROGRAM_MODEL = 'program';

export const TrialModelNameSchema = z.union([AnyModelNameSchema, z.literal(PROGRAM_MODEL)]);
export type TrialModelName = AnyModelName | typeof PROGRAM_MODEL;
