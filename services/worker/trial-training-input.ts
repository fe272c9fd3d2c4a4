/**
 * What every training of a trial carries — the whole trial (trial.processor.ts) or one of its parts
 * (fold.processor.ts): the data files made local, the sweep's pipeline, task and CV, the trial's model,
 * params and seed, and the slot limits its sweep asks for. Callers add what their training adds (rungs,
 * a fold part, tree ranges) and check for an abort after the download, which can take a while.
 */
import type { AnyModelName } from '../../shared/schemas/model-params.schema.js';
import { splitTrialParams } from '../../shared/schemas/search-space.schema.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import type { DatasetCache } from '../../shared/sweep/dataset-cache.js';
import type { SlotLimits, TrainingTask } from './training-task.js';

export interface TrialTrainingInput {
  task: Omit<TrainingTask, 'id' | 'memoryMb'>;
  limits: SlotLimits;
  /** The trial's params split into the model's and the searched pipeline settings. */
  params: ReturnType<typeof splitTrialParams>;
}

export async function trialTrainingInput(
  datasets: DatasetCache,
  context: SweepContext,
  model: AnyModelName,
  trial: { params: Record<string, unknown>; seed: number },
  defaultLimits: SlotLimits,
): Promise<TrialTrainingInput> {
  const { dataset } = context;
  const trainPath = await datasets.localPath(dataset.train, dataset.formats?.train ?? 'csv');
  const testPath = dataset.test === null ? null : await datasets.localPath(dataset.test, dataset.formats?.test ?? 'csv');
  const limits = context.limits === undefined ? defaultLimits : { memoryMb: context.limits.memory_mb, timeoutS: context.limits.timeout_s };
  const params = splitTrialParams(trial.params);
  return {
    task: {
      trainPath,
      testPath,
      dataset,
      pipeline: context.pipeline,
      task: context.task,
      model,
      params: params.model,
      pipelineOverrides: params.pipeline,
      seed: trial.seed,
      cv: context.cv,
    },
    limits,
    params,
  };
}
