/**
 * Turns a submitted spec's dataset into content-addressed store objects and checks that the data fits
 * the sweep (target, task, models and metrics, one-hot widths, test against train, folds) — bad data is
 * refused here, before anything is written. Generated data (`make_classification`) is stored only after
 * the checks pass. Stored files are read from the local dataset cache as typed tables, streamed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LimitsConfig } from '../config/config.js';
import { InvalidInputError } from '../errors/index.js';
import type { StopRules } from './stop-rules.js';
import { applyMissing, makeClassification } from '../ml/dataset/make-classification.js';
import { datasetToCsv } from '../ml/dataset/write-csv.js';
import type { SchemaReport } from '../ml/dataset/schema-report.js';
import type { TabularDataset, Task } from '../ml/dataset/table.js';
import { datasetKey, Sha256Schema, type DatasetFormat, type DatasetRef, type SweepContext, type TrialLimits } from '../schemas/sweep-context.schema.js';
import type { DataShape } from '../search/estimate-trial-memory.js';
import type { ObjectStore } from '../store/index.js';
import { sha256OfFile, type DatasetCache } from './dataset-cache.js';
import type { ResolvedSweepSpec } from './parse-sweep-file.js';
import { checkSweepDataInThread } from './check-sweep-data-in-thread.js';
import { keepParsedData } from './parsed-data-cache.js';
import { readSpecOf } from './sweep-data.js';
import { storeDatasetFile } from './store-dataset-file.js';

export interface ResolvedContext {
  context: SweepContext;
  /** The training data's shape after encoding, for the trials' memory estimates. */
  shape: DataShape;
  /** Inferred column types and the target, shown by `status` and `sweepq run`. */
  schema: SchemaReport;
  task: Task;
}

const FORMATS: readonly DatasetFormat[] = ['csv', 'csv.gz', 'parquet'];

export class SweepContextResolver {
  constructor(
    private readonly store: ObjectStore,
    private readonly datasets: DatasetCache,
    private readonly limits: Pick<LimitsConfig, 'trialMemoryMb' | 'trialMemoryMaxMb' | 'trialTimeoutS' | 'foldSplitMinCost'>,
    private readonly scratchDir: string,
  ) {}

  async resolve(spec: ResolvedSweepSpec): Promise<ResolvedContext> {
    const dataset = spec.dataset;
    // The schema fills split defaults for single-file datasets; train + test files have none.
    const split = spec.split === undefined ? null : { test_size: spec.split.test_size, random_state: spec.split.random_state, stratify: spec.split.stratify };
    let generated: string | undefined;
    try {
      let train: { sha256: string; format: DatasetFormat; file: string };
      let test: { sha256: string; format: DatasetFormat; file: string } | null = null;
      if (dataset.make_classification !== undefined) {
        let data = makeClassification(dataset.make_classification);
        if (dataset.missing !== undefined && dataset.missing.length > 0) data = applyMissing(data, dataset.missing);
        await mkdir(this.scratchDir, { recursive: true });
        generated = path.join(this.scratchDir, `generated-${randomBytes(6).toString('hex')}.csv`);
        await writeFile(generated, datasetToCsv(data, dataset.target));
        train = { sha256: await sha256OfFile(generated), format: 'csv', file: generated };
      } else if (dataset.csv !== undefined) {
        train = await this.stored(dataset.csv.sha256, 'dataset.csv');
      } else if (dataset.train !== undefined && dataset.test !== undefined) {
        train = await this.stored(dataset.train.sha256, 'dataset.train');
        test = await this.stored(dataset.test.sha256, 'dataset.test');
      } else {
        throw new InvalidInputError('INVALID_SPEC', 'dataset needs exactly one of csv, train + test, or make_classification', {
          location: { path: 'dataset' },
        });
      }
      const refSplit = test === null ? split : null;
      let parsed: { train: TabularDataset; test: TabularDataset } | undefined;
      const check = await checkSweepDataInThread(
        {
          spec,
          split: refSplit,
          options: {},
          files: {
            train: train.file,
            test: test?.file ?? null,
            trainSource: `dataset ${train.sha256.slice(0, 12)}`,
            ...(test === null ? {} : { testSource: `dataset ${test.sha256.slice(0, 12)}` }),
          },
        },
        (data) => (parsed = data),
      );
      const limits = this.trialLimits(spec);
      const pruner = spec.search?.pruner;
      if (pruner !== undefined && check.task !== 'classification') {
        throw new InvalidInputError(
          'INVALID_SPEC',
          `the pruner grows classifiers only; this sweep's task is ${check.task} (remove search.pruner, or set task: classification if the target is categorical)`,
          {
            location: { path: 'search.pruner' },
          },
        );
      }
      // Stored only now that the checks passed: a refused spec writes nothing.
      if (generated !== undefined) await storeDatasetFile(this.store, generated);
      const ref: DatasetRef = {
        train: train.sha256,
        test: test?.sha256 ?? null,
        formats: { train: train.format, test: test?.format ?? null },
        target: dataset.target,
        ...(dataset.columns === undefined ? {} : { columns: dataset.columns }),
        ...(dataset.delimiter === undefined ? {} : { delimiter: dataset.delimiter }),
        ...(dataset.max_classes === undefined ? {} : { max_classes: dataset.max_classes }),
        split: refSplit,
      };
      if (parsed !== undefined) await this.keepParsed(ref, check.task, parsed);
      const context: SweepContext = {
        v: 1,
        dataset: ref,
        pipeline: spec.pipeline,
        cv: {
          folds: spec.cv.folds,
          scoring: check.scoring,
          shuffle: spec.cv.shuffle,
          ...(spec.cv.split_folds === undefined ? {} : { split_folds: spec.cv.split_folds }),
        },
        task: check.task,
        limits,
        fold_split: { rows: check.shape.rows, features: check.shape.features, min_cost: this.limits.foldSplitMinCost },
        ...(pruner === undefined ? {} : { pruner }),
        ...stopRulesOf(spec),
        ...(spec.cache === false ? { cache: false } : {}),
      };
      return { context, shape: check.shape, schema: check.schema, task: check.task };
    } finally {
      if (generated !== undefined) await rm(generated, { force: true }).catch(() => undefined);
    }
  }

