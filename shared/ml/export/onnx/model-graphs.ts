/**
 * One graph builder per registry model name: [N, F] double features → class probabilities [N, K]
 * (classifiers) or predictions [N] / [N, 1] (regressors), in double, with sweepq's formulas. Both
 * tables are exhaustive over the registry's names, so a new model fails to compile until it has a graph.
 *
 * Linear models are a chain of Mul and Add in double, feature by feature in sweepq's order — not
 * ai.onnx.ml's LinearClassifier/LinearRegressor (float32 output) and not MatMul, whose blocked FMA
 * summation differs from sweepq's in the last bits (measured: 2e-16 relative, i.e. ~1e-12 absolute on
 * body masses of 4000 g, which grows past any absolute tolerance with the target's magnitude). The
 * link functions are written out with sweepq's arithmetic (the stable sigmoid of logistic regression,
 * the max-shifted softmax, boosting's plain 1 / (1 + e^−z)).
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import type { ModelName, RegressorName } from '../../../schemas/model-params.schema.js';
import { SerializedNodesSchema } from '../../models/tree/node-store.js';
import type { GraphBuilder } from './graph-builder.js';
import { treeEnsembleGraph } from './tree-ensemble-graph.js';

export interface ModelGraphInput {
  g: GraphBuilder;
  /** [N, F] double. */
  features: string;
  nFeatures: number;
}

/** Adds a classifier; returns its [N, K] double probabilities. */
type ClassifierGraph = (input: ModelGraphInput, model: unknown) => string;
/** Adds a regressor; returns its [N] (or [N, 1]) double predictions. */
type RegressorGraph = (input: ModelGraphInput, model: unknown) => string;

const LogisticRegressionState = z.object({
  nClasses: z.number().int().min(2),
  nFeatures: z.number().int().min(0),
  coef: z.array(z.number()),
  intercept: z.array(z.number()),
});
const ForestState = SerializedNodesSchema.extend({ nClasses: z.number().int().min(1) });
const GradientBoostingState = SerializedNodesSchema.extend({ nClasses: z.number().int().min(2), init: z.array(z.number()) });
const LinearRegressorState = z.object({ coef: z.array(z.number()).nullable(), intercept: z.number() });
const GradientBoostingRegressorState = SerializedNodesSchema.extend({ init: z.number() });

export const CLASSIFIER_GRAPHS: Record<ModelName, ClassifierGraph> = {
  logistic_regression: ({ g, features, nFeatures }, json) => {
    const m = parse(LogisticRegressionState, json, 'logistic_regression');
    const k = m.nClasses;
    const rows = k === 2 ? 1 : k;
    if (m.nFeatures !== nFeatures || m.coef.length !== rows * nFeatures || m.intercept.length !== rows) {
      throw new InvalidInputError('INVALID_ARTIFACT', `logistic_regression has ${m.coef.length} coefficients for ${nFeatures} features and ${k} classes`);
    }
    if (k === 2) {
      const z = linearCombination(g, features, nFeatures, m.coef, m.intercept, true);
      return binaryProbabilities(g, stableSigmoid(g, z));
    }
    // coef is k × p row-major; the chain wants one k-vector per feature.
    const byFeature = new Float64Array(nFeatures * k);
    for (let c = 0; c < k; c++) for (let a = 0; a < nFeatures; a++) byFeature[a * k + c] = m.coef[c * nFeatures + a]!;
    return softmax(g, linearCombination(g, features, nFeatures, byFeature, m.intercept, true));
  },
  decision_tree: (input, json) => forestProbabilities(input, json, 'decision_tree'),
  random_forest: (input, json) => forestProbabilities(input, json, 'random_forest'),
  gradient_boosting: ({ g, features, nFeatures }, json) => {
    const m = parse(GradientBoostingState, json, 'gradient_boosting');
    const perStage = m.nClasses === 2 ? 1 : m.nClasses;
    const raw = treeEnsembleGraph(g, features, nFeatures, m, { valuesPerNode: 1, treesPerStage: perStage, init: m.init });
    if (perStage > 1) return softmax(g, raw);
    // sweepq's boosting link is the plain 1 / (1 + e^−z) (not logistic regression's stable form).
    const one = g.scalar(1);
    const p1 = g.div(one, g.add(one, g.node('Exp', [g.node('Neg', [raw], 'neg_raw')], 'exp'), 'denominator'), 'p1');
    return binaryProbabilities(g, p1);
  },
};

export const REGRESSOR_GRAPHS: Record<RegressorName, RegressorGraph> = {
  linear_regression: (input, json) => linearPrediction(input, json, 'linear_regression'),
  ridge: (input, json) => linearPrediction(input, json, 'ridge'),
  // One leaf mean per node; the forest's prediction is the mean over its trees (sklearn's too).
  decision_tree: (input, json) => forestPrediction(input, json, 'decision_tree'),
  random_forest: (input, json) => forestPrediction(input, json, 'random_forest'),
  gradient_boosting: ({ g, features, nFeatures }, json) => {
    const m = parse(GradientBoostingRegressorState, json, 'gradient_boosting');
    // Stored leaf values already carry the learning rate: init + Σ leaf values, summed in stage order
    // from init as sweepq's predict does, is bit-identical to it (init + rate · Σ steps would not be).
    return treeEnsembleGraph(g, features, nFeatures, m, { valuesPerNode: 1, init: [m.init] });
  },
};

