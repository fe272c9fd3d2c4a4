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

/**
 * The canonical JSON of a trial's content around its own fields: what comes from the sweep (data,
 * task, pipeline, CV) and the learner hash, made once per sweep context — a block's trials each need
 * a key, and canonicalising the context per trial was ~5% of a worker's CPU on trivial trials (issue
 * 13 item 4, round 5). Keys sort as cv, data, learner, model, params, pipeline, seed, task, v.
 */
interface ContentFrame {
  learnerHash: string;
  /** Up to `"model":`. */
  head: string;
  /** From `,"pipeline":` up to `"seed":`. */
  middle: string;
  /** From `,"task":` to the end. */
  tail: string;
}

const frames = new WeakMap<SweepContext, ContentFrame>();

function contentFrame(context: SweepContext, learnerHash: string): ContentFrame {
  const known = frames.get(context);
  if (known !== undefined && known.learnerHash === learnerHash) return known;
  const d = context.dataset;
  const data = {
    train: d.train,
    test: d.test,
    formats: d.formats ?? null,
    target: d.target,
    columns: d.columns ?? null,
    delimiter: d.delimiter ?? null,
    max_classes: d.max_classes ?? null,
    split: d.split,
  };
  // Without cv.split_folds: a trial split into fold jobs gets the same result as one run whole.
  const cv = { folds: context.cv.folds, scoring: context.cv.scoring, shuffle: context.cv.shuffle };
  const frame: ContentFrame = {
    learnerHash,
    head: `{"cv":${canonicalJson(cv)},"data":${canonicalJson(data)},"learner":${canonicalJson(learnerHash)},"model":`,
    middle: `,"pipeline":${canonicalJson(context.pipeline)},"seed":`,
    tail: `,"task":${canonicalJson(context.task ?? 'classification')},"v":1}`,
  };
  frames.set(context, frame);
  return frame;
}

/**
 * The content key of a trial: sha256 of the canonical JSON of everything its result depends on —
 * `{v: 1, data, task, pipeline, cv, model, params, seed, learner}`.
 */
export function trialCacheKey(context: SweepContext, trial: CacheableTrial, learnerHash: string): string {
  const frame = contentFrame(context, learnerHash);
  const content = `${frame.head}${canonicalJson(trial.model)},"params":${canonicalJson(trial.params)}${frame.middle}${canonicalJson(trial.seed)}${frame.tail}`;
  return createHash('sha256').update(content).digest('hex');
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
