/**
 * The diagnostics of a fitted pipeline on its test set (see trial-diagnostics.schema.ts): confusion
 * matrix, ROC and precision–recall curves per class, and feature importances — coefficients for
 * linear models, permutation importance (seeded) for the others; for regression a predicted-vs-actual
 * sample and the residuals' summary. Runs in the training child process, after the trial, from the
 * same JSON the artefact holds, so it never touches the worker's event loop nor runTrial itself.
 */
import type { FeatureMatrix } from '../dataset/dataset.js';
import type { TabularDataset } from '../dataset/table.js';
import type { Classifier } from '../models/classifier.js';
import type { Regressor } from '../models/regressor.js';
import type { Pipeline, PipelineJSON } from '../pipeline.js';
import { computeRegressionMetrics } from '../metrics/regression-metrics.js';
import {
  MAX_CURVE_CLASSES,
  MAX_CURVE_POINTS,
  MAX_LISTED_FEATURES,
  MAX_SAMPLE_POINTS,
  type Curve,
  type TrialDiagnostics,
} from '../../schemas/trial-diagnostics.schema.js';
import { precisionRecallCurve, rocCurve } from './curve-points.js';

/** Test rows used for permutation importance at most (a deterministic stride over the test set). */
const PERMUTATION_ROWS = 1000;
/** Features permuted at most: past this, the trial page lists coefficients only for linear models. */
const PERMUTATION_FEATURES = 64;

/**
 * `pipeline` is the trial's fitted pipeline and `pipelineJson` its serialized form (the artefact): the
 * coefficients are read from the JSON the trial produced anyway, since serializing a forest again only
 * to look for them cost as much as the rest.
 */
export function trialDiagnostics(pipeline: Pipeline, pipelineJson: PipelineJSON, test: TabularDataset): TrialDiagnostics {
  const X = pipeline.transform(test);
  const coef = (pipelineJson.model as { coef?: unknown }).coef;
  if (pipeline.task === 'classification' && test.target.task === 'classification') {
    return classification(pipeline, X, test.target.y, test.target.classes, coef);
  }
  return regression(pipeline, X, test.target.y as Float64Array, coef);
}

function classification(pipeline: Pipeline, X: FeatureMatrix, testY: Int32Array, testClasses: readonly string[], coef: unknown): TrialDiagnostics {
  const classes = pipeline.classes;
  const k = classes.length;
  const at = new Map<string, number>();
  for (let c = 0; c < k; c++) at.set(classes[c]!, c);
  // Test rows whose label the model knows (runTrial refuses unknown ones; older data may differ).
  const keep: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < testY.length; i++) {
    const c = at.get(testClasses[testY[i]!]!);
    if (c === undefined) continue;
    keep.push(i);
    labels.push(c);
  }
  const rows = Uint32Array.from(keep);
  const model = pipeline.model as Classifier;
  const proba = model.predictProba(X, rows);
  const confusion: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < rows.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c;
    confusion[labels[i]!]![best]!++;
  }
  const roc: Curve[] = [];
  const pr: Curve[] = [];
  // Binary: the curves of the positive (second) class; multiclass: one-vs-rest per class.
  const curveClasses = k === 2 ? [1] : Array.from({ length: Math.min(k, MAX_CURVE_CLASSES) }, (_, c) => c);
  const positive = new Uint8Array(rows.length);
  const scores = new Float64Array(rows.length);
  for (const c of curveClasses) {
    for (let i = 0; i < rows.length; i++) {
      positive[i] = labels[i] === c ? 1 : 0;
      scores[i] = proba[i * k + c]!;
    }
    roc.push({ label: classes[c]!, ...rocCurve(positive, scores, MAX_CURVE_POINTS) });
    pr.push({ label: classes[c]!, ...precisionRecallCurve(positive, scores, MAX_CURVE_POINTS) });
  }
  const score = (matrix: FeatureMatrix, sample: Uint32Array, sampleLabels: Int32Array): number => {
    const predicted = model.predict(matrix, sample);
    let hits = 0;
    for (let i = 0; i < sample.length; i++) hits += predicted[i] === sampleLabels[i] ? 1 : 0;
    return sample.length === 0 ? 0 : hits / sample.length;
  };
  return {
    version: 1,
    task: 'classification',
    testRows: rows.length,
    classes: classes.slice(),
    confusion,
    roc,
    pr,
    importances: importances(pipeline, coef, X, rows, Int32Array.from(labels), 'accuracy', score),
  };
}

