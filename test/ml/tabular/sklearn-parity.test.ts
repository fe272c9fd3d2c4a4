/**
 * scikit-learn 1.9.1 parity on real tables with categorical columns and missing values
 * (test/fixtures/tabular, written by bench/sklearn/make_data_references.py): palmerpenguins species and
 * vega_datasets cars Origin (classification, logistic regression), palmerpenguins body mass
 * (regression, linear regression and ridge). Each reference is a ColumnTransformer(SimpleImputer(median)
 * → StandardScaler | SimpleImputer(most_frequent) → OneHotEncoder/OrdinalEncoder) → model pipeline,
 * scored on the same train/test CSVs with 5-fold CV (stratified for classifiers, KFold for regressors).
 *
 * Tree regressors (decision_tree, random_forest, gradient_boosting on body mass and on vega_datasets
 * cars → Miles_per_Gallon) are compared on scores only, in bands ({@link TREE_BANDS}) set by how far
 * scikit-learn moves by itself: the references record its metrics over seeds 0–9
 * (`sklearn_seed_spread`). On these sets its own seeds move a forest's or a subsampled boosting's test
 * rmse by up to 5.3% and mae by up to 6.1%, and a full-depth tree's R² by 0.04 (ties between equally
 * good splits are broken by a random feature order); sweepq draws from another RNG and breaks ties by
 * feature index. Hence: ensembles R² ± 0.015 (the band; at R² ≈ 0.85–0.9 that is rmse ± 4–7.5%),
 * rmse ± 5% and mae ± 6% relative, CV R² ± 0.03. Models that are deterministic up to ties (boosting on
 * every row and feature, depth-limited trees) must match four times tighter in R² and test error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readTable } from '../../../shared/ml/dataset/read-table.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import { runTrial, type TrialOutcome } from '../../../shared/ml/run-trial.js';
import type { ModelName, RegressorName } from '../../../shared/schemas/model-params.schema.js';
import type { ResolvedPipelineSpec } from '../../../shared/schemas/pipeline-spec.schema.js';

interface ReferenceRow {
  dataset: string;
  run_name: string;
  task: 'classification' | 'regression';
  target: string;
  columns: { drop: string[]; categorical: string[] };
  pipeline: ResolvedPipelineSpec;
  model: ModelName | RegressorName;
  params: Record<string, unknown>;
  feature_names: string[];
  /** Linear models only. */
  coef?: number[][];
  intercept?: number[];
  classes?: string[];
  accuracy?: number;
  f1_score?: number;
  auc_roc?: number;
  r2?: number;
  rmse?: number;
  mae?: number;
  mape?: number;
  cv_scores: number[];
  cv_mean: number;
  /** Tree models: [min, max] of each metric over scikit-learn's random_state 0–9. */
  sklearn_seed_spread?: Record<'r2' | 'rmse' | 'mae' | 'cv_mean', [number, number]>;
}

/** Parity bands of the tree regressors: absolute for R² and CV R², relative for rmse and mae. */
interface Band {
  r2: number;
  rmse: number;
  mae: number;
  cv: number;
}
const TREE_BANDS: Record<'ensemble' | 'deterministic' | 'fullDepthTree', Band> = {
  /** Random forests and boosting with row or feature sampling: different random draws. */
  ensemble: { r2: 0.015, rmse: 0.05, mae: 0.06, cv: 0.03 },
  /** Boosting on every row and feature, depth-limited trees: only tie-breaks and binning differ. */
  deterministic: { r2: 0.004, rmse: 0.02, mae: 0.025, cv: 0.015 },
  /** One unpruned tree: each tie-break reshapes a subtree (sklearn's own seeds span 0.04 in R²). */
  fullDepthTree: { r2: 0.03, rmse: 0.05, mae: 0.06, cv: 0.03 },
};

const TREE_MODELS = new Set(['decision_tree', 'random_forest', 'gradient_boosting']);

function treeBand(row: ReferenceRow): Band {
  const p = row.params;
  if (row.model === 'random_forest') return TREE_BANDS.ensemble;
  if (row.model === 'decision_tree') return p['max_depth'] === undefined || p['max_depth'] === null ? TREE_BANDS.fullDepthTree : TREE_BANDS.deterministic;
  const sampled = (p['subsample'] !== undefined && p['subsample'] !== 1) || (p['max_features'] !== undefined && p['max_features'] !== null);
  return sampled ? TREE_BANDS.ensemble : TREE_BANDS.deterministic;
}

const dir = path.resolve(process.cwd(), 'test/fixtures/tabular');
const reference = JSON.parse(readFileSync(path.join(dir, 'tabular.reference.json'), 'utf8')) as { rows: ReferenceRow[] };

