/**
 * L2-regularised logistic regression with scikit-learn's `lbfgs` objective, solved by Newton's method.
 *
 * Objective (scikit-learn 1.2, `LogisticRegression(solver='lbfgs')`):
 *   0.5·‖W‖² + C·Σᵢ sᵢ·logloss(yᵢ, xᵢ·W + b)
 * with the intercept b unpenalised, no L2 term for `penalty: 'none'`, and per-row weights
 * sᵢ = n / (k·count(yᵢ)) for `class_weight: 'balanced'` (else 1). Binary problems use one coefficient
 * vector for the second class (sklearn's `coef_` shape (1, p)); k > 2 classes use the multinomial
 * (softmax) loss with k vectors, sklearn's default for lbfgs.
 *
 * Why Newton and not L-BFGS: the problems sweepq sees have tens of features, so the (p+1)·k' Hessian is
 * small, and Newton converges quadratically to the exact optimum. That makes the coefficients match
 * sklearn's (which converge to this unique optimum) to better than its own `tol`. The Hessian is the
 * expensive part (≈ width/2 passes over the data), so the solver (1) reuses a Cholesky factor while
 * the steps it still needs at its convergence rate cost less than a fresh Hessian, and (2) on large
 * fits warm-starts from a row subsample, leaving about one full Hessian per fit. `max_iter` caps the full-data iterations (and, separately, the warm start's).
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import { LogisticRegressionParamsSchema, type LogisticRegressionParams } from '../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../dataset/dataset.js';
import { choleskyDecompose, choleskySolveInPlace } from '../linalg/cholesky-solve.js';
import { classCountOf } from './class-count-of.js';
import type { FitCache } from './fit-cache.js';
import { argmaxRows, type Classifier, type SerializedModel } from './classifier.js';
import { constructFromArtifact, parseModelArtifact } from './model-artifact.js';
import { parseModelParams } from './parse-model-params.js';

const MODEL_NAME = 'logistic_regression';
const FORMAT_VERSION = 1;
/** Armijo sufficient-decrease constant of the backtracking line search. */
const ARMIJO = 1e-4;
const MAX_HALVINGS = 40;
/** Relative size of the loss's rounding error (a sum of n terms). */
const LOSS_ROUNDING = 1e-13;
/** Never keep a Hessian factor whose last full step shrank max |gradient| by less than this. */
const MAX_REUSE_RATIO = 0.5;
/**
 * Stop when max |gradient| ≤ GRADIENT_TOL · max(1, C·Σ sᵢ): the gradient is a sum over rows, so its
 * rounding floor grows with the (weighted) row count; coefficient error is ≤ |gradient| since H ⪰ I.
 * Per row of weight that is 10⁴ times tighter than scikit-learn's own stopping rule (lbfgs's `tol`
 * 1e-4 on the gradient of the loss averaged over the rows); a tighter 1e-10 cost CV folds an extra
 * step or two each and moved no test metric.
 */
const GRADIENT_TOL = 1e-8;
/**
 * {@link GRADIENT_TOL} of a CV fold warm-started from the previous fold (see fit): a fold's model only
 * scores its held-out rows and is thrown away, and 1e-6 per unit of row weight is still 100 times
 * tighter than scikit-learn's folds; the last steps to 1e-8 were a fifth of the folds' solver time.
 */
const CV_FOLD_GRADIENT_TOL = 1e-6;
/**
 * …or when it has shrunk by this factor from the start: with unscaled features the rounding floor of
 * the gradient sum sits near 1e-10 of its initial size, and chasing it only burns Hessians.
 */
const RELATIVE_GRADIENT_TOL = 1e-10;
/** Fits on at least this many rows first solve a 1-in-WARM_START_STRIDE row subsample (see fit). */
const WARM_START_MIN_ROWS = 4096;
const WARM_START_STRIDE = 8;
/** The warm start only needs to land in Newton's fast region; its statistical error is far larger. */
const WARM_START_RELATIVE_TOL = 1e-4;

const SerializedLogisticRegressionSchema = z.object({
  name: z.literal(MODEL_NAME),
  version: z.number().int(),
  params: z.unknown(),
  nClasses: z.number().int().min(2),
  nFeatures: z.number().int().min(0),
  coef: z.array(z.number()),
  intercept: z.array(z.number()),
  nIter: z.number().int().min(0),
});

/** Logistic regression classifier (registry name `logistic_regression`). */
export class LogisticRegression implements Classifier {
  readonly name = MODEL_NAME;
  readonly params: LogisticRegressionParams;
  /** Number of classes, fixed at fit time from the whole label array (a fold may lack a class). */
  nClasses = 0;
  /** Number of features seen in fit. */
  nFeatures = 0;
  /** Coefficients, k'×p row-major: k' = 1 for binary problems (class 1 vs 0), else one row per class. */
  coef: Float64Array = new Float64Array(0);
  /** Intercepts, one per coefficient row (zeros when `fit_intercept` is false). */
  intercept: Float64Array = new Float64Array(0);
  /** Newton iterations used by the last fit. */
  nIter = 0;

