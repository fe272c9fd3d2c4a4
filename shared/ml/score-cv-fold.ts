/**
 * One fold of a trial's cross-validation on its own (fold jobs, issue 13 item 5): fits the pipeline on
 * the fold's training rows and scores its held-out rows with `cv.scoring` — the same folds, pipeline,
 * seed and arithmetic as runTrial's CV loop, so a split trial's fold scores equal the unsplit ones.
 */
import { InvalidInputError } from '../errors/index.js';
import { computeMetrics, type MetricName } from './metrics/metric-names.js';
import { computeRegressionMetrics, type RegressionMetricName } from './metrics/regression-metrics.js';
import { createPipelineWorkspace, Pipeline, type PipelineWorkspace } from './pipeline.js';
import { applyPipelineOverrides } from './preprocessing/resolve-pipeline-spec.js';
import { asTabular, cvFolds, type TrialInput } from './run-trial.js';

/**
 * Fold `fold`'s score (NaN where the metric is undefined) and how long it took. `workspace`: reuse one
 * across the folds of a trial on the same data, as runTrial does (its model cache holds per-dataset
 * work such as the trees' sorted column orders, validated before use, so it never changes a model).
 */
export function scoreCvFold(input: TrialInput, fold: number, workspace: PipelineWorkspace = createPipelineWorkspace()): { score: number; cvMs: number } {
  const started = performance.now();
  const train = asTabular(input.train);
  const target = train.target;
  const folds = cvFolds(train, input.cv, input.seed);
  const split = folds[fold];
  if (split === undefined) throw new InvalidInputError('INVALID_SPEC', `fold ${fold} does not exist: the trial has ${folds.length} CV folds`);
  const spec = applyPipelineOverrides(input.pipeline, input.pipelineOverrides ?? {});
  const pipeline = Pipeline.create(spec, input.model, input.params, input.seed, target.task);
  pipeline.fit(train, split.train, workspace);
  let score: number;
  if (target.task === 'classification') {
    const proba = pipeline.predictProbaFitData(split.test);
    const yTrue = new Int32Array(split.test.length);
    for (let i = 0; i < split.test.length; i++) yTrue[i] = target.y[split.test[i]!]!;
    score = computeMetrics(yTrue, proba, target.classes.length)[input.cv.scoring as MetricName];
  } else {
    const predicted = pipeline.predictValuesFitData(split.test);
    const yTrue = new Float64Array(split.test.length);
    for (let i = 0; i < split.test.length; i++) yTrue[i] = target.y[split.test[i]!]!;
    score = computeRegressionMetrics(yTrue, predicted)[input.cv.scoring as RegressionMetricName];
  }
  return { score, cvMs: performance.now() - started };
}
