/**
 * scikit-learn's `class_weight='balanced'`: weight_k = n / (n_present · count_k), where n counts the
 * selected rows (with multiplicity when bootstrap counts are given, as `compute_sample_weight(...,
 * indices=...)` does for 'balanced_subsample') and n_present is the number of classes that occur.
 * Absent classes get weight 0 (they have no rows to weigh).
 */
export function balancedClassWeights(y: Int32Array, rows: Uint32Array, nClasses: number, multiplicity: Float64Array | null = null): Float64Array {
  const counts = new Float64Array(nClasses);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const m = multiplicity === null ? 1 : multiplicity[r]!;
    counts[y[r]!] = counts[y[r]!]! + m;
    total += m;
  }
  let present = 0;
  for (let k = 0; k < nClasses; k++) if (counts[k]! > 0) present++;
  const weights = new Float64Array(nClasses);
  for (let k = 0; k < nClasses; k++) {
    const c = counts[k]!;
    weights[k] = c > 0 ? total / (present * c) : 0;
  }
  return weights;
}
