/**
 * What the trial page draws beyond the scalars in the index: a small object the worker's training
 * process computes with each completed trial and stores beside the artefact (100k trials of curves do
 * not belong in Redis). `GET /sweeps/:id/trials/:trialId/diagnostics` serves it.
 */
import { z } from 'zod';

/** Points per curve at most (ROC, precision–recall). */
export const MAX_CURVE_POINTS = 200;
/** Classes with their own curves at most (one-vs-rest). */
export const MAX_CURVE_CLASSES = 20;
/** Features listed at most (by |importance|); the record says how many there were. */
export const MAX_LISTED_FEATURES = 50;
/** Predicted-vs-actual points kept for regression. */
export const MAX_SAMPLE_POINTS = 500;

const CurveSchema = z.object({
  /** The class this one-vs-rest curve is for. */
  label: z.string(),
  x: z.array(z.number()),
  y: z.array(z.number()),
  /** Area under the ROC curve, or average precision for a PR curve; null when undefined (one class). */
  area: z.number().nullable(),
});
export type Curve = z.infer<typeof CurveSchema>;

export const FeatureImportancesSchema = z.object({
  /**
   * `coefficients` (linear models: the fitted weights of the pipeline's features; for more than one
   * output row, their L2 norm over the rows) or `permutation` (trees: mean drop of the test score when
   * one feature's values are shuffled).
   */
  kind: z.enum(['coefficients', 'permutation']),
  features: z.array(z.string()),
  values: z.array(z.number()),
  /** The pipeline's output features (listed: the top MAX_LISTED_FEATURES by |value|). */
  totalFeatures: z.number().int(),
  /** For permutation: what was scored (accuracy or r2) and on how many test rows. */
  scoring: z.string().optional(),
  rows: z.number().int().optional(),
});

export const TrialDiagnosticsSchema = z.object({
  version: z.literal(1),
  task: z.enum(['classification', 'regression']),
  /** Test rows the diagnostics were computed on. */
  testRows: z.number().int(),
  classes: z.array(z.string()).optional(),
  /** Rows = true class, columns = predicted class, in `classes` order. */
  confusion: z.array(z.array(z.number().int())).optional(),
  roc: z.array(CurveSchema).optional(),
  pr: z.array(CurveSchema).optional(),
  /** Regression: a sample of (actual, predicted) test pairs and the residuals' summary. */
  sample: z.object({ actual: z.array(z.number()), predicted: z.array(z.number()) }).optional(),
  residuals: z
    .object({ mean: z.number(), std: z.number(), mae: z.number(), min: z.number(), p05: z.number(), p50: z.number(), p95: z.number(), max: z.number() })
    .optional(),
  importances: FeatureImportancesSchema.nullable(),
});
export type TrialDiagnostics = z.infer<typeof TrialDiagnosticsSchema>;

/** Where a trial's diagnostics live in the store: beside its artefact, derived from the artefact key. */
export function diagnosticsKey(artifactKey: string): string {
  return artifactKey.endsWith('.json') ? `${artifactKey.slice(0, -'.json'.length)}.diagnostics.json` : `${artifactKey}.diagnostics.json`;
}
