/** A small logistic-regression training task on a CSV the test wrote, for tests that drive a TrainingSlot. */
import type { TrainingTask } from '../../services/worker/training-task.js';

export type TaskWithoutSlotFields = Omit<TrainingTask, 'id' | 'memoryMb'>;

/** `datasetSha` names the (fake) content hash the task's dataset carries; `overrides` replace any field. */
export function trainingTask(trainPath: string, datasetSha: string, overrides: Partial<TaskWithoutSlotFields> = {}): TaskWithoutSlotFields {
  return {
    trainPath,
    testPath: null,
    dataset: { train: datasetSha, test: null, target: 'target', split: { test_size: 0.25, random_state: 0, stratify: false } },
    pipeline: { imputer: null, scaler: 'standard' },
    task: undefined,
    model: 'logistic_regression',
    params: { C: 1 },
    pipelineOverrides: {},
    seed: 1,
    cv: { folds: 3, scoring: 'accuracy', shuffle: false },
    ...overrides,
  };
}

/** A deep forest of many trees on a few thousand rows: far beyond {@link OVER_MEMORY_LIMITS}' 64 MB budget. */
export const OVER_MEMORY_MODEL = {
  model: 'random_forest',
  params: { n_estimators: 3000, max_depth: null, bootstrap: false },
} as const satisfies Partial<TaskWithoutSlotFields>;

/** The budget {@link OVER_MEMORY_MODEL} breaks. */
export const OVER_MEMORY_LIMITS = { memoryMb: 64, timeoutS: 120 } as const;
