/**
 * The public ML API of sweepq (an allowlist: solvers, tree internals and preprocessing steps stay out;
 * reach them through the Pipeline and the model registry).
 */
export type { Dataset, FeatureMatrix, TrainTest } from './dataset/dataset.js';
export { parseCsv, readCsvFile, datasetToCsv } from './dataset/read-csv.js';
export { makeClassification, applyMissing } from './dataset/make-classification.js';
export { trainTestSplit } from './dataset/train-test-split.js';
export { Pipeline, createPipelineWorkspace, PIPELINE_FORMAT, PIPELINE_VERSION } from './pipeline.js';
export type { PipelineJSON, PipelineInput, PipelineWorkspace } from './pipeline.js';
export { alignFeatures } from './align-features.js';
export { runTrial } from './run-trial.js';
export type { TrialInput, TrialHooks, TrialOutcome, TrialOutcomeMetrics } from './run-trial.js';
export { createClassifier, classifierFromJSON } from './models/model-registry.js';
export type { Classifier, SerializedModel } from './models/classifier.js';
export { computeMetrics, METRIC_NAMES, GREATER_IS_BETTER } from './metrics/metric-names.js';
export type { MetricName } from './metrics/metric-names.js';
export { stratifiedKFold } from './model-selection/stratified-k-fold.js';
export { kFold } from './model-selection/k-fold.js';