  /**
   * @param params hyperparameters, parsed with {@link LogisticRegressionParamsSchema} (sklearn defaults).
   * @param _seed unused: the solver is deterministic. Accepted so every model shares one constructor shape.
   */
  constructor(params: unknown = {}, _seed?: number) {
    this.params = parseModelParams(LogisticRegressionParamsSchema, params, MODEL_NAME);
  }

  /**
   * Fits on `rows` (default: all rows). `y` holds class indices; the class count is taken from the
   * whole `y` (max + 1, at least 2) so every fold of one dataset yields the same output shape.
   */
  fit(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): void {
    const p = X.columns.length;
    const nClasses = classCountOf(y);
    const n = rows ? rows.length : X.nRows;
    const design = designColumns(X, rows, n, this.params.fit_intercept, cache);
    const labels = new Int32Array(n);
    if (rows) for (let i = 0; i < n; i++) labels[i] = y[rows[i]!]!;
    else labels.set(y.subarray(0, n));

    const { C, penalty, fit_intercept: fitIntercept, class_weight: classWeight, max_iter: maxIter } = this.params;
    const rowWeights = new Float64Array(n);
    const lossScale = penalty === 'none' ? 1 : C;
    if (classWeight === 'balanced') {
      const counts = new Float64Array(nClasses);
      for (let i = 0; i < n; i++) counts[labels[i]!]! += 1;
      let present = 0;
      for (let k = 0; k < nClasses; k++) if (counts[k]! > 0) present++;
      for (let i = 0; i < n; i++) rowWeights[i] = (lossScale * n) / (present * counts[labels[i]!]!);
    } else {
      rowWeights.fill(lossScale);
    }

    const problem: NewtonProblem = {
      design,
      labels,
      rowWeights,
      n,
      p,
      nOut: nClasses === 2 ? 1 : nClasses,
      width: p + (fitIntercept ? 1 : 0),
      fitIntercept,
      l2: penalty === 'none' ? 0 : 1,
      scratch: new Float64Array(n),
      uniformWeight: uniformValue(rowWeights),
    };
    const theta = new Float64Array(problem.nOut * problem.width);
    const m = problem.nOut * problem.width;
    const factor: HessianFactor = { hess: new Float64Array(m * m), valid: false };
    // A CV fold starts from the previous fold's solution and Hessian factor when the trial's fits share
    // a cache: the folds overlap in most rows, so that start is closer than the subsample's. Only folds
    // (`rows` given): the refit on every row is the saved model, and it must come out bit for bit as a
    // standalone fit of the same data, whatever ran before it.
    const key = `${JSON.stringify(this.params)}|${nClasses}|${p}`;
    const previous = rows !== undefined ? cache?.logisticStart : undefined;
    const warm = previous !== undefined && previous !== null && previous.key === key && previous.theta.length === m;
    if (warm) {
      theta.set(previous.theta);
      factor.hess.set(previous.factor);
      factor.valid = true;
    } else if (n >= WARM_START_MIN_ROWS) {
      // Newton from zero spends several damped steps (each a full Hessian) far from the optimum. On
      // large fits those steps are taken on a strided subsample first; the full-data solve then starts
      // near the optimum, with the subsample's Hessian factor (weights scaled to match) as its first
      // approximation, and usually converges after one fresh Hessian or none.
      solveNewton(subsampleProblem(problem, WARM_START_STRIDE), theta, maxIter, WARM_START_RELATIVE_TOL, GRADIENT_TOL, factor);
    }
    this.nIter = solveNewton(problem, theta, maxIter, RELATIVE_GRADIENT_TOL, warm ? CV_FOLD_GRADIENT_TOL : GRADIENT_TOL, factor);
    if (cache !== undefined && factor.valid) cache.logisticStart = { key, theta: theta.slice(), factor: factor.hess.slice() };

    this.nClasses = nClasses;
    this.nFeatures = p;
    this.coef = new Float64Array(problem.nOut * p);
    this.intercept = new Float64Array(problem.nOut);
    for (let k = 0; k < problem.nOut; k++) {
      for (let a = 0; a < p; a++) this.coef[k * p + a] = theta[k * problem.width + a]!;
      if (fitIntercept) this.intercept[k] = theta[k * problem.width + p]!;
    }
  }

