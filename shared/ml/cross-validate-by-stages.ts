/**
 * Cross-validation under a pruner (issue 11): every fold's model grows stage by stage (trees, boosting
 * stages) in lockstep; at each rung's resource all folds are scored, the mean goes to the pruner
 * (`onRung`), and the trial either trains on from where it is — no refit from scratch — or stops.
 * A trial that passes every rung ends with the same per-fold scores as a plain CV (the stages drained
 * are the same fit), which runTrial then takes as given. Under `scaled_trees` (boosting) a rung is
 * instead a CV of fits of their own at a scaled learning rate (scaled-trees-params.ts), and the full
 * folds grow only once every rung has passed.
 *
 * Memory: each fold keeps its own transformed copy of the training data while the folds advance
 * together (plain CV reuses one), so a pruned trial holds `folds` copies at once.
 */
import { InvalidInputError } from '../errors/index.js';
import { meanStd } from './metrics/mean-std.js';
import { computeMetrics, type MetricName } from './metrics/metric-names.js';
import { createPipelineWorkspace, Pipeline } from './pipeline.js';
import { applyPipelineOverrides } from './preprocessing/resolve-pipeline-spec.js';
import type { PrunerResource } from '../schemas/search-strategy.schema.js';
import { asTabular, cvFolds, type TrialInput } from './run-trial.js';
import { scaledTreesParams } from './scaled-trees-params.js';

/** The folds' scores at one rung. */
export interface RungScores {
  /** Stages (n_estimators) every fold had grown. */
  resource: number;
  /** Mean of the fold scores (cv.scoring), NaN when undefined. */
  mean: number;
  folds: number[];
}

export type RungVerdict = { action: 'continue' } | { action: 'stop'; explanation: string };

export type StagedCvOutcome =
  { pruned: false; cvScores: number[]; history: RungScores[]; cvMs: number } | { pruned: true; explanation: string; history: RungScores[]; cvMs: number };

/**
 * Runs the CV of `input` by stages, asking `onRung` at each of `rungResources` (ascending; those at or
 * past the model's n_estimators are never reached).
 * @param resource `scaled_trees`: each rung is instead a CV of fits of their own, r trees at the
 *   scaled learning rate (scaled-trees-params.ts); a trial that passes them all is then grown in full.
 * @throws InvalidInputError when the model cannot grow by stages or the task is not classification.
 */
export async function crossValidateByStages(
  input: TrialInput,
  rungResources: readonly number[],
  onRung: (scores: RungScores, history: readonly RungScores[]) => Promise<RungVerdict>,
  resource: PrunerResource = 'n_estimators',
): Promise<StagedCvOutcome> {
  const started = performance.now();
  const train = asTabular(input.train);
  const target = train.target;
  if (target.task !== 'classification')
    throw new InvalidInputError('INVALID_SPEC', `pruning needs a classification task; this trial is ${target.task} (remove pruner:)`);
  if (input.cv.folds < 2) throw new InvalidInputError('INVALID_SPEC', 'pruning needs cross-validation (set cv.folds to 2..20)');
  const spec = applyPipelineOverrides(input.pipeline, input.pipelineOverrides ?? {});
  const folds = cvFolds(train, input.cv, input.seed);
  const K = target.classes.length;
  const pipelines: Pipeline[] = [];
  const stages: Generator<number, void>[] = [];
  const grown = new Int32Array(folds.length);
  const done = new Uint8Array(folds.length);
  for (let f = 0; f < folds.length; f++) {
    const pipeline = Pipeline.create(spec, input.model, input.params, input.seed, 'classification');
    pipelines.push(pipeline);
    stages.push(pipeline.fitStages(train, folds[f]!.train, createPipelineWorkspace()));
  }
  /** The CV scoring metric of a pipeline fitted on fold f's training rows, on its test rows. */
  const scoreOn = (pipeline: Pipeline, f: number): number => {
    const test = folds[f]!.test;
    const proba = pipeline.predictProbaFitData(test);
    const yTrue = new Int32Array(test.length);
    for (let i = 0; i < test.length; i++) yTrue[i] = target.y[test[i]!]!;
    return computeMetrics(yTrue, proba, K)[input.cv.scoring as MetricName];
  };
  const score = (f: number): number => scoreOn(pipelines[f]!, f);
  /** Grows fold f to `resource` stages (or to its end); true when it got there. */
  const growTo = (f: number, resource: number): boolean => {
    while (done[f] === 0 && grown[f]! < resource) {
      const next = stages[f]!.next();
      if (next.done === true) done[f] = 1;
      else grown[f] = next.value;
    }
    return done[f] === 0;
  };
  /** A `scaled_trees` rung's score on fold f: a fresh fit of `trees` trees at the scaled learning rate. */
  const scaledScore = (f: number, trees: number): number => {
    const rungPipeline = Pipeline.create(spec, input.model, scaledTreesParams(input.params, trees), input.seed, 'classification');
    const fit = rungPipeline.fitStages(train, folds[f]!.train, createPipelineWorkspace());
    while (fit.next().done !== true);
    return scoreOn(rungPipeline, f);
  };
  const history: RungScores[] = [];
  for (const rungResource of rungResources) {
    const scores: number[] = [];
    if (resource === 'scaled_trees') {
      for (let f = 0; f < folds.length; f++) scores.push(scaledScore(f, rungResource));
    } else {
      let reached = true;
      for (let f = 0; f < folds.length; f++) reached = growTo(f, rungResource) && reached;
      // The model has fewer stages than this rung: the rest of the trial is its full fit.
      if (!reached) break;
      for (let f = 0; f < folds.length; f++) scores.push(score(f));
    }
    const rung: RungScores = { resource: rungResource, mean: meanStd(scores).mean, folds: scores };
    history.push(rung);
    const verdict = await onRung(rung, history);
    if (verdict.action === 'stop') return { pruned: true, explanation: verdict.explanation, history, cvMs: performance.now() - started };
  }
  const cvScores: number[] = [];
  for (let f = 0; f < folds.length; f++) {
    growTo(f, Number.POSITIVE_INFINITY);
    cvScores.push(score(f));
  }
  return { pruned: false, cvScores, history, cvMs: performance.now() - started };
}