function forestProbabilities({ g, features, nFeatures }: ModelGraphInput, json: unknown, name: string): string {
  const m = parse(ForestState, json, name);
  return treeEnsembleGraph(g, features, nFeatures, m, { valuesPerNode: m.nClasses, mean: true });
}

function forestPrediction({ g, features, nFeatures }: ModelGraphInput, json: unknown, name: string): string {
  const m = parse(SerializedNodesSchema, json, name);
  return treeEnsembleGraph(g, features, nFeatures, m, { valuesPerNode: 1, mean: true });
}

function linearPrediction({ g, features, nFeatures }: ModelGraphInput, json: unknown, name: string): string {
  const m = parse(LinearRegressorState, json, name);
  if (m.coef === null) throw new InvalidInputError('INVALID_ARTIFACT', `${name} is not fitted`);
  if (m.coef.length !== nFeatures) throw new InvalidInputError('INVALID_ARTIFACT', `${name} has ${m.coef.length} coefficients for ${nFeatures} features`);
  return linearCombination(g, features, nFeatures, m.coef, [m.intercept], false);
}

/**
 * intercept + Σ_a x_a · w_a, added feature by feature from the intercept as sweepq does ([N, W] for W
 * intercepts; weights p × W row-major). `skipZero` leaves out features whose weights are all 0, as
 * logistic regression's predict skips them (same result on finite inputs, and NaN stays out).
 */
function linearCombination(
  g: GraphBuilder,
  features: string,
  nFeatures: number,
  weights: ArrayLike<number>,
  intercept: ArrayLike<number>,
  skipZero: boolean,
): string {
  const width = intercept.length;
  const columns =
    nFeatures === 1 ? [features] : g.nodeN('Split', [features, g.int64s('split', new Array<number>(nFeatures).fill(1))], nFeatures, 'feature', { axis: 1 });
  let sum = width === 1 ? g.scalar(intercept[0]!) : g.doubles('intercept', intercept);
  let terms = 0;
  for (let a = 0; a < nFeatures; a++) {
    const w = Array.from({ length: width }, (_, c) => weights[a * width + c]!);
    if (skipZero && w.every((v) => v === 0)) continue;
    const weight = width === 1 ? g.scalar(w[0]!) : g.doubles('coef', w);
    sum = g.add(sum, g.mul(columns[a]!, weight, 'term'), 'linear');
    terms++;
  }
  // No term (every weight 0): the intercept on every row.
  if (terms === 0) sum = g.add(sum, zerosColumn(g, features), 'linear');
  return width === 1 ? g.reshape(sum, [-1], 'linear') : sum;
}

/** [N, 1] zeros shaped like the rows of `features`, whatever their values (NaN included). */
function zerosColumn(g: GraphBuilder, features: string): string {
  const rows = g.node('Shape', [features], 'rows', { end: 1 });
  const shape = g.concat([rows, g.int64s('one', [1])], 0, 'zeros_shape');
  return g.node('ConstantOfShape', [shape], 'zeros', {
    value: { type: 'tensor', value: { name: '', dims: [1], data: { type: 'double', values: Float64Array.of(0) } } },
  });
}

/**
 * sweepq's logistic sigmoid: 1 / (1 + e^−z) for z ≥ 0, e^z / (1 + e^z) below, both from e^−|z|.
 */
function stableSigmoid(g: GraphBuilder, z: string): string {
  const e = g.node('Exp', [g.node('Neg', [g.node('Abs', [z], 'abs')], 'neg_abs')], 'exp');
  const denominator = g.add(g.scalar(1), e, 'denominator');
  const positive = g.div(g.scalar(1), denominator, 'sigmoid_pos');
  const negative = g.div(e, denominator, 'sigmoid_neg');
  return g.node('Where', [g.node('GreaterOrEqual', [z, g.scalar(0)], 'z_nonneg'), positive, negative], 'p1');
}

/** [N] P(class 1) → [N, 2] as [1 − p, p]. */
function binaryProbabilities(g: GraphBuilder, p1: string): string {
  const column = g.reshape(p1, [-1, 1], 'p1_column');
  return g.concat([g.sub(g.scalar(1), column, 'p0_column'), column], 1, 'probabilities');
}

/** Row softmax of [N, K] scores: exp(z − max) / Σ. */
function softmax(g: GraphBuilder, z: string): string {
  const max = g.node('ReduceMax', [z], 'max_score', { axes: [1], keepdims: 1 });
  const e = g.node('Exp', [g.sub(z, max, 'shifted')], 'exp');
  const sum = g.node('ReduceSum', [e, g.int64s('axes', [1])], 'exp_sum', { keepdims: 1 });
  return g.div(e, sum, 'probabilities');
}

function parse<S extends z.ZodType>(schema: S, json: unknown, name: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError('INVALID_ARTIFACT', `${name} artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