  /** Class probabilities, row-major n×k (binary: [1 − σ(z), σ(z)] as sklearn's `predict_proba`). */
  predictProba(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    if (this.nClasses === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'logistic_regression: predict called before fit');
    if (X.columns.length !== this.nFeatures) {
      throw new InvalidInputError('INVALID_ARGUMENT', `logistic_regression: expected ${this.nFeatures} features, got ${X.columns.length}`);
    }
    const n = rows ? rows.length : X.nRows;
    const k = this.nClasses;
    const result = out ?? new Float64Array(n * k);
    const p = this.nFeatures;
    if (k === 2) {
      // Decision values go into the class-0 slots first, then become probabilities in place.
      for (let i = 0; i < n; i++) result[2 * i] = this.intercept[0]!;
      for (let a = 0; a < p; a++) {
        const c = this.coef[a]!;
        if (c === 0) continue;
        const col = X.columns[a]!;
        if (rows) for (let i = 0; i < n; i++) result[2 * i]! += c * col[rows[i]!]!;
        else for (let i = 0; i < n; i++) result[2 * i]! += c * col[i]!;
      }
      for (let i = 0; i < n; i++) {
        const s = sigmoid(result[2 * i]!);
        result[2 * i] = 1 - s;
        result[2 * i + 1] = s;
      }
      return result;
    }
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) result[i * k + c] = this.intercept[c]!;
    for (let c = 0; c < k; c++) {
      for (let a = 0; a < p; a++) {
        const w = this.coef[c * p + a]!;
        if (w === 0) continue;
        const col = X.columns[a]!;
        if (rows) for (let i = 0; i < n; i++) result[i * k + c]! += w * col[rows[i]!]!;
        else for (let i = 0; i < n; i++) result[i * k + c]! += w * col[i]!;
      }
    }
    for (let i = 0; i < n; i++) softmaxInPlace(result, i * k, k);
    return result;
  }

  predict(X: FeatureMatrix, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.nClasses);
  }

  toJSON(): SerializedModel {
    return {
      name: MODEL_NAME,
      version: FORMAT_VERSION,
      params: { ...this.params },
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      coef: Array.from(this.coef),
      intercept: Array.from(this.intercept),
      nIter: this.nIter,
    };
  }

  /** Loads a model saved by {@link toJSON}; throws INVALID_ARTIFACT on anything malformed. */
  static fromJSON(json: unknown): LogisticRegression {
    const data = parseModelArtifact(SerializedLogisticRegressionSchema, json, MODEL_NAME);
    if (data.version !== FORMAT_VERSION) {
      throw new InvalidInputError('INVALID_ARTIFACT', `logistic_regression artefact version ${data.version} is not supported (expected ${FORMAT_VERSION})`);
    }
    const nOut = data.nClasses === 2 ? 1 : data.nClasses;
    if (data.coef.length !== nOut * data.nFeatures || data.intercept.length !== nOut) {
      throw new InvalidInputError('INVALID_ARTIFACT', 'logistic_regression artefact: coef/intercept sizes do not match nClasses and nFeatures');
    }
    const model = constructFromArtifact(MODEL_NAME, () => new LogisticRegression(data.params));
    model.nClasses = data.nClasses;
    model.nFeatures = data.nFeatures;
    model.coef = Float64Array.from(data.coef);
    model.intercept = Float64Array.from(data.intercept);
    model.nIter = data.nIter;
    return model;
  }
}

/** Everything the Newton solver needs; `theta` is laid out class-major: [w₀ (p), b₀, w₁, b₁, …]. */
interface NewtonProblem {
  /** The p feature columns restricted to the fit rows, then a column of ones when fitting an intercept. */
  design: readonly Float64Array[];
  labels: Int32Array;
  /** C·sᵢ per row (the loss weight). */
  rowWeights: Float64Array;
  n: number;
  p: number;
  /** Coefficient vectors: 1 (binary) or k (multinomial). */
  nOut: number;
  /** Parameters per vector: p, plus 1 for the intercept. */
  width: number;
  fitIntercept: boolean;
  /** L2 strength on the coefficients: 1, or 0 for `penalty: 'none'`. */
  l2: number;
  /** A row-length scratch buffer for the Hessian kernel. */
  scratch: Float64Array;
  /** The weight every row has, when they all have the same one (else null). */
  uniformWeight: number | null;
}

/**
 * Damped Newton on the objective, starting from `theta` (zeros, or a warm start) and from `factor` when
 * it holds a Cholesky factor. Returns the iteration count; leaves the last factor in `factor`.
 *
 * Multinomial + intercept: the loss is invariant to adding one constant to every intercept, so the
 * Hessian is singular along that direction. Adding 0.5·(Σₖ bₖ)² removes the null space without moving
 * the optimum of the other parameters, and pins Σₖ bₖ = 0 — the same intercepts sklearn's lbfgs reaches
 * from its zero start (every gradient it follows has Σₖ ∂/∂bₖ = 0).
 */
