/**
 * Turns a submitted spec's dataset into content-addressed store objects and checks that it loads
 * (target column, classes, split, folds) — bad data is refused here, before anything is written.
 * Generated data (`make_classification`) is stored only after the checks pass.
 */
import { InvalidInputError } from '../errors/index.js';
import { applyMissing, makeClassification } from '../ml/dataset/make-classification.js';
import { datasetToCsv } from '../ml/dataset/read-csv.js';
import type { LimitsConfig } from '../config/config.js';
import { datasetKey, Sha256Schema, type DatasetRef, type SweepContext, type TrialLimits } from '../schemas/sweep-context.schema.js';
import type { DataShape } from '../search/estimate-trial-memory.js';
import type { ObjectStore } from '../store/index.js';
import { assertDatasetFits } from './assert-dataset-fits.js';
import { sha256Hex, type DatasetCache } from './dataset-cache.js';
import type { ResolvedSweepSpec } from './parse-sweep-file.js';

export interface ResolvedContext {
  context: SweepContext;
  /** The training data's shape, for the trials' memory estimates. */
  shape: DataShape;
}

export class SweepContextResolver {
  constructor(
    private readonly store: ObjectStore,
    private readonly datasets: DatasetCache,
    private readonly upload: (bytes: Buffer) => Promise<{ sha256: string }>,
    private readonly limits: Pick<LimitsConfig, 'trialMemoryMb' | 'trialMemoryMaxMb' | 'trialTimeoutS'>,
  ) {}

  async resolve(spec: ResolvedSweepSpec): Promise<ResolvedContext> {
    const dataset = spec.dataset;
    let ref: DatasetRef;
    // The schema fills split defaults for single-file datasets; train + test files have none.
    const split = spec.split === undefined ? null : { test_size: spec.split.test_size, random_state: spec.split.random_state, stratify: spec.split.stratify };
    let generatedCsv: string | undefined;
    if (dataset.make_classification !== undefined) {
      let generated = makeClassification(dataset.make_classification);
      if (dataset.missing !== undefined && dataset.missing.length > 0) generated = applyMissing(generated, dataset.missing);
      generatedCsv = datasetToCsv(generated, dataset.target);
      ref = { train: sha256Hex(generatedCsv), test: null, target: dataset.target, split };
    } else if (dataset.csv !== undefined) {
      ref = { train: await this.requireDataset(dataset.csv.sha256, 'dataset.csv'), test: null, target: dataset.target, split };
    } else if (dataset.train !== undefined && dataset.test !== undefined) {
      ref = {
        train: await this.requireDataset(dataset.train.sha256, 'dataset.train'),
        test: await this.requireDataset(dataset.test.sha256, 'dataset.test'),
        target: dataset.target,
        split: null,
      };
    } else {
      throw new InvalidInputError('INVALID_SPEC', 'dataset needs exactly one of csv, train + test, or make_classification', { location: { path: 'dataset' } });
    }
    const trainText = generatedCsv ?? (await this.datasets.readText(ref.train));
    const testText = ref.test === null ? null : await this.datasets.readText(ref.test);
    const shape = assertDatasetFits(ref, trainText, testText, spec.cv.folds);
    const limits = this.trialLimits(spec);
    if (generatedCsv !== undefined) await this.upload(Buffer.from(generatedCsv));
    return { context: { v: 1, dataset: ref, pipeline: spec.pipeline, cv: { folds: spec.cv.folds, scoring: spec.cv.scoring, shuffle: spec.cv.shuffle }, limits }, shape };
  }

  /** The sweep's trial limits: its `limits:` block over the configured defaults, within the configured maximum. */
  private trialLimits(spec: ResolvedSweepSpec): TrialLimits {
    const memory = spec.limits?.memory_mb ?? this.limits.trialMemoryMb;
    if (memory > this.limits.trialMemoryMaxMb) {
      throw new InvalidInputError('LIMIT_EXCEEDED', `limits.memory_mb is ${memory}, more than this sweepq allows per trial (${this.limits.trialMemoryMaxMb}, SWEEPQ_TRIAL_MEMORY_MAX_MB); lower it`, {
        location: { path: 'limits.memory_mb' },
      });
    }
    return { memory_mb: memory, timeout_s: spec.limits?.timeout_s ?? this.limits.trialTimeoutS };
  }

  private async requireDataset(sha256: string, where: string): Promise<string> {
    Sha256Schema.parse(sha256);
    if (!(await this.store.exists(datasetKey(sha256)))) {
      throw new InvalidInputError('INVALID_SPEC', `${where}: dataset ${sha256} has not been uploaded; upload it first (POST /datasets, or submit with the CLI which uploads local files)`, {
        location: { path: where },
      });
    }
    return sha256;
  }
}
