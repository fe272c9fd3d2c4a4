/**
 * Synthetic classification data, the algorithm of scikit-learn 1.2's `make_classification`
 * (sklearn/datasets/_samples_generator.py) step for step, drawn from our seeded {@link Rng}: the
 * same distributions and structure, not numpy's bit stream, so values differ from Python's for the
 * same `random_state` while statistics (class balance, separability, redundancy) match.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import { Rng } from '../random/rng.js';
import type { Dataset } from './dataset.js';

/** Upper bound on generated cells (n_samples × n_features): 400 MB of Float64 columns. */
export const MAX_GENERATED_CELLS = 50_000_000;

const count = (min: number) => z.number().int().min(min).max(MAX_GENERATED_CELLS);

/** make_classification's parameters with scikit-learn's names and defaults. */
export const MakeClassificationOptionsSchema = z
  .strictObject({
    n_samples: count(1).default(100),
    n_features: count(1).default(20),
    n_informative: count(1).default(2),
    n_redundant: count(0).default(2),
    n_repeated: count(0).default(0),
    n_classes: count(1).default(2),
    n_clusters_per_class: count(1).default(2),
    /** Class proportions; length n_classes, or n_classes − 1 (the last is 1 − their sum). */
    weights: z.array(z.number().finite().min(0)).nullable().default(null),
    /** Fraction of labels replaced by a random class (label noise). */
    flip_y: z.number().min(0).max(1).default(0.01),
    class_sep: z.number().finite().min(0).default(1.0),
    hypercube: z.boolean().default(true),
    /** Added to every feature; null draws one per feature in [−class_sep, class_sep]. */
    shift: z.number().finite().nullable().default(0.0),
    /** Multiplies every feature; null draws one per feature in [1, 101]. */
    scale: z.number().finite().nullable().default(1.0),
    shuffle: z.boolean().default(true),
    /** Seed; null means 0 (sweepq data is always reproducible, unlike scikit-learn's null). */
    random_state: z.number().int().min(0).max(0xffffffff).nullable().default(null),
  })
  .superRefine((o, ctx) => {
    if (o.n_informative + o.n_redundant + o.n_repeated > o.n_features) {
      ctx.addIssue({
        code: 'custom',
        path: ['n_features'],
        message: `n_informative (${o.n_informative}) + n_redundant (${o.n_redundant}) + n_repeated (${o.n_repeated}) must be at most n_features (${o.n_features})`,
      });
    }
    // log2 comparison as scikit-learn does, to avoid overflowing 2 ** n_informative.
    if (o.n_informative < Math.log2(o.n_classes * o.n_clusters_per_class)) {
      ctx.addIssue({
        code: 'custom',
        path: ['n_informative'],
        message: `n_classes (${o.n_classes}) × n_clusters_per_class (${o.n_clusters_per_class}) must be at most 2 ** n_informative (${o.n_informative < 60 ? 2 ** o.n_informative : 'huge'}); raise n_informative or lower the cluster count`,
      });
    }
    if (o.weights !== null && o.weights.length !== o.n_classes && o.weights.length !== o.n_classes - 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['weights'],
        message: `weights has ${o.weights.length} entries; give n_classes (${o.n_classes}) or n_classes − 1 entries`,
      });
    }
    if (o.n_samples * o.n_features > MAX_GENERATED_CELLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['n_samples'],
        message: `n_samples × n_features = ${o.n_samples * o.n_features} exceeds the limit of ${MAX_GENERATED_CELLS} cells; generate fewer rows or features`,
      });
    }
  });

export type MakeClassificationOptions = z.input<typeof MakeClassificationOptionsSchema>;

/**
 * Generates a random n-class classification problem (scikit-learn's make_classification).
 * Feature names are `feature_0…`, classes `'0'…'k-1'`.
 * @throws InvalidInputError `INVALID_SPEC` when the options are invalid (every zod issue in `details`).
 */
