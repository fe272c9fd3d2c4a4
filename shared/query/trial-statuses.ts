/**
 * The statuses a trial can have in the read model, and their one-byte codes in `TrialTable`.
 * Code 0 means "no row": a trial index the table has not heard of yet, so a status column doubles as
 * the row-presence bitmap and no separate array is needed.
 */

/**
 * Every status the read model stores, in lifecycle order. The first five are the queue's
 * (`TRIAL_STATUSES` in trial.schema.ts); `pruned` and `quarantined` are reserved for early stopping and
 * poison-trial isolation, so tables built today already accept them.
 */
export const TRIAL_TABLE_STATUSES = ['queued', 'active', 'completed', 'failed', 'cancelled', 'pruned', 'quarantined'] as const;

export type TrialTableStatus = (typeof TRIAL_TABLE_STATUSES)[number];

/** Status code of an absent row. */
export const ABSENT_STATUS_CODE = 0;

const CODE_BY_STATUS: ReadonlyMap<string, number> = new Map(TRIAL_TABLE_STATUSES.map((status, i) => [status, i + 1]));

/** The 1-based code of `status`, or 0 when `status` is not a known status (case-sensitive). */
export function statusCode(status: string): number {
  return CODE_BY_STATUS.get(status) ?? ABSENT_STATUS_CODE;
}

/** The status of a code, or undefined for 0 (absent) and unknown codes. */
export function statusOfCode(code: number): TrialTableStatus | undefined {
  return TRIAL_TABLE_STATUSES[code - 1];
}
