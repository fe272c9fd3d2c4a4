/**
 * scikit-learn's Ridge with its default solver on dense data ('auto' → 'cholesky'): on the fit rows
 * (centred when fit_intercept) it solves (XᵀX + alpha·I) w = Xᵀy exactly. The system is positive
 * definite for alpha > 0; a Cholesky failure (alpha tiny, data degenerate) falls back to the
 * minimum-norm least-squares solution, as scikit-learn falls back to lstsq.
 */
import { z } from 'zod';
import { RidgeParamsSchema, type RidgeParams } from '../../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { choleskySolve } from '../../linalg/cholesky-solve.js';
import { minNormLeastSquares } from '../../linalg/min-norm-least-squares.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import type { Regressor, SerializedRegressor } from '../regressor.js';
import { centreRows, interceptOf, predictLinear } from './linear-model.js';

const SERIAL_VERSION = 1;

const ArtifactSchema = z.strictObject({
  name: z.literal('ridge'),
  version: z.literal(SERIAL_VERSION),
  task: z.literal('regression'),
  params: z.unknown(),
  coef: z.array(z.number().finite()).nullable(),
  intercept: z.number().finite(),
});

export class Ridge implements Regressor {
  readonly name = 'ridge';
  readonly params: RidgeParams;
  coef: Float64Array | null = null;
  intercept = 0;

  constructor(params: unknown = {}) {
    this.params = parseModelParams(RidgeParamsSchema, params, 'ridge');
  }

  fit(X: FeatureMatrix, y: Float64Array, rows?: Uint32Array): void {
    const centred = centreRows(X, y, rows, this.params.fit_intercept);
    const p = centred.columns.length;
    const n = centred.y.length;
    const gram = new Float64Array(p * p);
    const xty = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      const ca = centred.columns[a]!;
      for (let b = 0; b <= a; b++) {
        const cb = centred.columns[b]!;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += ca[i]! * cb[i]!;
        gram[a * p + b] = dot;
        gram[b * p + a] = dot;
      }
      gram[a * p + a] = gram[a * p + a]! + this.params.alpha;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += ca[i]! * centred.y[i]!;
      xty[a] = dot;
    }
    let coef = choleskySolve(gram, p, xty);
    if (coef === null) {
      // Augmented least squares [X; sqrt(alpha) I] w = [y; 0] has the same solution.
      const root = Math.sqrt(this.params.alpha);
      const augmented = centred.columns.map((column, j) => {
        const out = new Float64Array(n + p);
        out.set(column);
        out[n + j] = root;
        return out;
      });
      const target = new Float64Array(n + p);
      target.set(centred.y);
      coef = minNormLeastSquares(augmented, target, 1e-15).x;
    }
    this.coef = coef;
    this.intercept = this.params.fit_intercept ? interceptOf(coef, centred.xMean, centred.yMean) : 0;
  }

  predict(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    if (this.coef === null) throw new Error('ridge must be fitted before predict');
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
    };
  }

  static fromJSON(json: unknown): Ridge {
    const data = parseModelArtifact(ArtifactSchema, json, 'ridge');
    const model = constructFromArtifact('ridge', () => new Ridge(data.params));
    model.coef = data.coef === null ? null : Float64Array.from(data.coef);
    model.intercept = data.intercept;
    return model;
  }
}