function regression(pipeline: Pipeline, X: FeatureMatrix, y: Float64Array, coef: unknown): TrialDiagnostics {
  const model = pipeline.model as Regressor;
  const all = new Uint32Array(X.nRows);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const predicted = model.predict(X, all);
  const residuals = new Float64Array(y.length);
  let sum = 0;
  let abs = 0;
  for (let i = 0; i < y.length; i++) {
    residuals[i] = y[i]! - predicted[i]!;
    sum += residuals[i]!;
    abs += Math.abs(residuals[i]!);
  }
  const n = Math.max(1, y.length);
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < y.length; i++) sq += (residuals[i]! - mean) ** 2;
  const sorted = Float64Array.from(residuals).sort();
  const q = (p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!);
  const stride = Math.max(1, Math.ceil(y.length / MAX_SAMPLE_POINTS));
  const actualSample: number[] = [];
  const predictedSample: number[] = [];
  for (let i = 0; i < y.length; i += stride) {
    actualSample.push(y[i]!);
    predictedSample.push(predicted[i]!);
  }
  const score = (matrix: FeatureMatrix, sample: Uint32Array, target: Float64Array): number =>
    computeRegressionMetrics(target, model.predict(matrix, sample)).r2;
  return {
    version: 1,
    task: 'regression',
    testRows: y.length,
    sample: { actual: actualSample, predicted: predictedSample },
    residuals: { mean, std: Math.sqrt(sq / n), mae: abs / n, min: q(0), p05: q(0.05), p50: q(0.5), p95: q(0.95), max: q(1) },
    importances: importances(pipeline, coef, X, all, y, 'r2', score),
  };
}

/** Linear models: their coefficients; others: permutation importance on a stride of the test rows. */
function importances<T extends Int32Array | Float64Array>(
  pipeline: Pipeline,
  coef: unknown,
  X: FeatureMatrix,
  rows: Uint32Array,
  target: T,
  scoring: string,
  score: (matrix: FeatureMatrix, sample: Uint32Array, target: T) => number,
): TrialDiagnostics['importances'] {
  const names = pipeline.featureNames;
  const p = names.length;
  if (p === 0) return null;
  if (Array.isArray(coef) && coef.length > 0 && coef.length % p === 0) {
    const outputs = coef.length / p;
    const values = new Array<number>(p).fill(0);
    for (let a = 0; a < p; a++) {
      if (outputs === 1) values[a] = Number(coef[a]);
      else {
        let s = 0;
        for (let r = 0; r < outputs; r++) s += Number(coef[r * p + a]) ** 2;
        values[a] = Math.sqrt(s);
      }
    }
    return { kind: 'coefficients', ...top(names, values), totalFeatures: p };
  }
  if (p > PERMUTATION_FEATURES || rows.length === 0) return null;
  // A stride over the test rows, gathered into a private copy of the columns we shuffle.
  const stride = Math.max(1, Math.ceil(rows.length / PERMUTATION_ROWS));
  const m = Math.ceil(rows.length / stride);
  const sample = new Uint32Array(m);
  const sampleTarget = new (target.constructor as { new (n: number): T })(m);
  const columns: Float64Array[] = [];
  for (let a = 0; a < p; a++) columns.push(new Float64Array(m));
  for (let i = 0, s = 0; i < rows.length; i += stride, s++) {
    sample[s] = s;
    sampleTarget[s] = target[i]!;
    for (let a = 0; a < p; a++) columns[a]![s] = X.columns[a]![rows[i]!]!;
  }
  const matrix: FeatureMatrix = { nRows: m, columns };
  const baseline = score(matrix, sample, sampleTarget);
  const values = new Array<number>(p).fill(0);
  let seed = 0x9e3779b9;
  const random = (): number => {
    // xorshift32: a fixed seed, so the same trial gives the same importances.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  for (let a = 0; a < p; a++) {
    const original = columns[a]!;
    const shuffled = Float64Array.from(original);
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    columns[a] = shuffled;
    values[a] = baseline - score(matrix, sample, sampleTarget);
    columns[a] = original;
  }
  return { kind: 'permutation', ...top(names, values), totalFeatures: p, scoring, rows: m };
}

function top(names: readonly string[], values: number[]): { features: string[]; values: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b);
  const kept = order.slice(0, MAX_LISTED_FEATURES);
  return { features: kept.map((i) => names[i]!), values: kept.map((i) => values[i]!) };
}