function solveNewton(problem: NewtonProblem, theta: Float64Array, maxIter: number, relativeTol: number, absoluteTol: number, factor: HessianFactor): number {
  const { n, nOut, width } = problem;
  const m = nOut * width;
  const z = new Float64Array(n * nOut);
  const dz = new Float64Array(n * nOut);
  const prob = new Float64Array(n * nOut);
  const grad = new Float64Array(m);
  const hess = factor.hess;
  const step = new Float64Array(m);
  const weighted = new Float64Array(n);
  const curvature = new Float64Array(n);

  let sumWeights = 0;
  for (let i = 0; i < n; i++) sumWeights += problem.rowWeights[i]!;
  // A Hessian is ≈ m²/2 multiply-adds per row, a step (gradient + direction) ≈ 2m, and the Hessian
  // kernel runs about twice as fast per multiply-add: one Hessian costs about m/8 steps.
  const hessianCostInSteps = Math.max(2, m / 8);
  let gradientTol = absoluteTol * Math.max(1, sumWeights);

  linearPredictor(problem, theta, z);
  // Binary case: e⁻|ᶻ| per row from the last accepted loss evaluation, so the gradient's sigmoid
  // needs no second exp (transcendentals are a large share of a Hessian-free iteration).
  const expCache = nOut === 1 ? new Float64Array(n) : null;
  let loss = lossAt(problem, theta, z, null, 0, null, 0, expCache);
  let expCacheValid = expCache !== null;
  let iter = 0;
  // Whether `hess` holds a usable Cholesky factor (possibly from an earlier point), and how the last step went.
  let haveFactor = factor.valid;
  let previousGMax = Infinity;
  let previousFullStep = factor.valid;
  let roundingStep = false;
  while (iter < maxIter) {
    gradientAt(problem, theta, z, prob, grad, weighted, expCacheValid ? expCache : null);
    let gMax = 0;
    for (let j = 0; j < m; j++) gMax = Math.max(gMax, Math.abs(grad[j]!));
    if (iter === 0) gradientTol = Math.max(gradientTol, relativeTol * gMax);
    if (!(gMax > gradientTol)) break;
    // A step accepted only because the loss could no longer resolve it must still shrink the gradient;
    // if it did not, this is the rounding floor of the gradient itself.
    if (roundingStep && gMax >= 0.5 * previousGMax) break;
    iter++;

    // The Hessian costs ~width/2 passes over the data, a step without it ~2, so the last factor is
    // reused while it keeps shrinking the gradient ≥ 10× per full step (chord / lagged Newton); once
    // it stops doing so, or a step was damped, it is recomputed at the current point.
    const reuse = haveFactor && previousFullStep && worthReusing(gMax, previousGMax, gradientTol, hessianCostInSteps);
    previousGMax = gMax;
    if (!reuse) haveFactor = factorHessian(problem, prob, hess, weighted, curvature);
    for (let j = 0; j < m; j++) step[j] = -grad[j]!;
    if (haveFactor) choleskySolveInPlace(hess, m, step);

    let slope = 0;
    for (let j = 0; j < m; j++) slope += grad[j]! * step[j]!;
    let accepted = false;
    let t = 1;
    if (slope < 0) {
      directionPredictor(problem, step, dz);
      for (let h = 0; h < MAX_HALVINGS; h++) {
        const trial = lossAt(problem, theta, z, step, t, dz, t, expCache);
        // Near the optimum the decrease falls below the rounding of the loss itself; a full step whose
        // loss is unchanged to rounding is then accepted (the gradient test decides convergence).
        const armijo = trial <= loss + ARMIJO * t * slope;
        if (armijo || (t === 1 && Math.abs(trial - loss) <= LOSS_ROUNDING * Math.abs(loss))) {
          roundingStep = !armijo;
          loss = trial;
          accepted = true;
          break;
        }
        t *= 0.5;
      }
    }
    // The cache holds the last trial's values: right for an accepted step, stale otherwise.
    expCacheValid = accepted && expCache !== null;
    if (!accepted) {
      if (reuse) {
        haveFactor = false; // a stale factor failed: retry this point with a fresh Hessian
        previousFullStep = false;
        continue;
      }
      break; // no decrease possible along a fresh Newton direction: numerical floor reached
    }
    previousFullStep = t === 1;
    let stepMax = 0;
    let thetaMax = 0;
    for (let j = 0; j < m; j++) {
      theta[j]! += t * step[j]!;
      stepMax = Math.max(stepMax, Math.abs(t * step[j]!));
      thetaMax = Math.max(thetaMax, Math.abs(theta[j]!));
    }
    for (let i = 0; i < n * nOut; i++) z[i]! += t * dz[i]!;
    if (stepMax <= 1e-15 * (1 + thetaMax)) break;
  }
  factor.valid = haveFactor;
  return iter;
}

