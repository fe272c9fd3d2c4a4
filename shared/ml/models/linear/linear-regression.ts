/**
 * scikit-learn's LinearRegression: ordinary least squares on the fit rows (centred when fit_intercept),
 * solved exactly as `scipy.linalg.lstsq(X, y, cond=tol)` does — the minimum-norm solution when the
 * design is rank-deficient (e.g. one-hot columns without drop).
 */
import { z } from 'zod';
import { LinearRegressionParamsSchema, type LinearRegressionParams } from '../../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { minNormLeastSquares } from '../../linalg/min-norm-least-squares.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import type { Regressor, SerializedRegressor } from '../regressor.js';
import { centreRows, interceptOf, predictLinear } from './linear-model.js';

const SERIAL_VERSION = 1;

const ArtifactSchema = z.strictObject({
  name: z.literal('linear_regression'),
  version: z.literal(SERIAL_VERSION),
  task: z.literal('regression'),
  params: z.unknown(),
  coef: z.array(z.number().finite()).nullable(),
  intercept: z.number().finite(),
  rank: z.number().int().min(0),
});

export class LinearRegression implements Regressor {
  readonly name = 'linear_regression';
  readonly params: LinearRegressionParams;
  coef: Float64Array | null = null;
  intercept = 0;
  /** Effective rank of the (centred) design, as `rank_`. */
  rank = 0;

  constructor(params: unknown = {}) {
    this.params = parseModelParams(LinearRegressionParamsSchema, params, 'linear_regression');
  }

  fit(X: FeatureMatrix, y: Float64Array, rows?: Uint32Array): void {
    const centred = centreRows(X, y, rows, this.params.fit_intercept);
    const { x, rank } = minNormLeastSquares(centred.columns, centred.y, this.params.tol);
    this.coef = x;
    this.rank = rank;
    this.intercept = this.params.fit_intercept ? interceptOf(x, centred.xMean, centred.yMean) : 0;
  }

  predict(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    if (this.coef === null) throw new Error('linear_regression must be fitted before predict');
    return predictLinear(X, this.coef, this.intercept, rows, out);
  }

  toJSON(): SerializedRegressor {
    return {
      name: this.name,
      version: SERIAL_VERSION,
      task: 'regression',
      params: { ...this.params },
      coef: this.coef === null ? null : Array.from(this.coef),
      intercept: this.intercept,
      rank: this.rank,
    };
  }

  static fromJSON(json: unknown): LinearRegression {
    const data = parseModelArtifact(ArtifactSchema, json, 'linear_regression');
    const model = constructFromArtifact('linear_regression', () => new LinearRegression(data.params));
    model.coef = data.coef === null ? null : Float64Array.from(data.coef);
    model.intercept = data.intercept;
    model.rank = data.rank;
    return model;
  }
}
