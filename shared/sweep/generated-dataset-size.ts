/**
 * How large the CSV of `make_classification` data can get, known before a single value is drawn:
 * the scheduler stores generated data as a dataset, so data whose CSV would pass the dataset limit
 * (SWEEPQ_BODY_LIMIT_BYTES) is refused at the door instead of after seconds of generating and
 * formatting it.
 */

/**
 * Longest text of one feature cell plus its comma: `String()` of a double is at most 24 characters
 * (`-1.2345678901234567e-308`).
 */
const MAX_CELL_BYTES = 25;

/** Upper bound of the bytes of `datasetToCsv(makeClassification(o), target)`. */
export function maxGeneratedCsvBytes(o: { n_samples: number; n_features: number; n_classes: number }, target: string): number {
  // Header: feature_<i>, … then the target name (quoted and doubled quotes at worst), newline.
  const header = o.n_features * ('feature_'.length + String(o.n_features).length + 1) + 2 * Buffer.byteLength(target, 'utf8') + 3;
  const labelBytes = String(Math.max(0, o.n_classes - 1)).length + 1;
  return header + o.n_samples * (o.n_features * MAX_CELL_BYTES + labelBytes);
}