/**
 * Whether to take another step with the current (stale) Hessian factor: its last full step shrank the
 * gradient by `gMax / previousGMax`; at that rate the steps still needed to reach `tol` must cost less
 * than a fresh Hessian (after which Newton converges in a step or two).
 */
function worthReusing(gMax: number, previousGMax: number, tol: number, hessianCostInSteps: number): boolean {
  const ratio = gMax / previousGMax;
  if (!(ratio <= MAX_REUSE_RATIO)) return false;
  const stepsLeft = Math.log(gMax / tol) / -Math.log(ratio);
  return stepsLeft <= hessianCostInSteps;
}

/** A Cholesky factor of the Hessian carried from one solve to the next (warm start → full data). */
interface HessianFactor {
  /** m×m; the lower triangle holds the factor when `valid`. */
  hess: Float64Array;
  valid: boolean;
}

/**
 * Computes the Hessian at the current point and factorises it in place. On a non-positive-definite
 * Hessian (penalty 'none' on separable or collinear data) retries with a growing ridge.
 * @returns false when no factor could be made (the caller then takes a gradient step).
 */
function factorHessian(problem: NewtonProblem, prob: Float64Array, hess: Float64Array, weighted: Float64Array, curvature: Float64Array): boolean {
  const m = problem.nOut * problem.width;
  hessianAt(problem, prob, hess, weighted, curvature);
  if (choleskyDecompose(hess, m)) return true;
  let jitter = 1e-10;
  for (let attempt = 0; attempt < 20; attempt++, jitter *= 10) {
    hessianAt(problem, prob, hess, weighted, curvature);
    for (let j = 0; j < m; j++) hess[j * m + j]! += jitter * (1 + hess[j * m + j]!);
    if (choleskyDecompose(hess, m)) return true;
  }
  return false;
}

/** The value every entry of `values` has, or null when they differ (or there are none). */
function uniformValue(values: Float64Array): number | null {
  if (values.length === 0) return null;
  const first = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return null;
  return first;
}

/**
 * Every `stride`-th row of the problem, with weights scaled by `stride` so the data term keeps its
 * weight against the L2 penalty (the subsample optimum is then a noisy estimate of the full one).
 */
function subsampleProblem(problem: NewtonProblem, stride: number): NewtonProblem {
  const n = Math.ceil(problem.n / stride);
  const design: Float64Array[] = new Array<Float64Array>(problem.design.length);
  for (let a = 0; a < problem.design.length; a++) {
    const source = problem.design[a]!;
    const target = new Float64Array(n);
    for (let i = 0; i < n; i++) target[i] = source[i * stride]!;
    design[a] = target;
  }
  const labels = new Int32Array(n);
  const rowWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = problem.labels[i * stride]!;
    rowWeights[i] = problem.rowWeights[i * stride]! * stride;
  }
  return { ...problem, design, labels, rowWeights, n, scratch: new Float64Array(n), uniformWeight: uniformValue(rowWeights) };
}

/**
 * The design matrix as columns: features restricted to `rows`, packed contiguously (the solver makes
 * ~10 passes per fit, and contiguous dot products are several times faster than gathers), plus a
 * column of ones for the intercept so every Hessian entry comes from the same kernel.
 */
function designColumns(X: FeatureMatrix, rows: Uint32Array | undefined, n: number, fitIntercept: boolean, cache: FitCache | undefined): Float64Array[] {
  const p = X.columns.length;
  const out: Float64Array[] = new Array<Float64Array>(p + (fitIntercept ? 1 : 0));
  // The CV folds of a trial pack their rows into the same buffers (a fold's design is garbage once
  // its fit returns): ~4 MB less to allocate and collect per fold of a 16k × 40 trial.
  const pool = cache?.logisticDesign;
  const buffer = (j: number): Float64Array => {
    if (pool === undefined) return new Float64Array(n);
    if (pool[j] === undefined || pool[j].length < n) pool[j] = new Float64Array(n);
    return pool[j].length === n ? pool[j] : pool[j].subarray(0, n);
  };
  for (let a = 0; a < p; a++) {
    const source = X.columns[a]!;
    if (!rows) {
      out[a] = source.length === n ? source : source.subarray(0, n);
      continue;
    }
    const target = buffer(a);
    for (let i = 0; i < n; i++) target[i] = source[rows[i]!]!;
    out[a] = target;
  }
  if (fitIntercept) out[p] = buffer(p).fill(1);
  return out;
}

