/**
 * The npm learners the project's original design named — `ml-random-forest` and the `ml-matrix`-based
 * `ml-logistic-regression` — run through the same protocol as a sweepq trial (median imputer → standard
 * scaler fitted per fold, 5-fold stratified CV, test evaluation), so the benchmark can state in numbers
 * why sweepq's learners are its own.
 *
 * Both take rows as arrays of numbers (`number[][]` / ml-matrix), so each fit converts the columnar
 * data; that conversion is part of using them and is timed with them.
 */
import MLLogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { RandomForestClassifier as MLRandomForest } from 'ml-random-forest';
import type { Dataset, FeatureMatrix } from '../../shared/ml/dataset/dataset.js';
import { rocAuc } from '../../shared/ml/metrics/roc-auc-score.js';
import { stratifiedKFold } from '../../shared/ml/model-selection/stratified-k-fold.js';
import { buildTransformers } from '../../shared/ml/preprocessing/build-preprocessing.js';
import type { PipelineSpec } from '../../shared/schemas/pipeline-spec.schema.js';

/** A binary learner: fit on rows of a preprocessed matrix, then P(class 1) for other rows. */
export interface BaselineLearner {
  fit(X: number[][], y: number[]): void;
  scoreClass1(X: number[][]): number[];
}

export interface BaselineResult {
  seconds: number;
  cpuSeconds: number;
  auc: number;
}

function rowsOf(X: FeatureMatrix, rows: ArrayLike<number>): number[][] {
  const out: number[][] = new Array<number[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const row = new Array<number>(X.columns.length);
    for (let c = 0; c < X.columns.length; c++) row[c] = X.columns[c]![r]!;
    out[i] = row;
  }
  return out;
}

function labelsOf(y: Int32Array, rows: ArrayLike<number>): number[] {
  const out = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]!]!;
  return out;
}

/** Preprocessing fitted on `rows` of `data`, applied to every row of `data` and of `other`. */
function preprocess(
  spec: PipelineSpec,
  data: Dataset,
  rows: Uint32Array | undefined,
  other: Dataset | null,
): { fitted: FeatureMatrix; other: FeatureMatrix | null } {
  let current: FeatureMatrix = data;
  let otherCurrent: FeatureMatrix | null = other;
  for (const transformer of buildTransformers(spec)) {
    transformer.fit(current, rows);
    current = transformer.transform(current);
    if (otherCurrent !== null) otherCurrent = transformer.transform(otherCurrent);
  }
  return { fitted: current, other: otherCurrent };
}

function allRowIndices(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Fit + 5-fold stratified CV + test AUC with `make()` learners, timed (wall and CPU). */
export function runBaselineTrial(make: () => BaselineLearner, spec: PipelineSpec, train: Dataset, test: Dataset, seed: number): BaselineResult {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const folds = stratifiedKFold(train.y, train.classes.length, { nSplits: 5, shuffle: false, randomState: seed });
  for (const fold of folds) {
    const { fitted } = preprocess(spec, train, fold.train, null);
    const learner = make();
    learner.fit(rowsOf(fitted, fold.train), labelsOf(train.y, fold.train));
    learner.scoreClass1(rowsOf(fitted, fold.test));
  }
  const { fitted, other } = preprocess(spec, train, undefined, test);
  const learner = make();
  const all = allRowIndices(train.nRows);
  learner.fit(rowsOf(fitted, all), labelsOf(train.y, all));
  const scores = learner.scoreClass1(rowsOf(other!, allRowIndices(test.nRows)));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const proba = new Float64Array(2 * test.nRows);
  for (let i = 0; i < test.nRows; i++) {
    proba[2 * i] = 1 - scores[i]!;
    proba[2 * i + 1] = scores[i]!;
  }
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, auc: rocAuc(test.y, proba, 2) };
}

/** `ml-random-forest` with sklearn-like settings: bootstrap rows, √p features per tree, seed fixed. */
export function mlRandomForest(nEstimators: number, nFeatures: number, seed: number): BaselineLearner {
  const forest = new MLRandomForest({
    nEstimators,
    maxFeatures: Math.max(1, Math.floor(Math.sqrt(nFeatures))),
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed,
  });
  return {
    fit: (X, y) => forest.train(X, y),
    scoreClass1: (X) => forest.predictProbability(X, 1),
  };
}

/**
 * `ml-logistic-regression`: batch gradient ascent for a fixed number of steps (its default is 50,000,
 * which on the benchmark sets would take minutes to hours per fit), with a column of ones for the
 * intercept (the library fits none). For two classes it trains one-vs-all twice; its classifier 0
 * separates "not class 0" (target 1) from class 0, so its score is P(class 1).
 */
export function mlLogisticRegression(numSteps: number, learningRate: number): BaselineLearner {
  const model = new MLLogisticRegression({ numSteps, learningRate });
  const withOnes = (X: number[][]): Matrix => new Matrix(X.map((row) => [...row, 1]));
  return {
    fit: (X, y) => model.train(withOnes(X), Matrix.columnVector(y)),
    scoreClass1: (X) => model.classifiers[0]!.testScores(withOnes(X)),
  };
}
