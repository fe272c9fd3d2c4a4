/** Small datasets and helpers shared by the tree learner tests. */
import path from 'node:path';
import type { Dataset, FeatureMatrix } from '../../../../shared/ml/dataset/dataset.js';
import { readCsvFile } from '../../../../shared/ml/dataset/read-csv.js';
import type { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

/** A feature matrix from plain column arrays. */
export function matrix(columns: readonly (readonly number[])[]): FeatureMatrix {
  return { nRows: columns[0]?.length ?? 0, columns: columns.map((c) => Float64Array.from(c)) };
}

/** Three well-separated 2-D gaussian blobs (classes 0, 1, 2) plus one noise feature. */
export function threeBlobs(perClass: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const n = perClass * 3;
  const columns = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const y = new Int32Array(n);
  const centres = [
    [0, 0],
    [4, 0],
    [0, 4],
  ];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    columns[0]![i] = centres[k]![0]! + rng.normal();
    columns[1]![i] = centres[k]![1]! + rng.normal();
    columns[2]![i] = rng.normal();
  }
  return { nRows: n, columns, y, featureNames: ['a', 'b', 'noise'], classes: ['0', '1', '2'] };
}

/** loan_default train/test with NaNs replaced by the train medians (trees need no scaling). */
export async function loanDefault(): Promise<{ train: Dataset; test: Dataset }> {
  const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);
  const train = await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' });
  const test = await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' });
  const medians = train.columns.map((column) => {
    const present = Float64Array.from(Array.from(column).filter((v) => !Number.isNaN(v))).sort();
    const m = present.length;
    return m % 2 === 1 ? present[(m - 1) / 2]! : (present[m / 2 - 1]! + present[m / 2]!) / 2;
  });
  const impute = (d: Dataset): Dataset => ({
    ...d,
    columns: d.columns.map((column, f) => column.map((v) => (Number.isNaN(v) ? medians[f]! : v))),
  });
  return { train: impute(train), test: impute(test) };
}

/** Depth of the tree rooted at `root` (a single leaf has depth 0). */
export function treeDepth(store: NodeStore, root: number): number {
  const left = store.left[root]!;
  if (left === -1) return 0;
  return 1 + Math.max(treeDepth(store, left), treeDepth(store, store.right[root]!));
}

/** Fraction of equal entries. */
export function accuracyOf(a: Int32Array, b: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return hits / a.length;
}
