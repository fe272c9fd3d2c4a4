/**
 * scikit-learn's grouping of infrequent categories (`_BaseEncoder._identify_infrequent`, 1.1+), exactly:
 * - `min_frequency` int: count < min_frequency; float: count < min_frequency × n_samples;
 * - then, when `max_categories` < (categories − infrequent + 1) — the +1 is the infrequent group, counted
 *   even when there is none yet — every category but the `max_categories − 1` most frequent becomes
 *   infrequent. Ranking is a stable ascending sort by count, so among equal counts the categories that
 *   sort first are made infrequent first (the later ones are kept).
 */

/** Sorted indices of the infrequent categories, or null when there are none. */
export function identifyInfrequent(counts: ArrayLike<number>, nSamples: number, minFrequency: number | null, maxCategories: number | null): Int32Array | null {
  const n = counts.length;
  const infrequent = new Uint8Array(n);
  if (minFrequency !== null) {
    const threshold = Number.isInteger(minFrequency) && minFrequency >= 1 ? minFrequency : minFrequency * nSamples;
    for (let k = 0; k < n; k++) if (counts[k]! < threshold) infrequent[k] = 1;
  }
  let nInfrequent = 0;
  for (let k = 0; k < n; k++) nInfrequent += infrequent[k]!;
  const nCurrentFeatures = n - nInfrequent + 1;
  if (maxCategories !== null && maxCategories < nCurrentFeatures) {
    const frequentCount = maxCategories - 1;
    if (frequentCount === 0) {
      infrequent.fill(1);
    } else {
      // np.argsort(counts, kind="mergesort")[:-frequentCount]: stable ascending order.
      const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => counts[a]! - counts[b]! || a - b);
      for (let r = 0; r < n - frequentCount; r++) infrequent[order[r]!] = 1;
    }
  }
  const out: number[] = [];
  for (let k = 0; k < n; k++) if (infrequent[k] === 1) out.push(k);
  return out.length > 0 ? Int32Array.from(out) : null;
}

/**
 * Category index → group index: frequent categories keep their order (0..f-1), every infrequent one maps
 * to f (scikit-learn's `_default_to_infrequent_mappings`). Identity when `infrequent` is null.
 */
export function infrequentMapping(nCategories: number, infrequent: Int32Array | null): Int32Array {
  const mapping = new Int32Array(nCategories);
  if (infrequent === null) {
    for (let k = 0; k < nCategories; k++) mapping[k] = k;
    return mapping;
  }
  const isInfrequent = new Uint8Array(nCategories);
  for (let i = 0; i < infrequent.length; i++) isInfrequent[infrequent[i]!] = 1;
  const nFrequent = nCategories - infrequent.length;
  let next = 0;
  for (let k = 0; k < nCategories; k++) mapping[k] = isInfrequent[k] === 1 ? nFrequent : next++;
  return mapping;
}