/** z[i·nOut + k] = xᵢ·wₖ + bₖ. */
function linearPredictor(problem: NewtonProblem, theta: Float64Array, z: Float64Array): void {
  directionPredictor(problem, theta, z);
}

/** Same as the linear predictor, for any parameter-shaped vector (used for the Newton direction). */
function directionPredictor(problem: NewtonProblem, v: Float64Array, out: Float64Array): void {
  const { n, p, nOut, width, design, fitIntercept } = problem;
  for (let k = 0; k < nOut; k++) {
    const base = k * width;
    const b = fitIntercept ? v[base + p]! : 0;
    for (let i = 0; i < n; i++) out[i * nOut + k] = b;
    // Four columns per pass: a quarter of the read-modify-write traffic on `out`.
    let a = 0;
    for (; a + 3 < p; a += 4) {
      const w0 = v[base + a]!;
      const w1 = v[base + a + 1]!;
      const w2 = v[base + a + 2]!;
      const w3 = v[base + a + 3]!;
      const c0 = design[a]!;
      const c1 = design[a + 1]!;
      const c2 = design[a + 2]!;
      const c3 = design[a + 3]!;
      if (nOut === 1) for (let i = 0; i < n; i++) out[i]! += w0 * c0[i]! + w1 * c1[i]! + w2 * c2[i]! + w3 * c3[i]!;
      else for (let i = 0; i < n; i++) out[i * nOut + k]! += w0 * c0[i]! + w1 * c1[i]! + w2 * c2[i]! + w3 * c3[i]!;
    }
    for (; a < p; a++) {
      const w = v[base + a]!;
      const col = design[a]!;
      for (let i = 0; i < n; i++) out[i * nOut + k]! += w * col[i]!;
    }
  }
}

/**
 * Objective at theta + tTheta·step, given z + tZ·dz (pass null step/dz for the current point).
 * O(n·k) per call, so the line search never touches the feature columns.
 */
function lossAt(
  problem: NewtonProblem,
  theta: Float64Array,
  z: Float64Array,
  step: Float64Array | null,
  tTheta: number,
  dz: Float64Array | null,
  tZ: number,
  expOut: Float64Array | null,
): number {
  const { n, p, nOut, width, labels, rowWeights, fitIntercept, l2 } = problem;
  let data = 0;
  if (nOut === 1 && problem.uniformWeight !== null) {
    data = problem.uniformWeight * binaryLossSum(n, z, dz, tZ, labels, expOut);
  } else if (nOut === 1) {
    for (let i = 0; i < n; i++) {
      const zi = dz ? z[i]! + tZ * dz[i]! : z[i]!;
      // log(1 + eᶻ) = max(z, 0) + log1p(e⁻|ᶻ|), without overflow.
      const e = Math.exp(-Math.abs(zi));
      if (expOut) expOut[i] = e;
      // +(…) and Math.max: no branch on the label or the sign of z (random, so mispredicted half the time).
      data += rowWeights[i]! * (Math.max(zi, 0) + Math.log1p(e) - +(labels[i] === 1) * zi);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const base = i * nOut;
      let zMax = -Infinity;
      for (let k = 0; k < nOut; k++) {
        const zk = dz ? z[base + k]! + tZ * dz[base + k]! : z[base + k]!;
        if (zk > zMax) zMax = zk;
      }
      let sum = 0;
      for (let k = 0; k < nOut; k++) {
        const zk = dz ? z[base + k]! + tZ * dz[base + k]! : z[base + k]!;
        sum += Math.exp(zk - zMax);
      }
      const yk = labels[i]!;
      const zy = dz ? z[base + yk]! + tZ * dz[base + yk]! : z[base + yk]!;
      data += rowWeights[i]! * (zMax + Math.log(sum) - zy);
    }
  }
  let penalty = 0;
  let interceptSum = 0;
  for (let k = 0; k < nOut; k++) {
    const base = k * width;
    for (let a = 0; a < p; a++) {
      const w = step ? theta[base + a]! + tTheta * step[base + a]! : theta[base + a]!;
      penalty += w * w;
    }
    if (fitIntercept) interceptSum += step ? theta[base + p]! + tTheta * step[base + p]! : theta[base + p]!;
  }
  const gauge = nOut > 1 && fitIntercept ? 0.5 * interceptSum * interceptSum : 0;
  return data + 0.5 * l2 * penalty + gauge;
}

/** Rows whose log1p terms {@link binaryLossSum} multiplies before one log: each factor is in (1, 2]. */
const LOG_BLOCK = 32;

/**
 * Σᵢ logloss(yᵢ, zᵢ + tZ·dzᵢ) with unit weights (the caller scales by the common weight). The log1p
 * terms are summed as the log of their product over blocks of {@link LOG_BLOCK} rows: one log per
 * block instead of a log1p per row, which was over half the cost of a loss evaluation (one per
 * Newton step). Each factor 1 + e⁻|ᶻ| rounds like the log1p it replaces up to ~1e-16 absolute,
 * far below the rounding of the sum over rows that the line search already allows for.
 */
