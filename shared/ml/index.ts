/**
 * The public ML API of sweepq (an allowlist: solvers, tree internals and preprocessing steps stay out;
 * reach them through the Pipeline and the model registry).
 */
// v1 data model (numeric classification) and its CSV reader, kept for existing callers.
export type { Dataset, FeatureMatrix, TrainTest } from './dataset/dataset.js';
export { parseCsv, readCsvFile, datasetToCsv } from './dataset/read-csv.js';
export { makeClassification, applyMissing } from './dataset/make-classification.js';
export { trainTestSplit } from './dataset/train-test-split.js';
// Typed tables (issue 9): readers, column spec, task inference, schema report, data checks.
export type { Table, TabularDataset, Column, NumericColumn, CategoricalColumn, Target, ClassificationTarget, RegressionTarget, Task } from './dataset/table.js';
export { takeTableRows, tableFromDataset, findColumn, columnNames } from './dataset/table.js';
export { readTable, parseTable, detectFormat } from './dataset/read-table.js';
export { splitTable } from './dataset/split-table.js';
export type { ReadTableOptions, FileFormat } from './dataset/read-table.js';
export { MISSING_TOKENS } from './dataset/csv-table-parser.js';
export type { Delimiter } from './dataset/csv-table-parser.js';
export { describeTable } from './dataset/schema-report.js';
export type { SchemaReport, ColumnReport } from './dataset/schema-report.js';
export { checkTarget, checkOneHotWidth, checkTestAgainstTrain, DEFAULT_MAX_ONE_HOT_WIDTH } from './dataset/data-checks.js';
// Pipelines and trials.
export { Pipeline, createPipelineWorkspace, PIPELINE_FORMAT, PIPELINE_VERSION, READABLE_PIPELINE_VERSIONS } from './pipeline.js';
export type { PipelineJSON, PipelineInput, PipelineWorkspace, PipelineFitData, InputColumn } from './pipeline.js';
export { resolvePipelineSpec, applyPipelineOverride, applyPipelineOverrides } from './preprocessing/resolve-pipeline-spec.js';
export { alignFeatures } from './align-features.js';
export { runTrial } from './run-trial.js';
export type { TrialInput, TrialHooks, TrialOutcome, TrialOutcomeMetrics } from './run-trial.js';
// Estimators.
export { createClassifier, classifierFromJSON, createRegressor, regressorFromJSON, MODEL_REGISTRY } from './models/model-registry.js';
export type { Classifier, SerializedModel } from './models/classifier.js';
export type { Regressor, SerializedRegressor } from './models/regressor.js';
// Metrics: names and directions per task.
export {
  computeMetrics,
  computeRegressionMetrics,
  METRIC_NAMES,
  CLASSIFICATION_METRIC_NAMES,
  REGRESSION_METRIC_NAMES,
  METRIC_NAMES_BY_TASK,
  METRIC_DIRECTIONS,
  GREATER_IS_BETTER,
  REGRESSION_GREATER_IS_BETTER,
  DEFAULT_SCORING,
} from './metrics/metric-names.js';
export type { MetricName, RegressionMetricName, AnyMetricName } from './metrics/metric-names.js';
export { stratifiedKFold } from './model-selection/stratified-k-fold.js';
export { kFold } from './model-selection/k-fold.js';
