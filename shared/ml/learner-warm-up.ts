/**
 * Small fits that warm a fresh training process's learner code, and the CSV reader its first part
 * loads the data with, while the process waits for its first task (issue 13 item 5). V8 runs a new
 * isolate's code in its interpreter and baseline tiers until the hot functions have type feedback and
 * are optimized; for the tree learners that cost the first part of a split trial on each worker
 * ~0.35–0.5 s of CPU (a 16k × 40 forest fold: ~1.5 s cold, ~1.3 s after this warm-up, ~1.1 s later).
 * A split trial pays it on every worker that takes a part.
 *
 * A generator of steps, each one small fit (milliseconds once compiled; the first, cold ones up to
 * ~50–85 ms on a loaded machine), so the caller runs one step per turn of its event loop and stops at
 * its first task: a task waits for one step at most. The data is synthetic and tiny, every fit is
 * seeded, and nothing here touches state a real trial reads (the steps share a workspace of their
 * own), so results never change (test/ml/learner-warm-up.test.ts).
 */
import { makeClassification } from './dataset/make-classification.js';
import { takeRows } from './dataset/dataset.js';
import { parseTable } from './dataset/read-table.js';
import { splitTable } from './dataset/split-table.js';
import { datasetToCsv } from './dataset/write-csv.js';
import { trainTestSplit } from './dataset/train-test-split.js';
import { trialDiagnostics } from './diagnostics/trial-diagnostics.js';
import { fitForestTrees } from './fit-forest-trees.js';
import { mergeForestFit } from './merge-forest-fit.js';
import { createPipelineWorkspace } from './pipeline.js';
import { asTabular, runTrial, type TrialInput } from './run-trial.js';
import { scoreCvFold } from './score-cv-fold.js';

/** CSV parses and splits: the data load every worker's first part starts with (~0.3 s for 20k × 40). */
const CSV_STEPS = 3;
/** CV folds of the forest's fold-job path: the hottest code of a split trial, warmed most. */
const FOREST_FOLD_STEPS = 16;
/** Tree-range fits and their merge (a split final fit). */
const FOREST_RANGE_STEPS = 4;
/** Whole trials (CV, final fit, test metrics, diagnostics) per learner family. */
const WHOLE_TRIAL_STEPS = 2;
/**
 * Forest fits of two trees on a larger set, after the small ones: what the 600-row steps leave cold is
 * the code of bigger data — 256-bin columns, large nodes, long row lists — which a part of a 16k × 40
 * trial meets at once (its first tree range cost ~0.13 s more CPU than the next one after the small
 * steps, ~0.08 s with these; measured in fresh processes, ~0.1 s of extra warm-up CPU once).
 */
const LARGE_FOREST_STEPS = 3;
const LARGE_ROWS = 4000;

export function* learnerWarmUp(): Generator<void, void, void> {
  const data = makeClassification({ n_samples: 600, n_features: 8, n_informative: 5, n_redundant: 2, random_state: 0 });
  const split = trainTestSplit(data.y, data.classes.length, { testSize: 0.25, randomState: 0, stratify: true });
  const train = asTabular(takeRows(data, split.train));
  const test = asTabular(takeRows(data, split.test));
  const trial = (model: TrialInput['model'], params: Record<string, unknown>, seed: number): TrialInput => ({
    train,
    test,
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    model,
    params: { ...params, random_state: seed },
    seed,
    cv: { folds: 2, scoring: 'accuracy' },
  });
  yield;
  const csv = Buffer.from(datasetToCsv(data), 'utf8');
  for (let s = 0; s < CSV_STEPS; s++) {
    splitTable(parseTable(csv, { target: 'target' }), { testSize: 0.25, randomState: s, stratify: true });
    yield;
  }
  const workspace = createPipelineWorkspace();
  for (let s = 0; s < FOREST_FOLD_STEPS; s++) {
    scoreCvFold(trial('random_forest', { n_estimators: 3 }, s), s % 2, workspace);
    yield;
  }
  for (let s = 0; s < FOREST_RANGE_STEPS; s++) {
    const input = trial('random_forest', { n_estimators: 4 }, s);
    const parts = [fitForestTrees(input, { start: 0, end: 2 }, workspace).part];
    yield;
    parts.push(fitForestTrees(input, { start: 2, end: 4 }, workspace).part);
    yield;
    const merged = mergeForestFit(parts, train, test);
    trialDiagnostics(merged.fitted, merged.pipeline, test);
    yield;
  }
  const large = makeClassification({ n_samples: LARGE_ROWS, n_features: 20, n_informative: 10, n_redundant: 5, random_state: 1 });
  const largeSplit = trainTestSplit(large.y, large.classes.length, { testSize: 0.2, randomState: 0, stratify: true });
  yield;
  const largeTrial: TrialInput = {
    ...trial('random_forest', { n_estimators: 2 }, 0),
    train: asTabular(takeRows(large, largeSplit.train)),
    test: asTabular(takeRows(large, largeSplit.test)),
  };
  const largeWorkspace = createPipelineWorkspace();
  for (let s = 0; s < LARGE_FOREST_STEPS; s++) {
    fitForestTrees(largeTrial, { start: 0, end: 2 }, largeWorkspace);
    yield;
    scoreCvFold({ ...largeTrial, cv: { ...largeTrial.cv, folds: 5 } }, s, largeWorkspace);
    yield;
  }
  const families: Array<[TrialInput['model'], Record<string, unknown>]> = [
    ['random_forest', { n_estimators: 3 }],
    ['gradient_boosting', { n_estimators: 5 }],
    ['logistic_regression', {}],
    ['decision_tree', {}],
  ];
  for (const [model, params] of families) {
    for (let s = 0; s < WHOLE_TRIAL_STEPS; s++) {
      const outcome = runTrial(trial(model, params, s));
      yield;
      trialDiagnostics(outcome.fitted, outcome.pipeline, test);
      yield;
    }
  }
}
