/**
 * A classifier that grows by stages (the trees of a forest, the stages of gradient boosting) and can
 * predict between them: the seam through which the pruner judges a trial at a rung's resource without
 * refitting from scratch (issue 11).
 */
import type { FeatureMatrix } from '../dataset/dataset.js';
import type { Classifier } from './classifier.js';
import type { FitCache } from './fit-cache.js';

export interface StagedClassifier extends Classifier {
  /**
   * The same fit as `fit`, one stage at a time: yields the number of stages fitted so far; between
   * yields, `predictProba` uses exactly those stages.
   */
  fitStages(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): Generator<number, void>;
}

export function isStagedClassifier(model: Classifier): model is StagedClassifier {
  return typeof (model as Partial<StagedClassifier>).fitStages === 'function';
}