function binaryLossSum(n: number, z: Float64Array, dz: Float64Array | null, tZ: number, labels: Int32Array, expOut: Float64Array | null): number {
  let linear = 0;
  let logs = 0;
  let product = 1;
  for (let i = 0; i < n; i++) {
    const zi = dz ? z[i]! + tZ * dz[i]! : z[i]!;
    const e = Math.exp(-Math.abs(zi));
    if (expOut) expOut[i] = e;
    // log(1 + eᶻ) − y·z = max(z, 0) + log1p(e⁻|ᶻ|) − y·z; +(…) and Math.max avoid branches on random data.
    linear += Math.max(zi, 0) - +(labels[i] === 1) * zi;
    product *= 1 + e;
    if ((i & (LOG_BLOCK - 1)) === LOG_BLOCK - 1) {
      logs += Math.log(product);
      product = 1;
    }
  }
  return linear + (logs + Math.log(product));
}

/** Fills prob (σ(z) or softmax rows) and the gradient. */
function gradientAt(
  problem: NewtonProblem,
  theta: Float64Array,
  z: Float64Array,
  prob: Float64Array,
  grad: Float64Array,
  weighted: Float64Array,
  expNegAbsZ: Float64Array | null,
): void {
  const { n, p, nOut, width, labels, rowWeights, design, fitIntercept, l2 } = problem;
  if (nOut === 1 && expNegAbsZ) {
    // Same arithmetic as sigmoid(): 1/(1+e⁻ᶻ) for z ≥ 0, eᶻ/(1+eᶻ) otherwise.
    for (let i = 0; i < n; i++) {
      const e = expNegAbsZ[i]!;
      prob[i] = z[i]! >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
  } else if (nOut === 1) {
    for (let i = 0; i < n; i++) prob[i] = sigmoid(z[i]!);
  } else {
    prob.set(z);
    for (let i = 0; i < n; i++) softmaxInPlace(prob, i * nOut, nOut);
  }
  // `weighted` is scratch shared with hessianAt, which runs after the gradient has been consumed.
  const residual = weighted;
  let interceptSum = 0;
  for (let k = 0; k < nOut; k++) if (fitIntercept) interceptSum += theta[k * width + p]!;
  for (let k = 0; k < nOut; k++) {
    const base = k * width;
    const target = nOut === 1 ? 1 : k;
    for (let i = 0; i < n; i++) {
      residual[i] = rowWeights[i]! * (prob[i * nOut + k]! - +(labels[i] === target));
    }
    for (let a = 0; a < width; a++) {
      const value = dot(residual, design[a]!, n);
      grad[base + a] = a < p ? value + l2 * theta[base + a]! : value + (nOut > 1 ? interceptSum : 0);
    }
  }
}

/** Σ x[i]·y[i] over i < n with four partial sums (breaks the add-latency chain of one running sum). */
function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i]! * y[i]!;
    s1 += x[i + 1]! * y[i + 1]!;
    s2 += x[i + 2]! * y[i + 2]!;
    s3 += x[i + 3]! * y[i + 3]!;
  }
  for (; i < n; i++) s0 += x[i]! * y[i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Rows per cache block of the Hessian accumulation: 2048 rows × 8 B = 16 KiB per column, so the block
 * of every design column (tens of them) stays in L2 while all column pairs are accumulated.
 */
const ROW_BLOCK = 2048;

/**
 * Full Hessian (both triangles), m×m row-major. Block (k, l) = Xᵀ·diag(C·sᵢ·pᵢₖ(δₖₗ − pᵢₗ))·X over the
 * design columns, + l2·I on coefficients, + the intercept gauge term (multinomial).
 *
 * This is the cost centre of a fit (≈ n·width²/2 multiply-adds per block pair), hence the row blocking
 * for cache reuse and the register-blocked kernel in {@link accumulateBlock}.
 */
function hessianAt(problem: NewtonProblem, prob: Float64Array, hess: Float64Array, weighted: Float64Array, curvature: Float64Array): void {
  const weighted2 = problem.scratch;
  const { n, p, nOut, width, rowWeights, design, fitIntercept, l2 } = problem;
  const m = nOut * width;
  hess.fill(0);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const end = Math.min(n, start + ROW_BLOCK);
    for (let k = 0; k < nOut; k++) {
      for (let l = k; l < nOut; l++) {
        if (nOut === 1) {
          for (let i = start; i < end; i++) {
            const q = prob[i]!;
            curvature[i] = rowWeights[i]! * q * (1 - q);
          }
        } else {
          const delta = k === l ? 1 : 0;
          for (let i = start; i < end; i++) {
            const pk = prob[i * nOut + k]!;
            curvature[i] = rowWeights[i]! * pk * (delta - prob[i * nOut + l]!);
          }
        }
        accumulateBlock(hess, m, k * width, l * width, k === l, design, width, curvature, weighted, weighted2, start, end);
      }
    }
  }
  // Mirror the accumulated upper part (row index < column index) into the lower triangle.
  for (let r = 0; r < m; r++) for (let c = r + 1; c < m; c++) hess[c * m + r] = hess[r * m + c]!;
  for (let k = 0; k < nOut; k++) for (let a = 0; a < p; a++) hess[(k * width + a) * (m + 1)]! += l2;
  if (nOut > 1 && fitIntercept) {
    for (let k = 0; k < nOut; k++) for (let l = 0; l < nOut; l++) hess[(k * width + p) * m + (l * width + p)]! += 1;
  }
}

