/**
 * The fold hash of a split trial, `P:sweep:<id>:trial:<i>:folds` — the repository of its parts' runs
 * and results. Fields are prefixed by the flow token (`<flow>:<part>:token|worker|result`), so parts
 * of an earlier flow of the same trial never mix with this one's. The parent job deletes the hash once
 * the trial is committed or found finished; the committed trial keeps every fold's score.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { IndexKeys } from '../index/index-keys.js';
import { claimedTrial, type TrialDefinition } from '../index/trial-transitions.js';
import { runFoldScript } from './fold-scripts.js';
import { partName, partsOf, type FoldJob, type FoldPart } from './fold-job.schema.js';

/**
 * What one part's run recorded: a fold's CV score, the final fit's test metrics and artefact, or a tree
 * range of a split final fit (its partial pipeline, stored at `artifact` until the trial is done).
 */
export const FoldPartResultSchema = z.union([
  z.strictObject({ kind: z.literal('fold'), fold: z.number().int(), score: z.number().nullable(), cvMs: z.number(), worker: z.string() }),
  z.strictObject({
    kind: z.literal('trees'),
    start: z.number().int(),
    end: z.number().int(),
    artifact: z.string().min(1),
    fitMs: z.number(),
    worker: z.string(),
  }),
  z.strictObject({
    kind: z.literal('fit'),
    metrics: z.record(z.string(), z.number().nullable()),
    artifact: z.string().min(1),
    timings: z.strictObject({ fitMs: z.number(), evalMs: z.number(), loadMs: z.number(), storeMs: z.number() }),
    worker: z.string(),
  }),
]);
export type FoldPartResult = z.infer<typeof FoldPartResultSchema>;

/** The fold hash of a trial: exists while a flow of the trial is in flight (its parent deletes it). */
export function foldHashKey(keys: IndexKeys, sweepId: string, index: number): string {
  return `${keys.trial(sweepId, index)}:folds`;
}

export type FoldClaimOutcome = { result: 'ok'; trial: TrialDefinition } | { result: Exclude<string, 'ok'> };

export type FoldRecordOutcome = 'ok' | 'fenced' | 'stale' | 'done';

export class FoldLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  key(sweepId: string, index: number): string {
    return foldHashKey(this.keys, sweepId, index);
  }

  /** Starts a run of one part under `partToken` (see claim-fold-5.lua). */
  async claim(job: FoldJob, flow: string, partToken: string, worker: string, now = Date.now()): Promise<FoldClaimOutcome> {
    const k = this.keys;
    const reply = (await runFoldScript(
      this.redis,
      'sweepqClaimFold',
      [k.trial(job.sweepId, job.index), k.sweep(job.sweepId), k.log(job.sweepId), k.open(job.sweepId), this.key(job.sweepId, job.index)],
      [flow, partName(job.part), partToken, worker, now, job.retries, partsOf(job).length],
    )) as Array<string | null>;
    if (reply[0] !== 'ok') return { result: reply[0] ?? 'missing' };
    return { result: 'ok', trial: claimedTrial(reply) };
  }

  /** Records a part's result; refused unless this run still holds the part and the flow the trial. */
  async record(job: FoldJob, flow: string, partToken: string, result: FoldPartResult): Promise<FoldRecordOutcome> {
    return (await runFoldScript(
      this.redis,
      'sweepqRecordFold',
      [this.keys.trial(job.sweepId, job.index), this.key(job.sweepId, job.index)],
      [flow, partName(job.part), partToken, JSON.stringify(result)],
    )) as FoldRecordOutcome;
  }

  /** The recorded results of a flow's parts, by part name (absent: not recorded). */
  async results(sweepId: string, index: number, flow: string, parts: readonly FoldPart[]): Promise<Map<string, FoldPartResult>> {
    const names = parts.map(partName);
    const values = await this.redis.hmget(this.key(sweepId, index), ...names.map((name) => `${flow}:${name}:result`));
    const out = new Map<string, FoldPartResult>();
    for (let i = 0; i < names.length; i++) {
      const raw = values[i];
      if (raw === null || raw === undefined) continue;
      const parsed = FoldPartResultSchema.safeParse(JSON.parse(raw));
      if (parsed.success) out.set(names[i]!, parsed.data);
    }
    return out;
  }

  async clear(sweepId: string, index: number): Promise<void> {
    await this.redis.del(this.key(sweepId, index));
  }
}
