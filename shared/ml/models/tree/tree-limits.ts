/**
 * Turns sklearn-style tree hyperparameters (ints, fractions, 'sqrt'…) into the concrete integer
 * limits a tree builder enforces, with scikit-learn 1.2's rules (`BaseDecisionTree.fit`).
 */
import type { z } from 'zod';
import type { MaxFeaturesSchema } from '../../../schemas/model-params.schema.js';

/** Concrete stopping rules and feature sampling of one tree fit. */
export interface TreeLimits {
  /** Maximum depth (root = 0); Infinity when unlimited. */
  readonly maxDepth: number;
  /** A node with fewer samples is a leaf (already at least 2 · minSamplesLeaf, as sklearn). */
  readonly minSamplesSplit: number;
  /** Each child must keep at least this many samples (rows with non-zero weight). */
  readonly minSamplesLeaf: number;
  /** Features drawn per split; ≥ nFeatures means every feature, with histogram subtraction. */
  readonly maxFeatures: number;
}

export interface TreeLimitParams {
  max_depth: number | null;
  min_samples_split: number;
  min_samples_leaf: number;
  max_features: z.infer<typeof MaxFeaturesSchema>;
}

/**
 * @param nSamples training rows of the fit (a forest passes all of its rows, not a bootstrap's distinct
 *   count, as sklearn does): base of the fractional `min_samples_*`.
 * Integers are counts and non-integers fractions — JS cannot tell sklearn's `1.0` from `1`, so 1 is
 * always a count.
 */
export function resolveTreeLimits(params: TreeLimitParams, nSamples: number, nFeatures: number): TreeLimits {
  const minSamplesLeaf = Number.isInteger(params.min_samples_leaf) ? params.min_samples_leaf : Math.ceil(params.min_samples_leaf * nSamples);
  let minSamplesSplit = Number.isInteger(params.min_samples_split) ? params.min_samples_split : Math.max(2, Math.ceil(params.min_samples_split * nSamples));
  minSamplesSplit = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
  return {
    maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit,
    minSamplesLeaf: Math.max(1, minSamplesLeaf),
    maxFeatures: resolveMaxFeatures(params.max_features, nFeatures),
  };
}

/** sklearn's `max_features` rules; an int above the feature count is clamped (sklearn would reject it). */
export function resolveMaxFeatures(maxFeatures: z.infer<typeof MaxFeaturesSchema>, nFeatures: number): number {
  if (maxFeatures === null) return nFeatures;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (Number.isInteger(maxFeatures)) return Math.min(maxFeatures, nFeatures);
  return Math.max(1, Math.floor(maxFeatures * nFeatures));
}
