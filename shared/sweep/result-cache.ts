/**
 * The result cache across sweeps (issue 11): a completed trial's result under its content key — the
 * data (store sha256s), target, task, columns, split, pipeline with the trial's settings, model,
 * params, seed, CV spec and the hash of the built learner code — so an identical trial of any sweep
 * is answered from it instead of trained. One Redis hash (IndexKeys.resultCache), entries parsed at
 * that trust boundary. The worker copies the artefact to the new trial's own key, so deleting the
 * sweep that trained it never breaks a trial that reused it (a vanished artefact is a miss).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { IndexKeys } from '../index/index-keys.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import { canonicalJson } from '../search/trial-name.js';

export const CachedResultSchema = z.object({
  sweepId: z.string(),
  trialId: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  folds: z.array(z.number().nullable()),
  timings: z.record(z.string(), z.number()),
  artifact: z.string().min(1),
});
export type CachedResult = z.infer<typeof CachedResultSchema>;

/** What decides a trial's result, besides its sweep's context. */
export interface CacheableTrial {
  model: string;
  params: Readonly<Record<string, unknown>>;
  seed: number;
}

/** The content key of a trial: sha256 of everything its result depends on. */
export function trialCacheKey(context: SweepContext, trial: CacheableTrial, learnerHash: string): string {
  const d = context.dataset;
  const content = {
    v: 1,
    data: {
      train: d.train,
      test: d.test,
      formats: d.formats ?? null,
      target: d.target,
      columns: d.columns ?? null,
      delimiter: d.delimiter ?? null,
      max_classes: d.max_classes ?? null,
      split: d.split,
    },
    task: context.task ?? 'classification',
    pipeline: context.pipeline,
    // Without cv.split_folds: a trial split into fold jobs gets the same result as one run whole.
    cv: { folds: context.cv.folds, scoring: context.cv.scoring, shuffle: context.cv.shuffle },
    model: trial.model,
    params: trial.params,
    seed: trial.seed,
    learner: learnerHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export class ResultCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  /** Which of `keys` have an entry: one HMGET for many (a block's trials, issue 13 item 4). */
  async present(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const raws = await this.redis.hmget(this.keys.resultCache(), ...keys);
    return raws.map((raw) => raw !== null);
  }

  /** The cached result under `key`, or null (absent or unreadable: a miss, never an error). */
  async get(key: string): Promise<CachedResult | null> {
    const raw = await this.redis.hget(this.keys.resultCache(), key);
    if (raw === null) return null;
    try {
      const parsed = CachedResultSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
