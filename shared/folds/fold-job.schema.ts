/**
 * The payloads of a trial split into fold jobs (issue 13 item 5): a BullMQ flow whose parent
 * (`SPLIT_TRIAL_JOB_NAME`, job id = the trial's job id) waits for one child per part — each CV fold
 * and the final fit on every training row (`FOLD_JOB_NAME`) — and then commits the trial.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { artifactKey } from '../schemas/sweep-context.schema.js';
import { SweepIdSchema, TrialIdSchema } from '../schemas/trial.schema.js';

export const SPLIT_TRIAL_JOB_NAME = 'trial-split';
export const FOLD_JOB_NAME = 'fold';

/** Trees [start, end) of a forest's final fit, fitted by one part (fit-tree-ranges.ts). */
const TreeRangeSchema = z.tuple([z.number().int().min(0).max(100_000), z.number().int().min(1).max(100_000)]).refine(([start, end]) => start < end, {
  message: 'a tree range [start, end) needs start < end',
});

/**
 * The parent's payload: the trial, its job's retry number (which names the job), its fold count and,
 * when its final fit is itself split (a random forest), the fit's tree ranges in tree order.
 */
export const SplitTrialJobSchema = z.strictObject({
  v: z.literal(1),
  sweepId: SweepIdSchema,
  trialId: TrialIdSchema,
  index: z.number().int().min(0),
  retries: z.number().int().min(0),
  folds: z.number().int().min(2).max(100),
  fitTrees: z.array(TreeRangeSchema).min(2).max(64).optional(),
});
export type SplitTrialJob = z.infer<typeof SplitTrialJobSchema>;

/**
 * A part of a split trial: CV fold `k` (`f<k>`), the final fit on every training row (`fit`), or —
 * when the fit is split — trees [start, end) of the final fit (`t<start>-<end>`); the `fit` part then
 * merges those ranges and evaluates the merged model instead of fitting.
 */
export const FoldPartSchema = z.union([
  z.strictObject({ kind: z.literal('fold'), fold: z.number().int().min(0).max(99) }),
  z.strictObject({ kind: z.literal('fit') }),
  z.strictObject({ kind: z.literal('trees'), start: z.number().int().min(0), end: z.number().int().min(1) }),
]);
export type FoldPart = z.infer<typeof FoldPartSchema>;

export const FoldJobSchema = SplitTrialJobSchema.extend({ part: FoldPartSchema });
export type FoldJob = z.infer<typeof FoldJobSchema>;

/** The part's name in job ids and the fold hash. */
export function partName(part: FoldPart): string {
  switch (part.kind) {
    case 'fit':
      return 'fit';
    case 'fold':
      return `f${part.fold}`;
    case 'trees':
      return `t${part.start}-${part.end}`;
  }
}

/** Every part of a split trial: the fit's tree ranges (if split), the final fit, then each CV fold. */
export function partsOf(job: Pick<SplitTrialJob, 'folds' | 'fitTrees'>): FoldPart[] {
  const parts: FoldPart[] = (job.fitTrees ?? []).map(([start, end]) => ({ kind: 'trees', start, end }));
  parts.push({ kind: 'fit' });
  for (let k = 0; k < job.folds; k++) parts.push({ kind: 'fold', fold: k });
  return parts;
}

/** Job id of one part: the trial's job id plus the part (never contains ':'). */
export function foldJobId(trialJobId: string, part: FoldPart): string {
  return `${trialJobId}-${partName(part)}`;
}

/**
 * Where a tree range of a flow's final fit keeps its encoded part until the trial is done: one key
 * per flow and range. A range's fit is deterministic, so a superseded run writing it late writes the
 * same bytes; the flow's parent deletes it.
 */
export function treePartKey(sweepId: string, trialId: string, flow: string, part: Extract<FoldPart, { kind: 'trees' }>): string {
  return artifactKey(sweepId, trialId, flow).replace(/\.json$/, `.${partName(part)}.bin`);
}

/** The trial a part's job id names, for cleanup of jobs BullMQ gave up on; null for other ids. */
export function parseFoldJobId(jobId: string): { sweepId: string; index: number; retries: number } | null {
  const match = /^(s-[a-z0-9]{6,40})-t(\d{1,8})(?:-r(\d{1,6}))?-(?:f\d{1,2}|fit|t\d{1,6}-\d{1,6})$/.exec(jobId);
  if (!match) return null;
  return { sweepId: match[1]!, index: Number(match[2]), retries: match[3] === undefined ? 0 : Number(match[3]) };
}

/**
 * The split attempt's fencing token, derived from the flow's parent job id: deterministic, so two
 * feeders enqueueing the same flow agree on it (BullMQ keeps the first by job id anyway), and distinct
 * per job, so a flow of an earlier job of the trial can never commit it. Hex only, so the artefact key
 * derived from a token stays unique (artifactKey keeps its first 16 characters).
 */
export function flowToken(trialJobId: string): string {
  return createHash('sha256').update(`sweepq-fold-flow:${trialJobId}`).digest('hex').slice(0, 32);
}