/**
 * Adds Σᵢ cᵢ·x_a[i]·x_b[i] over rows [start, end) into hess[(rowBase + a)·m + colBase + b] for the
 * upper part of one block (b ≥ a on a diagonal block, every b otherwise). Register-blocked 2×4: two
 * weighted columns against four design columns per pass, eight independent sums — one running sum
 * would serialise on the latency of floating-point addition, and the extra row halves the loads.
 */
function accumulateBlock(
  hess: Float64Array,
  m: number,
  rowBase: number,
  colBase: number,
  diagonal: boolean,
  design: readonly Float64Array[],
  width: number,
  curvature: Float64Array,
  w0: Float64Array,
  w1: Float64Array,
  start: number,
  end: number,
): void {
  let a = 0;
  for (; a + 1 < width; a += 2) {
    const xa = design[a]!;
    const xa1 = design[a + 1]!;
    for (let i = start; i < end; i++) {
      const c = curvature[i]!;
      w0[i] = c * xa[i]!;
      w1[i] = c * xa1[i]!;
    }
    const row0 = (rowBase + a) * m + colBase;
    const row1 = row0 + m;
    let b = 0;
    if (diagonal) {
      let s00 = 0;
      let s01 = 0;
      let s11 = 0;
      for (let i = start; i < end; i++) {
        const u = w0[i]!;
        s00 += u * xa[i]!;
        s01 += u * xa1[i]!;
        s11 += w1[i]! * xa1[i]!;
      }
      hess[row0 + a]! += s00;
      hess[row0 + a + 1]! += s01;
      hess[row1 + a + 1]! += s11;
      b = a + 2;
    }
    for (; b + 3 < width; b += 4) {
      const c0 = design[b]!;
      const c1 = design[b + 1]!;
      const c2 = design[b + 2]!;
      const c3 = design[b + 3]!;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let i = start; i < end; i++) {
        const u = w0[i]!;
        const v = w1[i]!;
        const x0 = c0[i]!;
        const x1 = c1[i]!;
        const x2 = c2[i]!;
        const x3 = c3[i]!;
        s0 += u * x0;
        s1 += u * x1;
        s2 += u * x2;
        s3 += u * x3;
        t0 += v * x0;
        t1 += v * x1;
        t2 += v * x2;
        t3 += v * x3;
      }
      hess[row0 + b]! += s0;
      hess[row0 + b + 1]! += s1;
      hess[row0 + b + 2]! += s2;
      hess[row0 + b + 3]! += s3;
      hess[row1 + b]! += t0;
      hess[row1 + b + 1]! += t1;
      hess[row1 + b + 2]! += t2;
      hess[row1 + b + 3]! += t3;
    }
    for (; b < width; b++) {
      const c0 = design[b]!;
      let s0 = 0;
      let t0 = 0;
      for (let i = start; i < end; i++) {
        const x = c0[i]!;
        s0 += w0[i]! * x;
        t0 += w1[i]! * x;
      }
      hess[row0 + b]! += s0;
      hess[row1 + b]! += t0;
    }
  }
  if (a < width) {
    // Odd width: the last column alone.
    const xa = design[a]!;
    for (let i = start; i < end; i++) w0[i] = curvature[i]! * xa[i]!;
    const row0 = (rowBase + a) * m + colBase;
    for (let b = diagonal ? a : 0; b < width; b++) {
      const c0 = design[b]!;
      let s0 = 0;
      for (let i = start; i < end; i++) s0 += w0[i]! * c0[i]!;
      hess[row0 + b]! += s0;
    }
  }
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softmaxInPlace(values: Float64Array, offset: number, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (values[offset + c]! > max) max = values[offset + c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(values[offset + c]! - max);
    values[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) values[offset + c]! /= sum;
}
