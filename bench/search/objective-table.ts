/**
 * The precomputed objective of the search benchmark: mean 5-fold CV R² of scikit-learn 1.9.1 models
 * on the diabetes data, per configuration and per number of trees (bench/search/make_tables.py).
 * Samplers are compared on this table, so every method sees exactly the same objective.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SearchSpaceEntry } from '../../shared/schemas/search-space.schema.js';
import type { ParamLiteral } from '../../shared/schemas/spec-scalars.schema.js';

export interface CurveTable {
  model: string;
  /** Numbers of trees the curves are read at (10, 20, …, 300). */
  n_estimators: number[];
  grid: Record<string, ParamLiteral[]>;
  configs: { params: Record<string, ParamLiteral>; r2: number[] }[];
}

export function loadTable(name: 'gradient-boosting' | 'random-forest'): CurveTable {
  return JSON.parse(readFileSync(path.resolve(process.cwd(), `bench/search/fixtures/diabetes-${name}.json`), 'utf8')) as CurveTable;
}

function configKey(params: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(params)
    .filter((k) => k !== 'n_estimators' && k !== 'random_state')
    .sort();
  // Numbers print the same whichever way they were produced (0.75 from a list or from quantize).
  return keys.map((k) => `${k}=${typeof params[k] === 'number' ? Number(params[k].toPrecision(12)) : String(params[k])}`).join(',');
}

/** objective(entry, params) = CV R² of that configuration at params.n_estimators trees. */
export function tableObjective(
  space: readonly SearchSpaceEntry[],
  tables: Record<string, CurveTable>,
): (entry: number, params: Readonly<Record<string, unknown>>) => number {
  const index = new Map<string, { stages: number[]; rows: Map<string, number[]> }>();
  for (const [model, table] of Object.entries(tables)) {
    const rows = new Map<string, number[]>();
    for (const row of table.configs) rows.set(configKey(row.params), row.r2);
    index.set(model, { stages: table.n_estimators, rows });
  }
  return (entry, params) => {
    const { stages, rows } = index.get(space[entry]!.model)!;
    const curve = rows.get(configKey(params));
    const stage = stages.indexOf(Math.round(params.n_estimators as number));
    if (curve === undefined || stage < 0) throw new Error(`no table value for ${space[entry]!.model} ${JSON.stringify(params)}`);
    return curve[stage]!;
  };
}

const N_ESTIMATORS = [50, 100, 150, 200, 250, 300];

/** Gradient boosting, every param a values list: a finite space of 4·5·3·3·6 = 1,080 points. */
export function gbDiscreteSpace(table: CurveTable): SearchSpaceEntry[] {
  return [
    {
      model: 'gradient_boosting',
      params: {
        learning_rate: { values: table.grid.learning_rate! },
        max_depth: { values: table.grid.max_depth! },
        subsample: { values: table.grid.subsample! },
        min_samples_leaf: { values: table.grid.min_samples_leaf! },
        n_estimators: { values: N_ESTIMATORS },
        random_state: 0,
      },
    },
  ];
}

/** The same 1,080 points, with the ordered params as int/q distributions (numeric kernels). */
export function gbNumericSpace(table: CurveTable): SearchSpaceEntry[] {
  return [
    {
      model: 'gradient_boosting',
      params: {
        learning_rate: { values: table.grid.learning_rate! },
        max_depth: { distribution: 'int_uniform', min: 2, max: 6 },
        subsample: { distribution: 'q_uniform', min: 0.5, max: 1, q: 0.25 },
        min_samples_leaf: { values: table.grid.min_samples_leaf! },
        n_estimators: { distribution: 'q_uniform', min: 50, max: 300, q: 50 },
        random_state: 0,
      },
    },
  ];
}

/** A conditional space: gradient boosting (1,080 points) or random forest (4·4·3·6 = 288 points). */
export function conditionalSpace(gb: CurveTable, rf: CurveTable): SearchSpaceEntry[] {
  return [
    ...gbDiscreteSpace(gb),
    {
      model: 'random_forest',
      params: {
        max_depth: { values: rf.grid.max_depth! },
        max_features: { values: rf.grid.max_features! },
        min_samples_leaf: { values: rf.grid.min_samples_leaf! },
        n_estimators: { values: N_ESTIMATORS },
        random_state: 0,
      },
    },
  ];
}

/**
 * Gradient boosting's rung values under the resources that refit from scratch
 * (bench/search/make_resource_tables.py): per configuration, the CV R² of `scaled_rungs[i]` trees at
 * learning_rate · 300 / r (capped at 1), and of 300 trees on `row_rungs[i]` / 300 of the rows.
 */
export interface ResourceTable {
  max_trees: number;
  scaled_rungs: number[];
  row_rungs: number[];
  configs: { params: Record<string, ParamLiteral>; scaled: number[]; rows: number[] }[];
}

export function loadResourceTable(): ResourceTable {
  return JSON.parse(readFileSync(path.resolve(process.cwd(), 'bench/search/fixtures/diabetes-gradient-boosting-resources.json'), 'utf8')) as ResourceTable;
}
