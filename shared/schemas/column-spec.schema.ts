/**
 * What the ML layer needs to know about a table's columns beyond the file itself: which to drop, which
 * to force to a type, and the learning task. Every field is optional; columns not named are kept and
 * typed by inference (numbers → numeric, anything else → categorical).
 */
import { z } from 'zod';

const columnList = z.array(z.string().min(1).max(1000)).max(100_000);

export const ColumnSpecSchema = z
  .strictObject({
    /** Columns to ignore entirely (ids, free text, leakage). */
    drop: columnList.default([]),
    /** Columns to treat as categorical even when every value is a number (e.g. a zip code, a grade 1–5). */
    categorical: columnList.default([]),
    /** Columns that must be numeric: a non-number in them is an error naming its line and column. */
    numeric: columnList.default([]),
  })
  .describe('column selection and types: {drop, categorical, numeric}, all optional');

export const TaskSchema = z
  .enum(['classification', 'regression'])
  .describe("learning task; when absent it is inferred from the target as scikit-learn's type_of_target does");

/** Default limit on distinct classes before a classification target is refused (a regression target in disguise). */
export const DEFAULT_MAX_CLASSES = 100;

export type ColumnSpecInput = z.input<typeof ColumnSpecSchema>;