export function makeClassification(options: MakeClassificationOptions = {}): Dataset {
  const parsed = MakeClassificationOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const text = issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`).join('; ');
    throw new InvalidInputError('INVALID_SPEC', `invalid make_classification options: ${text}`, {
      details: issues,
      location: { path: issues[0]?.path.join('.') ?? '' },
    });
  }
  const o = parsed.data;
  const rng = new Rng(o.random_state ?? 0);
  const nSamples = o.n_samples;
  const nFeatures = o.n_features;
  const nInformative = o.n_informative;
  const nRedundant = o.n_redundant;
  const nRepeated = o.n_repeated;
  const nClasses = o.n_classes;
  const perClass = o.n_clusters_per_class;
  const classSep = o.class_sep;

  let weights: number[];
  if (o.weights === null) {
    weights = [];
    for (let k = 0; k < nClasses; k++) weights.push(1.0 / nClasses);
  } else if (o.weights.length === nClasses - 1) {
    let sum = 0;
    for (const w of o.weights) sum += w;
    weights = [...o.weights, 1.0 - sum];
  } else {
    weights = [...o.weights];
  }

  const nUseless = nFeatures - nInformative - nRedundant - nRepeated;
  const nClusters = nClasses * perClass;

  // Distribute samples among clusters by weight; the remainder goes round-robin.
  const perCluster = new Int32Array(nClusters);
  let assigned = 0;
  for (let k = 0; k < nClusters; k++) {
    perCluster[k] = Math.max(0, Math.trunc((nSamples * weights[k % nClasses]!) / perClass));
    assigned += perCluster[k]!;
  }
  for (let i = 0; i < nSamples - assigned; i++) perCluster[i % nClusters]!++;

  const columns: Float64Array[] = [];
  for (let f = 0; f < nFeatures; f++) columns.push(new Float64Array(nSamples));
  const y = new Int32Array(nSamples);

  // Cluster centroids on the vertices of a hypercube of side 2 * class_sep.
  const centroids = generateHypercube(nClusters, nInformative, rng); // row-major nClusters × nInformative
  for (let i = 0; i < centroids.length; i++) centroids[i] = centroids[i]! * 2 * classSep - classSep;
  if (!o.hypercube) {
    for (let k = 0; k < nClusters; k++) {
      const u = rng.next();
      for (let j = 0; j < nInformative; j++) centroids[k * nInformative + j]! *= u;
    }
    for (let j = 0; j < nInformative; j++) {
      const u = rng.next();
      for (let k = 0; k < nClusters; k++) centroids[k * nInformative + j]! *= u;
    }
  }

  // Informative features start as standard normal (row-major draw order, as numpy fills them).
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nInformative; j++) columns[j]![i] = rng.normal();
  }

  // Each cluster: random covariance (X_k @ A, A uniform in [-1, 1)) then shift to its vertex.
  const A = new Float64Array(nInformative * nInformative);
  const row = new Float64Array(nInformative);
  let stop = 0;
  for (let k = 0; k < nClusters; k++) {
    const start = stop;
    // Weights summing above 1 over-allocate; numpy's slicing silently clips, so do we.
    stop = Math.min(nSamples, start + perCluster[k]!);
    const label = k % nClasses;
    for (let i = 0; i < A.length; i++) A[i] = 2 * rng.next() - 1;
    for (let i = start; i < stop; i++) {
      y[i] = label;
      for (let r = 0; r < nInformative; r++) row[r] = columns[r]![i]!;
      for (let c = 0; c < nInformative; c++) {
        let dot = 0;
        for (let r = 0; r < nInformative; r++) dot += row[r]! * A[r * nInformative + c]!;
        columns[c]![i] = dot + centroids[k * nInformative + c]!;
      }
    }
  }

  // Redundant features: random linear combinations of the informative ones.
  if (nRedundant > 0) {
    const B = new Float64Array(nInformative * nRedundant);
    for (let i = 0; i < B.length; i++) B[i] = 2 * rng.next() - 1;
    for (let j = 0; j < nRedundant; j++) {
      const out = columns[nInformative + j]!;
      for (let r = 0; r < nInformative; r++) {
        const weight = B[r * nRedundant + j]!;
        const source = columns[r]!;
        for (let i = 0; i < nSamples; i++) out[i] = out[i]! + source[i]! * weight;
      }
    }
  }

  // Repeated features: copies of random informative/redundant columns.
  if (nRepeated > 0) {
    const n = nInformative + nRedundant;
    for (let j = 0; j < nRepeated; j++) {
      const index = Math.trunc((n - 1) * rng.next() + 0.5);
      columns[n + j]!.set(columns[index]!);
    }
  }

  // Useless features: pure noise.
  if (nUseless > 0) {
    const first = nFeatures - nUseless;
    for (let i = 0; i < nSamples; i++) {
      for (let j = first; j < nFeatures; j++) columns[j]![i] = rng.normal();
    }
  }

  // Label noise: the mask is drawn for every row first, then the replacement labels.
  if (o.flip_y >= 0) {
    const flip = new Uint8Array(nSamples);
    for (let i = 0; i < nSamples; i++) flip[i] = rng.next() < o.flip_y ? 1 : 0;
    for (let i = 0; i < nSamples; i++) if (flip[i] === 1) y[i] = rng.nextInt(nClasses);
  }

  // Shift and scale, per feature.
  for (let f = 0; f < nFeatures; f++) {
    const shift = o.shift ?? (2 * rng.next() - 1) * classSep;
    if (shift !== 0) {
      const column = columns[f]!;
      for (let i = 0; i < nSamples; i++) column[i] = column[i]! + shift;
    }
  }
  for (let f = 0; f < nFeatures; f++) {
    const scale = o.scale ?? 1 + 100 * rng.next();
    if (scale !== 1) {
      const column = columns[f]!;
      for (let i = 0; i < nSamples; i++) column[i] = column[i]! * scale;
    }
  }

  let finalColumns = columns;
  let finalY = y;
  if (o.shuffle) {
    const rowOrder = rng.permutation(nSamples);
    finalY = new Int32Array(nSamples);
    for (let i = 0; i < nSamples; i++) finalY[i] = y[rowOrder[i]!]!;
    const scratch = new Float64Array(nSamples);
    for (let f = 0; f < nFeatures; f++) {
      const column = columns[f]!;
      for (let i = 0; i < nSamples; i++) scratch[i] = column[rowOrder[i]!]!;
      column.set(scratch);
    }
    const featureOrder = rng.permutation(nFeatures);
    finalColumns = [];
    for (let f = 0; f < nFeatures; f++) finalColumns.push(columns[featureOrder[f]!]!);
  }

  const featureNames: string[] = [];
  for (let f = 0; f < nFeatures; f++) featureNames.push(`feature_${f}`);
  const classes: string[] = [];
  for (let k = 0; k < nClasses; k++) classes.push(String(k));
  return { nRows: nSamples, columns: finalColumns, featureNames, y: finalY, classes };
}

/** A block of missing values: rows [start, end) of one feature column. */
export interface MissingBlock {
  column: number;
  rows: readonly [start: number, end: number];
}

/**
 * Returns a dataset whose listed blocks are NaN (missing); the input is not modified (only the
 * touched columns are copied). The seed sweep uses feature 2 rows 50–69 and feature 7 rows 200–219.
 * @throws InvalidInputError `INVALID_SPEC` for a block outside the dataset.
 */
export function applyMissing(dataset: Dataset, blocks: readonly MissingBlock[]): Dataset {
  const columns = dataset.columns.slice();
  const copied = new Uint8Array(columns.length);
  for (let b = 0; b < blocks.length; b++) {
    const { column, rows } = blocks[b]!;
    const [start, end] = rows;
    if (!Number.isInteger(column) || column < 0 || column >= columns.length) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `missing-value block ${b}: column ${column} does not exist (the dataset has ${columns.length} features, 0-based)`,
        { location: { path: `missing[${b}].column` } },
      );
    }
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > dataset.nRows) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `missing-value block ${b}: rows [${start}, ${end}) are outside 0..${dataset.nRows}; use 0 ≤ start ≤ end ≤ n_samples`,
        { location: { path: `missing[${b}].rows` } },
      );
    }
    if (copied[column] === 0) {
      columns[column] = columns[column]!.slice();
      copied[column] = 1;
    }
    columns[column]!.fill(Number.NaN, start, end);
  }
  return { ...dataset, columns };
}

/**
 * `nSamples` distinct vertices of the unit hypercube in `dimensions` dimensions, row-major, as
 * scikit-learn's `_generate_hypercube`: distinct integers below 2**dimensions unpacked into bits
 * (most significant first); beyond 30 dimensions the leading ones are plain random bits.
 */
function generateHypercube(nSamples: number, dimensions: number, rng: Rng): Float64Array {
  const out = new Float64Array(nSamples * dimensions);
  const extra = Math.max(0, dimensions - 30);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < extra; j++) out[i * dimensions + j] = rng.nextInt(2);
  }
  const bits = dimensions - extra;
  const codes = sampleWithoutReplacement(2 ** bits, nSamples, rng);
  for (let i = 0; i < nSamples; i++) {
    const code = codes[i]!;
    for (let j = 0; j < bits; j++) out[i * dimensions + extra + j] = (code >>> (bits - 1 - j)) & 1;
  }
  return out;
}

/** `k` distinct integers from [0, population), in random order. */
function sampleWithoutReplacement(population: number, k: number, rng: Rng): Uint32Array {
  const out = new Uint32Array(k);
  if (population <= 1 << 16 || population <= 4 * k) {
    // Partial Fisher–Yates on the whole population.
    const pool = new Uint32Array(population);
    for (let i = 0; i < population; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextInt(population - i);
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
      out[i] = pool[i]!;
    }
    return out;
  }
  // Sparse draw: rejection against a set (k ≤ population / 4, so few rejections).
  const seen = new Set<number>();
  for (let i = 0; i < k; i++) {
    let v = rng.nextInt(population);
    while (seen.has(v)) v = rng.nextInt(population);
    seen.add(v);
    out[i] = v;
  }
  return out;
}
