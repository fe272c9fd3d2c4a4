/**
 * The final fit of a trial whose forest was fitted in tree ranges (fit-forest-trees.ts, fold jobs):
 * merges the ranges' pipelines into the whole fit's pipeline, then scores it on the test set exactly
 * as runTrial does. The merged JSON is the whole fit's artefact byte for byte (same preprocessing
 * state, same trees in the same order), and the metrics are computed from the model loaded from it.
 */
import { InvalidInputError } from '../errors/index.js';
import type { Dataset } from './dataset/dataset.js';
import type { TabularDataset } from './dataset/table.js';
import { mergeForestArtifacts } from './models/tree/merge-forest-artifacts.js';
import { Pipeline, type PipelineJSON } from './pipeline.js';
import { asTabular, scoreTestSet, type TrialOutcomeMetrics } from './run-trial.js';

export interface MergedForestFit {
  metrics: TrialOutcomeMetrics;
  /** The merged pipeline (the artefact) and the same as a loaded object, for the diagnostics. */
  pipeline: PipelineJSON;
  pipelineJson: string;
  fitted: Pipeline;
  mergeMs: number;
  evalMs: number;
}

/**
 * @param partJsons the ranges' pipeline JSON texts, in tree order.
 * @throws InvalidInputError INVALID_ARTIFACT when the parts are not pipelines of one forest fit.
 */
export function mergeForestFit(partJsons: readonly string[], train: TabularDataset | Dataset, test: TabularDataset | Dataset): MergedForestFit {
  const started = performance.now();
  if (partJsons.length === 0) throw new InvalidInputError('INVALID_ARTIFACT', 'no tree ranges to merge');
  const parts = partJsons.map((text) => JSON.parse(text) as PipelineJSON);
  const first = parts[0]!;
  // Everything but the forest (the fitted preprocessing, columns, classes) is the same in every range.
  const { model: _model, ...header } = first;
  const expected = JSON.stringify(header);
  for (let p = 1; p < parts.length; p++) {
    const { model: _other, ...rest } = parts[p]!;
    if (JSON.stringify(rest) !== expected) throw new InvalidInputError('INVALID_ARTIFACT', `tree range ${p} was fitted with other preprocessing than range 0`);
  }
  // Spread first: the merged pipeline keeps the key order of a pipeline's toJSON().
  const pipeline: PipelineJSON = { ...first, model: mergeForestArtifacts(parts.map((part) => part.model)) };
  const pipelineJson = JSON.stringify(pipeline);
  const fitted = Pipeline.fromJSON(pipeline);
  const mergeMs = performance.now() - started;
  const evalStarted = performance.now();
  const metrics = scoreTestSet(fitted, asTabular(train), asTabular(test));
  return { metrics, pipeline, pipelineJson, fitted, mergeMs, evalMs: performance.now() - evalStarted };
}
