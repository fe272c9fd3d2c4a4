/**
 * The final fit of a trial whose forest was fitted in tree ranges (fit-forest-trees.ts, fold jobs):
 * merges the ranges into the whole fit's pipeline and scores it on the test set exactly as runTrial
 * does. The merged pipeline holds the whole fit's trees in order under the same fitted preprocessing,
 * so its toJSON() is the unsplit artefact byte for byte, and its predictions are the unsplit ones.
 */
import { InvalidInputError } from '../errors/index.js';
import type { Dataset } from './dataset/dataset.js';
import type { TabularDataset } from './dataset/table.js';
import { decodeForestPart } from './forest-part-codec.js';
import { forestFromNodes } from './models/tree/forest-from-nodes.js';
import { mergeForestNodes } from './models/tree/merge-forest-nodes.js';
import { Pipeline, type PipelineJSON } from './pipeline.js';
import { asTabular, scoreTestSet, type TrialOutcomeMetrics } from './run-trial.js';

export interface MergedForestFit {
  metrics: TrialOutcomeMetrics;
  /** The merged pipeline: as the artefact's object and text, and loaded (for the diagnostics). */
  pipeline: PipelineJSON;
  pipelineJson: string;
  fitted: Pipeline;
  mergeMs: number;
  evalMs: number;
}

/**
 * @param parts the ranges' encoded parts, in tree order.
 * @throws InvalidInputError INVALID_ARTIFACT when the parts are not ranges of one forest fit.
 */
export function mergeForestFit(parts: readonly Buffer[], train: TabularDataset | Dataset, test: TabularDataset | Dataset): MergedForestFit {
  const started = performance.now();
  if (parts.length === 0) throw new InvalidInputError('INVALID_ARTIFACT', 'no tree ranges to merge');
  const decoded = parts.map(decodeForestPart);
  // Everything but the trees (the fitted preprocessing, columns, classes, params) is the same in every range.
  const expected = JSON.stringify(decoded[0]!.pipeline);
  for (let p = 1; p < decoded.length; p++) {
    if (JSON.stringify(decoded[p]!.pipeline) !== expected) throw new InvalidInputError('INVALID_ARTIFACT', `tree range ${p} is not of the fit of range 0`);
  }
  // The ranges' pipeline with a forest of no trees loads cheaply; the merged trees replace it.
  const shell = Pipeline.fromJSON(decoded[0]!.pipeline);
  const header = decoded[0]!.pipeline.model as { params: unknown; nClasses?: number };
  const nodes = mergeForestNodes(decoded.map((part) => part.nodes));
  const fitted = new Pipeline(
    shell.task,
    shell.columnTransformer,
    forestFromNodes(header.params, shell.task === 'classification' ? (header.nClasses ?? 0) : null, nodes),
  );
  fitted.inputColumns = shell.inputColumns;
  fitted.featureNames = shell.featureNames;
  fitted.classes = shell.classes;
  fitted.targetName = shell.targetName;
  const pipeline = fitted.toJSON();
  const pipelineJson = JSON.stringify(pipeline);
  const mergeMs = performance.now() - started;
  const evalStarted = performance.now();
  const metrics = scoreTestSet(fitted, asTabular(train), asTabular(test));
  return { metrics, pipeline, pipelineJson, fitted, mergeMs, evalMs: performance.now() - evalStarted };
}