  /**
   * Leaves the checked data's parsed pair beside its file in this machine's dataset cache, under the
   * settings its trials read it with (the task as checked, also when inferred: a declared task reads
   * the same values as the one inferred), so a cold training process reads it instead of parsing it
   * (parsed-data-cache.ts). Small data only: larger data is checked in a thread, and its first trial
   * caches its own copy.
   */
  private async keepParsed(ref: DatasetRef, task: Task, parsed: { train: TabularDataset; test: TabularDataset }): Promise<void> {
    const files = {
      train: this.datasets.fileOf(ref.train, ref.formats?.train ?? 'csv'),
      test: ref.test === null ? null : this.datasets.fileOf(ref.test, ref.formats?.test ?? 'csv'),
    };
    // Only speed is at stake: whatever fails here leaves the trials to parse the file, never the submit.
    await keepParsedData(readSpecOf({ dataset: ref, task }), ref.split, files, parsed).catch(() => undefined);
  }

  /** The sweep's trial limits: its `limits:` block over the configured defaults, within the configured maximum. */
  private trialLimits(spec: ResolvedSweepSpec): TrialLimits {
    const memory = spec.limits?.memory_mb ?? this.limits.trialMemoryMb;
    if (memory > this.limits.trialMemoryMaxMb) {
      throw new InvalidInputError(
        'LIMIT_EXCEEDED',
        `limits.memory_mb is ${memory}, more than this sweepq allows per trial (${this.limits.trialMemoryMaxMb}, SWEEPQ_TRIAL_MEMORY_MAX_MB); lower it`,
        {
          location: { path: 'limits.memory_mb' },
        },
      );
    }
    return { memory_mb: memory, timeout_s: spec.limits?.timeout_s ?? this.limits.trialTimeoutS };
  }

  /** An uploaded dataset: its format (which object exists) and its local cached copy. */
  private async stored(sha256: string, where: string): Promise<{ sha256: string; format: DatasetFormat; file: string }> {
    Sha256Schema.parse(sha256);
    for (const format of FORMATS) {
      if (await this.store.exists(datasetKey(sha256, format))) return { sha256, format, file: await this.datasets.localPath(sha256, format) };
    }
    throw new InvalidInputError(
      'INVALID_SPEC',
      `${where}: dataset ${sha256} has not been uploaded; upload it first (POST /datasets, or submit with the CLI which uploads local files)`,
      {
        location: { path: where },
      },
    );
  }
}

/** The spec's stop rules for the sweep context; nothing when it sets none. */
function stopRulesOf(spec: ResolvedSweepSpec): { stop?: StopRules } {
  const stop: StopRules = {};
  if (spec.limits?.max_duration_s !== undefined) stop.max_duration_s = spec.limits.max_duration_s;
  if (spec.search?.stop?.target !== undefined) stop.target = spec.search.stop.target;
  if (spec.search?.stop?.patience !== undefined) stop.patience = spec.search.stop.patience;
  return Object.keys(stop).length === 0 ? {} : { stop };
}
