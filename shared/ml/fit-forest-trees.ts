/**
 * One tree range of a trial's final fit split across workers (fold jobs, issue 13 item 5): the
 * pipeline fitted on every training row, its random forest growing only trees [start, end) — each as
 * the whole fit grows it — encoded for merge-forest-fit.ts (forest-part-codec.ts). Same preprocessing,
 * params and seed as runTrial's final fit, so the ranges of one fit merge into exactly its artefact.
 */
import { InvalidInputError } from '../errors/index.js';
import { encodeForestPart } from './forest-part-codec.js';
import { ForestClassifier } from './models/tree/forest-classifier.js';
import { ForestRegressor } from './models/tree/forest-regressor.js';
import type { TreeRange } from './models/tree/tree-range.js';
import { createPipelineWorkspace, Pipeline, type PipelineWorkspace } from './pipeline.js';
import { applyPipelineOverrides } from './preprocessing/resolve-pipeline-spec.js';
import { asTabular, type TrialInput } from './run-trial.js';

/**
 * The fitted range (encoded) and its fit time.
 * @throws InvalidInputError INVALID_SPEC when the model is not a forest (only forests split by trees),
 *   INVALID_MODEL / INVALID_ARGUMENT for bad params or a range outside the forest.
 */
export function fitForestTrees(input: TrialInput, range: TreeRange, workspace: PipelineWorkspace = createPipelineWorkspace()): { part: Buffer; fitMs: number } {
  const started = performance.now();
  const train = asTabular(input.train);
  const spec = applyPipelineOverrides(input.pipeline, input.pipelineOverrides ?? {});
  const pipeline = Pipeline.create(spec, input.model, input.params, input.seed, train.target.task);
  const model = pipeline.model;
  if (!(model instanceof ForestClassifier || model instanceof ForestRegressor)) {
    throw new InvalidInputError('INVALID_SPEC', `model ${input.model} is not a forest: its final fit cannot be split into tree ranges`);
  }
  model.growOnly(range);
  pipeline.fit(train, undefined, workspace);
  const fitMs = performance.now() - started;
  return { part: encodeForestPart(pipeline.toJSON(), model.tree), fitMs };
}