function near(label: string, actual: number | null | undefined, expected: number, tolerance: number): void {
  assert.ok(typeof actual === 'number', `${label}: missing (${String(actual)})`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs sklearn ${expected} (tolerance ${tolerance})`);
}

async function run(row: ReferenceRow): Promise<TrialOutcome> {
  const options = { target: row.target, task: row.task, columns: { drop: row.columns.drop, categorical: row.columns.categorical } };
  const train = await readTable(path.join(dir, `${row.dataset}.train.csv`), options);
  const test = await readTable(path.join(dir, `${row.dataset}.test.csv`), options);
  return runTrial({
    train,
    test,
    pipeline: row.pipeline,
    model: row.model,
    params: { ...row.params, ...(row.model === 'logistic_regression' ? { max_iter: 1000 } : {}) },
    seed: 0,
    cv: { folds: 5, scoring: row.task === 'classification' ? 'accuracy' : 'r2' },
  });
}

describe('scikit-learn 1.9.1 parity on real tables with categorical columns', () => {
  for (const row of reference.rows) {
    describe(`${row.dataset} ${row.run_name}`, () => {
      let outcome: TrialOutcome;
      it('runs the trial', async () => {
        outcome = await run(row);
      });

      it('names the features as get_feature_names_out', () => {
        assert.deepEqual(outcome.pipeline.featureNames, row.feature_names);
      });

      if (row.coef !== undefined && row.intercept !== undefined) {
        const refCoef = row.coef;
        const refIntercept = row.intercept;
        it('matches coefficients and intercepts within 1e-3', () => {
          const model = outcome.pipeline.model as { coef: number[]; intercept: number[] | number };
          const flat = refCoef.flat();
          assert.equal(model.coef.length, flat.length);
          // Linear models' coefficients scale with the target (grams): compare relative to the largest.
          const scale = row.task === 'regression' ? Math.max(1, ...flat.map(Math.abs)) : 1;
          for (let j = 0; j < flat.length; j++)
            near(`coef[${j}] (${row.feature_names[j % row.feature_names.length]})`, model.coef[j]! / scale, flat[j]! / scale, 1e-3);
          const intercepts = Array.isArray(model.intercept) ? model.intercept : [model.intercept];
          if (refCoef.length > 1) {
            // Multinomial intercepts are defined up to a shared constant: compare them centred.
            const centre = (v: number[]) => v.map((x) => x - v.reduce((s, y) => s + y, 0) / v.length);
            const a = centre(intercepts);
            const b = centre(refIntercept);
            for (let k = 0; k < b.length; k++) near(`intercept[${k}]`, a[k], b[k]!, 1e-3);
          } else {
            near('intercept', intercepts[0]! / scale, refIntercept[0]! / scale, 1e-3);
          }
        });
      }

      if (row.task === 'classification') {
        it('matches accuracy, F1 and AUC within 0.002, CV mean within 0.002', () => {
          near('accuracy', outcome.metrics.accuracy, row.accuracy!, 0.002);
          near('f1_score', outcome.metrics.f1_score, row.f1_score!, 0.002);
          near('auc_roc', outcome.metrics.auc_roc, row.auc_roc!, 0.002);
          near('cv_mean', outcome.metrics.cv_mean, row.cv_mean, 0.002);
        });
        it('lists the classes as sklearn (sorted)', () => {
          assert.deepEqual(outcome.pipeline.classes, row.classes);
        });
      } else if (TREE_MODELS.has(row.model)) {
        const band = treeBand(row);
        it(`matches r2 within ${band.r2}, rmse within ${band.rmse * 100}% and mae within ${band.mae * 100}% relative, CV r2 within ${band.cv}`, () => {
          near('r2', outcome.metrics.r2, row.r2!, band.r2);
          near('rmse', outcome.metrics.rmse! / row.rmse!, 1, band.rmse);
          near('mae', outcome.metrics.mae! / row.mae!, 1, band.mae);
          near('cv_mean', outcome.metrics.cv_mean, row.cv_mean, band.cv);
        });
        it("finds scikit-learn's own seed-to-seed spread within twice the band (else the band needs revisiting)", () => {
          const spread = row.sklearn_seed_spread!;
          assert.ok(spread.r2[0] <= row.r2! && row.r2! <= spread.r2[1]);
          // Ensembles: sklearn's own seed-to-seed spread fits inside twice the band.
          if (band === TREE_BANDS.ensemble) {
            assert.ok(spread.r2[1] - spread.r2[0] <= 2 * band.r2, `sklearn r2 spread ${spread.r2.join('–')}`);
            assert.ok(spread.rmse[1] / spread.rmse[0] - 1 <= 2 * band.rmse, `sklearn rmse spread ${spread.rmse.join('–')}`);
            assert.ok(spread.mae[1] / spread.mae[0] - 1 <= 2 * band.mae, `sklearn mae spread ${spread.mae.join('–')}`);
          }
        });
      } else {
        it('matches r2 within 0.002, rmse/mae/mape relative 0.2%, CV r2 within 0.002', () => {
          near('r2', outcome.metrics.r2, row.r2!, 0.002);
          near('rmse', outcome.metrics.rmse! / row.rmse!, 1, 0.002);
          near('mae', outcome.metrics.mae! / row.mae!, 1, 0.002);
          near('mape', outcome.metrics.mape, row.mape!, 0.002);
          near('cv_mean', outcome.metrics.cv_mean, row.cv_mean, 0.002);
          for (let f = 0; f < row.cv_scores.length; f++) near(`cv fold ${f}`, outcome.cvScores[f], row.cv_scores[f]!, 0.002);
        });
      }

      it('round-trips through the v2 artefact with identical predictions', async () => {
        const loaded = Pipeline.fromJSON(JSON.parse(JSON.stringify(outcome.pipeline)) as unknown);
        const test = await readTable(path.join(dir, `${row.dataset}.test.csv`), {
          target: null,
          columns: { ...loaded.inputColumnSpec(), drop: row.columns.drop },
          onlyColumns: new Set(loaded.inputColumns.map((c) => c.name)),
        });
        const out = row.task === 'classification' ? loaded.predictProba(test) : loaded.predictValues(test);
        assert.ok(out.every((v) => Number.isFinite(v)));
      });
    });
  }
});
